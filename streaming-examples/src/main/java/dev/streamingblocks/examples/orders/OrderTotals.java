package dev.streamingblocks.examples.orders;

import java.util.Objects;

/**
 * Number of orders and revenue of one product in one window: the accumulator of {@link
 * OrderStatsJob}'s count-and-revenue aggregation, and its result. Mutable so that adding an order
 * changes the window's accumulator in place instead of allocating a new one per order; a Flink
 * POJO (public fields, public no-argument constructor), so Flink's {@code PojoSerializer} writes it
 * in state and across the shuffle, never Kryo.
 *
 * <p>A value handed out as a result is a copy ({@link #copy()}), never the accumulator itself, so
 * nothing downstream sees it change.
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
    public boolean equals(Object o) {
        return o instanceof OrderTotals other && count == other.count && Double.compare(revenue, other.revenue) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(count, revenue);
    }

    @Override
    public String toString() {
        return "OrderTotals{count=" + count + ", revenue=" + revenue + "}";
    }
}
