package dev.streamingblocks.benchmarks.pipeline;

/**
 * Number of orders and revenue of one product in one window, mutable: {@link CountAndRevenue}'s
 * accumulator and result, a copy of streaming-examples' {@code OrderTotals} (the examples module is
 * a shaded application, so the benchmarks keep their own). A Flink POJO (public fields, public
 * no-argument constructor), so Flink's {@code PojoSerializer} writes it, never Kryo.
 */
public final class OrderTotals {

    /** Orders added. */
    public long count;

    /** Sum of {@code price * quantity} of the orders added. */
    public double revenue;

    /** Nothing added yet; also Flink's POJO constructor. */
    public OrderTotals() {}

    public OrderTotals(long count, double revenue) {
        this.count = count;
        this.revenue = revenue;
    }

    /** A new instance with the same totals. */
    public OrderTotals copy() {
        return new OrderTotals(count, revenue);
    }

    @Override
    public String toString() {
        return "OrderTotals{count=" + count + ", revenue=" + revenue + "}";
    }
}
