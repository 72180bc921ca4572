package dev.streamingblocks.core.window.internal;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Counts records. */
public final class CountAggregate<T> implements AggregateFunction<T, Long, Long> {

    private static final long serialVersionUID = 1L;

    @Override
    public Long createAccumulator() {
        return 0L;
    }

    @Override
    public Long add(T value, Long accumulator) {
        return accumulator + 1;
    }

    @Override
    public Long getResult(Long accumulator) {
        return accumulator;
    }

    @Override
    public Long merge(Long a, Long b) {
        return a + b;
    }
}
