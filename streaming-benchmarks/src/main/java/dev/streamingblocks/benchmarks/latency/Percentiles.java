package dev.streamingblocks.benchmarks.latency;

import java.util.Arrays;

/**
 * Exact percentiles of a few thousand latencies: the samples sorted, nearest rank. At these counts
 * a sorted array costs nothing and needs no histogram library or bucket resolution.
 */
public final class Percentiles {

    private final long[] sorted;

    public Percentiles(long[] samples) {
        this.sorted = samples.clone();
        Arrays.sort(this.sorted);
    }

    public int count() {
        return sorted.length;
    }

    /** The nearest-rank {@code p}-th percentile ({@code 0 < p <= 100}); -1 without samples. */
    public long percentile(double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    public long max() {
        return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
    }

    public long min() {
        return sorted.length == 0 ? -1 : sorted[0];
    }
}
