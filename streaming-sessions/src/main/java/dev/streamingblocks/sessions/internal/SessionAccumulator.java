package dev.streamingblocks.sessions.internal;

import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.UserSession;
import java.time.Instant;

/**
 * The state of one session of one user: a constant number of fields however many views it has.
 * A mutable POJO with public fields so Flink serialises it with its POJO serializer, not Kryo.
 */
public class SessionAccumulator {

    /** Time of the first view, epoch millis; the session's key. */
    public long start;
    /** Time of the last view, epoch millis; the session ends one gap later. */
    public long lastViewTime;

    public long pageCount;
    public String firstPage;
    public String lastPage;
    /** A row with this start was emitted (INSERT) and not deleted since. */
    public boolean emitted;
    /** The current content has not been emitted yet. */
    public boolean pending;

    public SessionAccumulator() {}

    static SessionAccumulator of(PageView view) {
        SessionAccumulator acc = new SessionAccumulator();
        long time = view.viewTime().toEpochMilli();
        acc.start = time;
        acc.lastViewTime = time;
        acc.pageCount = 1;
        acc.firstPage = view.pageUrl();
        acc.lastPage = view.pageUrl();
        acc.pending = true;
        return acc;
    }

    /** Adds the other session's views to this one; the emission flags are left to the caller. */
    void mergeFrom(SessionAccumulator other) {
        if (other.start < start || (other.start == start && other.firstPage.compareTo(firstPage) < 0)) {
            start = other.start;
            firstPage = other.firstPage;
        }
        if (other.lastViewTime > lastViewTime
                || (other.lastViewTime == lastViewTime && other.lastPage.compareTo(lastPage) > 0)) {
            lastViewTime = other.lastViewTime;
            lastPage = other.lastPage;
        }
        pageCount += other.pageCount;
    }

    long end(long gapMillis) {
        return lastViewTime + gapMillis;
    }

    UserSession toSession(String userId, long gapMillis) {
        return new UserSession(
                userId,
                Instant.ofEpochMilli(start),
                Instant.ofEpochMilli(end(gapMillis)),
                pageCount,
                firstPage,
                lastPage);
    }

    @Override
    public String toString() {
        return "SessionAccumulator{start=" + start + ", lastViewTime=" + lastViewTime + ", pageCount=" + pageCount
                + ", firstPage=" + firstPage + ", lastPage=" + lastPage + ", emitted=" + emitted
                + ", pending=" + pending + "}";
    }
}
