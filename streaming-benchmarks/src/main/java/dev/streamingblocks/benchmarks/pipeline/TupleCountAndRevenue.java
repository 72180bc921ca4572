package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.core.avro.testing.Order;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * {@link CountAndRevenue} as {@code OrderStatsJob} aggregated before issue #10's per-record levers:
 * an immutable {@code Tuple2<Long, Double>} accumulator, so a new tuple (and two boxed fields) per
 * order. Kept so the blocks benchmark measures the mutable accumulator against it in the same run.
 */
public final class TupleCountAndRevenue
        implements AggregateFunction<Order, Tuple2<Long, Double>, Tuple2<Long, Double>> {

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
