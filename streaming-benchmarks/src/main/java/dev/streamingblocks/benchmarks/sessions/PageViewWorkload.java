package dev.streamingblocks.benchmarks.sessions;

import dev.streamingblocks.benchmarks.harness.Progress;
import dev.streamingblocks.benchmarks.latency.PipelineStack;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.UserSession;
import dev.streamingblocks.sessions.json.PageViewJsonSerializationSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Deterministic page views of many users with short gaps, in event-time order: in each round every
 * user views one page, rounds one {@code step} apart (the users spread evenly inside it). After
 * {@code viewsPerSession} rounds every user pauses for the gap plus 15 minutes, then does as many
 * rounds again. So each user has exactly two sessions of {@code viewsPerSession} views, and after
 * the first half of the rounds (the "open" phase) exactly {@code users} sessions are open and none
 * has closed. View times start a day before now, so the event-time guard accepts them.
 */
public final class PageViewWorkload {

    private final int users;
    private final int viewsPerSession;
    private final long step;
    private final long gap;
    private final long pause;
    private final long base;

    public PageViewWorkload(int users, int viewsPerSession, Duration step, Duration gap) {
        if (step.compareTo(gap) >= 0) {
            throw new IllegalArgumentException("step (" + step + ") must be shorter than the gap (" + gap + ")");
        }
        this.users = users;
        this.viewsPerSession = viewsPerSession;
        this.step = step.toMillis();
        this.gap = gap.toMillis();
        this.pause = gap.plusMinutes(15).toMillis();
        this.base = Instant.now()
                .minus(1, ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.HOURS)
                .toEpochMilli();
    }

    public int users() {
        return users;
    }

    public long totalViews() {
        return 2L * users * viewsPerSession;
    }

    public long openPhaseViews() {
        return (long) users * viewsPerSession;
    }

    static String user(int u) {
        return "user-" + u;
    }

    long time(int round, int u) {
        return base + round * step + (round >= viewsPerSession ? pause : 0) + (long) u * step / users;
    }

    static String page(int round, int u) {
        return "/page/" + ((round * 31L + u) % 97);
    }

    /** The sessions all views define: two per user. */
    public Set<UserSession> expectedSessions() {
        Set<UserSession> sessions = new HashSet<>();
        for (int u = 0; u < users; u++) {
            for (int first : new int[] {0, viewsPerSession}) {
                int last = first + viewsPerSession - 1;
                sessions.add(new UserSession(
                        user(u),
                        Instant.ofEpochMilli(time(first, u)),
                        Instant.ofEpochMilli(time(last, u) + gap),
                        viewsPerSession,
                        page(first, u),
                        page(last, u)));
            }
        }
        return sessions;
    }

    /**
     * Writes all views as JSON (Flink SQL's {@code json} layout) to {@code all}, keyed by user, with
     * the view time as the record timestamp, and the open phase's views also to {@code openPhase}.
     */
    public void produce(PipelineStack stack, String all, String openPhase) {
        PageViewJsonSerializationSchema json = new PageViewJsonSerializationSchema();
        long begin = System.nanoTime();
        long next = begin + 5_000_000_000L;
        long written = 0;
        try (KafkaProducer<byte[], byte[]> producer = stack.kafka()
                .createProducer(Map.of(
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "lz4"))) {
            for (int round = 0; round < 2 * viewsPerSession; round++) {
                for (int u = 0; u < users; u++) {
                    long time = time(round, u);
                    byte[] key = user(u).getBytes(StandardCharsets.UTF_8);
                    byte[] value = json.serialize(new PageView(user(u), page(round, u), Instant.ofEpochMilli(time)));
                    producer.send(new ProducerRecord<>(all, null, time, key, value));
                    if (round < viewsPerSession) {
                        producer.send(new ProducerRecord<>(openPhase, null, time, key, value));
                    }
                    written++;
                    if (System.nanoTime() > next) {
                        next += 5_000_000_000L;
                        Progress.line("page views: %,d of %,d produced", written, totalViews());
                    }
                }
            }
            producer.flush();
        }
        Progress.line(
                "page views: %,d produced to %s (%,d also to %s) in %d ms",
                totalViews(), all, openPhaseViews(), openPhase, (System.nanoTime() - begin) / 1_000_000);
    }
}
