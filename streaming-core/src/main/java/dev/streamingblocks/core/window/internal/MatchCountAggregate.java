package dev.streamingblocks.core.window.internal;

import dev.streamingblocks.core.window.RecordPredicate;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Counts the records that match a predicate. */
public final class MatchCountAggregate<T> implements AggregateFunction<T, Long, Long> {

    private static final long serialVersionUID = 1L;

    private final RecordPredicate<T> predicate;

    public MatchCountAggregate(RecordPredicate<T> predicate) {
        this.predicate = predicate;
    }

    @Override
    public Long createAccumulator() {
        return 0L;
    }

    @Override
    public Long add(T value, Long accumulator) {
        return predicate.test(value) ? accumulator + 1 : accumulator;
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
