package dev.streamingblocks.core.window.internal;

import dev.streamingblocks.core.window.NumericValue;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums a numeric value of each record. */
public final class SumAggregate<T> implements AggregateFunction<T, Double, Double> {

    private static final long serialVersionUID = 1L;

    private final NumericValue<T> value;

    public SumAggregate(NumericValue<T> value) {
        this.value = value;
    }

    @Override
    public Double createAccumulator() {
        return 0.0;
    }

    @Override
    public Double add(T record, Double accumulator) {
        return accumulator + value.of(record);
    }

    @Override
    public Double getResult(Double accumulator) {
        return accumulator;
    }

    @Override
    public Double merge(Double a, Double b) {
        return a + b;
    }
}
