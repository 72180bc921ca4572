package dev.streamingblocks.sessions;

import java.time.Instant;

/**
 * One user session: the page views of one user in which no two consecutive views are more than the
 * session gap apart.
 *
 * <pre>{@code
 * UserSession session = change.session();
 * Duration length = Duration.between(session.sessionStart(), session.sessionEnd());
 * }</pre>
 *
 * <p>The bounds follow Flink SQL's {@code SESSION_START}/{@code SESSION_END}: the start is the time
 * of the first view, the end is the time of the last view plus the gap (exclusive). The row in
 * PostgreSQL is identified by {@code (userId, sessionStart)}.
 *
 * @param userId the user
 * @param sessionStart time of the first view
 * @param sessionEnd time of the last view plus the gap
 * @param pageCount number of views in the session (a page viewed twice counts twice)
 * @param firstPage URL of the first view; on equal times the smallest URL, so replays agree
 * @param lastPage URL of the last view; on equal times the largest URL, so replays agree
 */
public record UserSession(
        String userId, Instant sessionStart, Instant sessionEnd, long pageCount, String firstPage, String lastPage) {}
