package dev.streamingblocks.core.window.internal;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.types.Either;

/**
 * The keyed half of a two-phase window aggregation: merges each {@link WindowPartial} into the
 * window's accumulator and adds each record the pre-aggregation passed on, as the one-phase window would.
 * The window's accumulator is {@code merge}'s first argument, so a mutable {@code merge} that changes
 * and returns its first argument updates the window's state; the partial is not used afterwards.
 */
public final class PartialMergingAggregate<T, K, ACC, R>
        implements AggregateFunction<Either<WindowPartial<K, ACC>, T>, ACC, R> {

    private static final long serialVersionUID = 1L;

    private final AggregateFunction<T, ACC, R> function;

    public PartialMergingAggregate(AggregateFunction<T, ACC, R> function) {
        this.function = function;
    }

    @Override
    public ACC createAccumulator() {
        return function.createAccumulator();
    }

    @Override
    public ACC add(Either<WindowPartial<K, ACC>, T> value, ACC accumulator) {
        return value.isLeft()
                ? function.merge(accumulator, value.left().accumulator())
                : function.add(value.right(), accumulator);
    }

    @Override
    public R getResult(ACC accumulator) {
        return function.getResult(accumulator);
    }

    @Override
    public ACC merge(ACC a, ACC b) {
        return function.merge(a, b);
    }
}
