package dev.streamingblocks.core.window.internal;

import dev.streamingblocks.core.window.NumericValue;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * The minimum or maximum of a numeric value. A window only exists once a record is in it, so the
 * infinite start value never reaches a result.
 */
public final class ExtremumAggregate<T> implements AggregateFunction<T, Double, Double> {

    private static final long serialVersionUID = 1L;

    private final NumericValue<T> value;
    private final boolean max;

    public ExtremumAggregate(NumericValue<T> value, boolean max) {
        this.value = value;
        this.max = max;
    }

    @Override
    public Double createAccumulator() {
        return max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    @Override
    public Double add(T record, Double accumulator) {
        return pick(value.of(record), accumulator);
    }

    @Override
    public Double getResult(Double accumulator) {
        return accumulator;
    }

    @Override
    public Double merge(Double a, Double b) {
        return pick(a, b);
    }

    private Double pick(double a, double b) {
        return max ? Math.max(a, b) : Math.min(a, b);
    }
}
