package dev.streamingblocks.benchmarks.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Checks a variant's output against {@link ExpectedStats}, as a consumer of the article's
 * {@code order_stats} upsert table sees it: the last value per key ({@code window_start,
 * product_id}) counts, a {@code null} value deletes the key. Counts and revenues are compared for
 * exact equality (see {@link OrderWorkload}). It knows the moment the output first became complete,
 * which is where a variant's clock stops.
 *
 * <p>Fed by one thread ({@link #accept(ConsumerRecord)} on a {@code TopicTail}); read by another.
 */
public final class StatsVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REPORTED = 3;

    private final ExpectedStats expected;
    private final long[] counts;
    private final double[] revenues;
    private final boolean[] present;
    private volatile int matching;
    private volatile long unexpected;
    private volatile long records;
    private volatile long completeAtNanos;
    private volatile long firstRecordAtNanos;
    private final List<String> unexpectedExamples = new ArrayList<>();
    private final Map<String, Long> windowStarts = new ConcurrentHashMap<>();

    public StatsVerifier(ExpectedStats expected) {
        this.expected = expected;
        this.counts = new long[expected.cellCount()];
        this.revenues = new double[expected.cellCount()];
        this.present = new boolean[expected.cellCount()];
    }

    /** One record of the output topic, in the upsert-kafka JSON layout. */
    public void accept(ConsumerRecord<byte[], byte[]> record) throws IOException {
        if (record.value() == null) {
            JsonNode key = JSON.readTree(record.key());
            delete(
                    cachedWindowStart(key.get("window_start").asText()),
                    key.get("product_id").asText());
            return;
        }
        JsonNode value = JSON.readTree(record.value());
        accept(
                cachedWindowStart(value.get("window_start").asText()),
                value.get("product_id").asText(),
                value.get("order_count").asLong(),
                value.get("total_revenue").asDouble());
    }

    /** One result row: the latest value of its (window, product). */
    public synchronized void accept(long windowStart, String productId, long count, double revenue) {
        countRecord();
        int cell = expected.cell(windowStart, expected.workload().productIndex(productId));
        if (cell < 0 || expected.count(cell) == 0) {
            unexpected++;
            if (unexpectedExamples.size() < MAX_REPORTED) {
                unexpectedExamples.add(
                        java.time.Instant.ofEpochMilli(windowStart) + "/" + productId + " = " + count + ", " + revenue);
            }
            return;
        }
        boolean before = matches(cell);
        present[cell] = true;
        counts[cell] = count;
        revenues[cell] = revenue;
        update(before, matches(cell));
    }

    private synchronized void delete(long windowStart, String productId) {
        countRecord();
        int cell = expected.cell(windowStart, expected.workload().productIndex(productId));
        if (cell < 0) {
            return;
        }
        boolean before = matches(cell);
        present[cell] = false;
        update(before, false);
    }

    private void countRecord() {
        if (records++ == 0) {
            firstRecordAtNanos = System.nanoTime();
        }
    }

    private void update(boolean before, boolean after) {
        if (before != after) {
            matching += after ? 1 : -1;
            if (after && completeAtNanos == 0 && isComplete()) {
                completeAtNanos = System.nanoTime();
            }
        }
    }

    private boolean matches(int cell) {
        return present[cell]
                && counts[cell] == expected.count(cell)
                && Double.compare(revenues[cell], expected.revenue(cell)) == 0;
    }

    /** Every expected cell has its exact value and nothing else was written. */
    public boolean isComplete() {
        return matching == expected.nonEmptyCells() && unexpected == 0;
    }

    /** {@link System#nanoTime()} when the first output record was read, or 0. */
    public long firstRecordAtNanos() {
        return firstRecordAtNanos;
    }

    /** {@link System#nanoTime()} when the output first became complete, or 0. */
    public long completeAtNanos() {
        return completeAtNanos;
    }

    /** Results for a (window, product) that must not exist; once there is one, the output cannot become exact. */
    public long unexpected() {
        return unexpected;
    }

    public long records() {
        return records;
    }

    /** How many (window, product) results a correct output holds. */
    public int expectedResults() {
        return expected.nonEmptyCells();
    }

    public int matching() {
        return matching;
    }

    /** What is wrong, for the result table: missing, wrong and unexpected cells with examples. */
    public synchronized String problems() {
        int missing = 0;
        int wrong = 0;
        List<String> examples = new ArrayList<>();
        for (int cell = 0; cell < counts.length; cell++) {
            if (expected.count(cell) == 0 || matches(cell)) {
                continue;
            }
            if (!present[cell]) {
                missing++;
                if (examples.size() < MAX_REPORTED) {
                    examples.add("missing " + expected.describe(cell));
                }
            } else {
                wrong++;
                if (examples.size() < MAX_REPORTED) {
                    examples.add(expected.describe(cell) + " = " + counts[cell] + ", " + revenues[cell] + " instead of "
                            + expected.count(cell) + ", " + expected.revenue(cell));
                }
            }
        }
        examples.addAll(unexpectedExamples);
        return String.format(
                java.util.Locale.ROOT,
                "%d of %d (window, product) results exact, %d missing, %d wrong, %d unexpected, from %d records; e.g. %s",
                matching,
                expected.nonEmptyCells(),
                missing,
                wrong,
                unexpected,
                records,
                String.join("; ", examples));
    }

    /** {@code "2026-02-06 12:00:00"} (Flink's SQL timestamp format, optional fraction) as UTC epoch millis. */
    /**
     * {@link #windowStart(String)}, parsed once per distinct text: a run has a few hundred windows
     * and hundreds of thousands of rows, and the reader shares the cores with the variant it times.
     */
    private long cachedWindowStart(String sqlTimestamp) {
        return windowStarts.computeIfAbsent(sqlTimestamp, StatsVerifier::windowStart);
    }

    static long windowStart(String sqlTimestamp) {
        return LocalDateTime.parse(sqlTimestamp.replace(' ', 'T'))
                .toInstant(ZoneOffset.UTC)
                .toEpochMilli();
    }
}
