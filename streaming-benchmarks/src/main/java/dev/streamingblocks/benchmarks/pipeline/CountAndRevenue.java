package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.core.avro.testing.Order;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Count and revenue per product and window in one accumulator, O(1) state per key and window, as
 * streaming-examples' {@code OrderStatsJob} aggregates (the examples module is a shaded application,
 * so the benchmarks keep this copy of it; keep the two in step). The accumulator is mutable: {@code
 * add} and {@code merge} change it in place, {@code getResult} returns a copy. Used by the
 * whole-pipeline library variant and by the blocks benchmark without Kafka, so both measure the same
 * aggregation; {@link TupleCountAndRevenue} is the tuple accumulator it replaced.
 */
public final class CountAndRevenue implements AggregateFunction<Order, OrderTotals, OrderTotals> {

    private static final long serialVersionUID = 1L;

    @Override
    public OrderTotals createAccumulator() {
        return new OrderTotals();
    }

    @Override
    public OrderTotals add(Order order, OrderTotals acc) {
        acc.count++;
        acc.revenue += order.getPrice() * order.getQuantity();
        return acc;
    }

    @Override
    public OrderTotals getResult(OrderTotals acc) {
        return acc.copy();
    }

    @Override
    public OrderTotals merge(OrderTotals a, OrderTotals b) {
        a.count += b.count;
        a.revenue += b.revenue;
        return a;
    }
}
