package dev.streamingblocks.benchmarks.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The order-stats aggregation written by hand for one thread, as the plain-consumer bound and the
 * in-memory floor run it: count and revenue per product in one-minute tumbling windows, each window
 * emitted once when the watermark (the lowest of the thread's partitions' highest event time,
 * minus 5 s, minus 1 ms, as Flink's bounded-out-of-orderness strategy computes it) passes its end.
 * Not thread-safe; one per thread.
 */
final class MinuteStats {

    static final long MAX_OUT_OF_ORDERNESS_MILLIS = 5_000;

    /** Receives each window's result once. */
    interface Emitter {
        void emit(long windowStart, String productId, long count, double revenue);
    }

    private static final class Acc {
        long count;
        double revenue;
    }

    private final TreeMap<Long, Map<String, Acc>> open = new TreeMap<>();
    private final Emitter emitter;
    private long watermark = Long.MIN_VALUE;
    private long late;
    private long emitted;

    MinuteStats(Emitter emitter) {
        this.emitter = emitter;
    }

    void add(String productId, long timestamp, double revenue) {
        long windowStart = ExpectedStats.windowStart(timestamp);
        if (windowStart + ExpectedStats.WINDOW_MILLIS - 1 <= watermark) {
            late++;
            return;
        }
        Acc acc =
                open.computeIfAbsent(windowStart, w -> new HashMap<>(2048)).computeIfAbsent(productId, p -> new Acc());
        acc.count++;
        acc.revenue += revenue;
    }

    /** Fires every window whose last millisecond is at or below {@code watermark}. */
    void advanceWatermark(long newWatermark) {
        if (newWatermark <= watermark) {
            return;
        }
        watermark = newWatermark;
        while (!open.isEmpty() && open.firstKey() + ExpectedStats.WINDOW_MILLIS - 1 <= watermark) {
            fire(open.pollFirstEntry());
        }
    }

    /** End of input: fires what is left, as a bounded Flink job's final watermark does. */
    void finish() {
        while (!open.isEmpty()) {
            fire(open.pollFirstEntry());
        }
    }

    private void fire(Map.Entry<Long, Map<String, Acc>> window) {
        for (Map.Entry<String, Acc> e : window.getValue().entrySet()) {
            emitter.emit(window.getKey(), e.getKey(), e.getValue().count, e.getValue().revenue);
            emitted++;
        }
    }

    /** Orders dropped because their window had fired: must be 0 for an exact result. */
    long late() {
        return late;
    }

    long emitted() {
        return emitted;
    }
}
