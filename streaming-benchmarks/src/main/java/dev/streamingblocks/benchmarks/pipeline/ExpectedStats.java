package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.core.avro.testing.Order;

/**
 * The exact answer: order count and revenue per (one-minute window, product), computed while the
 * orders are generated. Cells are indexed {@code window * products + product}, windows counted
 * from {@link #firstWindowStart()}.
 */
public final class ExpectedStats {

    public static final long WINDOW_MILLIS = 60_000L;

    private final OrderWorkload workload;
    private final long firstWindowStart;
    private final int windows;
    private final long[] counts;
    private final double[] revenues;
    private int cells;

    ExpectedStats(OrderWorkload workload) {
        this.workload = workload;
        long first = workload.start().toEpochMilli() - OrderWorkload.MAX_JITTER.toMillis();
        this.firstWindowStart = Math.floorDiv(first, WINDOW_MILLIS) * WINDOW_MILLIS;
        long last = workload.start().toEpochMilli() + (workload.orders() - 1) * 60_000L / workload.ordersPerMinute();
        long windowCount = (last - firstWindowStart) / WINDOW_MILLIS + 1;
        if (windowCount * workload.products() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many (window, product) cells: " + windowCount + " windows x "
                    + workload.products() + " products");
        }
        this.windows = (int) windowCount;
        this.counts = new long[windows * workload.products()];
        this.revenues = new double[counts.length];
    }

    /** Adds one order; it must be one of the workload's. */
    void add(Order order) {
        int cell = cell(windowStart(order.getTimestamp()), workload.productIndex(order.getProductId()));
        if (counts[cell]++ == 0) {
            cells++;
        }
        revenues[cell] += order.getPrice() * order.getQuantity();
    }

    public static long windowStart(long timestamp) {
        return timestamp - Math.floorMod(timestamp, WINDOW_MILLIS);
    }

    /** The cell of a window start and product index, or -1 when outside the workload's range. */
    public int cell(long windowStart, int productIndex) {
        if (productIndex < 0 || Math.floorMod(windowStart, WINDOW_MILLIS) != 0) {
            return -1;
        }
        long window = (windowStart - firstWindowStart) / WINDOW_MILLIS;
        if (window < 0 || window >= windows) {
            return -1;
        }
        return (int) (window * workload.products() + productIndex);
    }

    public OrderWorkload workload() {
        return workload;
    }

    public long firstWindowStart() {
        return firstWindowStart;
    }

    public int cellCount() {
        return counts.length;
    }

    /** Cells with at least one order: exactly the output records a correct variant writes. */
    public int nonEmptyCells() {
        return cells;
    }

    public int windows() {
        return windows;
    }

    public long count(int cell) {
        return counts[cell];
    }

    public double revenue(int cell) {
        return revenues[cell];
    }

    /** A readable name of a cell for error messages: {@code 2026-02-06T12:03:00Z/prod-17}. */
    public String describe(int cell) {
        long windowStart = firstWindowStart + (cell / workload.products()) * WINDOW_MILLIS;
        return java.time.Instant.ofEpochMilli(windowStart) + "/" + workload.productId(cell % workload.products());
    }
}
