package dev.streamingblocks.core.window;

import dev.streamingblocks.core.window.internal.CountAggregate;
import dev.streamingblocks.core.window.internal.ExtremumAggregate;
import dev.streamingblocks.core.window.internal.SumAggregate;
import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * An incremental aggregation: the window keeps one accumulator per key and window, never a buffer
 * of records. Each carries the type information of its accumulator and result so nothing falls
 * back to Kryo.
 *
 * <pre>{@code
 * WindowAggregation<Order, ?, Long> count = WindowAggregation.count();
 * WindowAggregation<Order, ?, Double> revenue = WindowAggregation.sum(o -> o.getPrice() * o.getQuantity());
 * WindowAggregation<Order, ?, Avg> custom = WindowAggregation.of(new AvgPrice(), accType, Avg.TYPE);
 * }</pre>
 *
 * @param <T> input record type
 * @param <ACC> accumulator type
 * @param <R> result type
 */
public final class WindowAggregation<T, ACC, R> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final AggregateFunction<T, ACC, R> function;
    private final TypeInformation<ACC> accumulatorType;
    private final TypeInformation<R> resultType;

    private WindowAggregation(
            AggregateFunction<T, ACC, R> function,
            TypeInformation<ACC> accumulatorType,
            TypeInformation<R> resultType) {
        this.function = Objects.requireNonNull(function, "function must not be null");
        this.accumulatorType = Objects.requireNonNull(accumulatorType, "accumulatorType must not be null");
        this.resultType = Objects.requireNonNull(resultType, "resultType must not be null");
    }

    /** The number of records in the window. */
    public static <T> WindowAggregation<T, Long, Long> count() {
        return new WindowAggregation<>(new CountAggregate<>(), Types.LONG, Types.LONG);
    }

    /** The sum of {@code value} over the window. */
    public static <T> WindowAggregation<T, Double, Double> sum(NumericValue<T> value) {
        return new WindowAggregation<>(new SumAggregate<>(value), Types.DOUBLE, Types.DOUBLE);
    }

    /** The smallest {@code value} in the window. */
    public static <T> WindowAggregation<T, Double, Double> min(NumericValue<T> value) {
        return new WindowAggregation<>(new ExtremumAggregate<>(value, false), Types.DOUBLE, Types.DOUBLE);
    }

    /** The largest {@code value} in the window. */
    public static <T> WindowAggregation<T, Double, Double> max(NumericValue<T> value) {
        return new WindowAggregation<>(new ExtremumAggregate<>(value, true), Types.DOUBLE, Types.DOUBLE);
    }

    /** A user aggregation; its {@code merge} must be correct for sliding windows' pane sharing. */
    public static <T, ACC, R> WindowAggregation<T, ACC, R> of(
            AggregateFunction<T, ACC, R> function,
            TypeInformation<ACC> accumulatorType,
            TypeInformation<R> resultType) {
        return new WindowAggregation<>(function, accumulatorType, resultType);
    }

    public AggregateFunction<T, ACC, R> function() {
        return function;
    }

    public TypeInformation<ACC> accumulatorType() {
        return accumulatorType;
    }

    public TypeInformation<R> resultType() {
        return resultType;
    }
}
