package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.core.avro.testing.Order;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * Count and revenue per product and window in one accumulator, O(1) state per key and window, as
 * streaming-examples' {@code OrderStatsJob} aggregates (the examples module is a shaded application,
 * so the benchmarks keep this copy of it). Used by the whole-pipeline library variant and by the
 * blocks benchmark without Kafka, so both measure the same aggregation.
 */
public final class CountAndRevenue implements AggregateFunction<Order, Tuple2<Long, Double>, Tuple2<Long, Double>> {

    private static final long serialVersionUID = 1L;

    @Override
    public Tuple2<Long, Double> createAccumulator() {
        return Tuple2.of(0L, 0.0);
    }

    @Override
    public Tuple2<Long, Double> add(Order order, Tuple2<Long, Double> acc) {
        return Tuple2.of(acc.f0 + 1, acc.f1 + order.getPrice() * order.getQuantity());
    }

    @Override
    public Tuple2<Long, Double> getResult(Tuple2<Long, Double> acc) {
        return acc;
    }

    @Override
    public Tuple2<Long, Double> merge(Tuple2<Long, Double> a, Tuple2<Long, Double> b) {
        return Tuple2.of(a.f0 + b.f0, a.f1 + b.f1);
    }
}
