package dev.streamingblocks.core.window;

import dev.streamingblocks.core.window.internal.ResultWindowFunction;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * A keyed tumbling or sliding event-time aggregate that aggregates incrementally (one accumulator
 * per key and window) and emits each result with its window start and end.
 *
 * <pre>{@code
 * WindowedOutput<WindowResult<String, Long>, Order> perMinute =
 *         KeyedWindowAggregate.<Order, Long>builder()
 *                 .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
 *                 .setAggregation(WindowAggregation.count())
 *                 .setAllowedLateness(Duration.ofSeconds(30))
 *                 .setUid("orders-per-minute")
 *                 .build()
 *                 .apply(orders.keyBy(Order::getProductId));
 * perMinute.results().sinkTo(resultSink);
 * perMinute.lateRecords().sinkTo(deadLetterSink);
 * }</pre>
 *
 * <p>Required: window, aggregation, uid. A window fires when the watermark passes its end; with an
 * allowed lateness, each late record within it fires the window again with the updated result (an
 * update of the same window start/end). Records later than that go to {@link
 * WindowedOutput#lateRecords()} and the {@link LateData#LATE_RECORDS_METRIC} counter.
 *
 * @param <T> input record type
 * @param <R> result type
 */
public final class KeyedWindowAggregate<T, R> {

    /** Late records are not admitted unless asked for. */
    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ZERO;

    private final WindowSpec window;
    private final WindowAggregation<T, ?, R> aggregation;
    private final Duration allowedLateness;
    private final String uid;
    private final String name;

    private KeyedWindowAggregate(Builder<T, R> builder) {
        this.window = builder.window;
        this.aggregation = builder.aggregation;
        this.allowedLateness = builder.allowedLateness;
        this.uid = builder.uid;
        this.name = builder.name == null ? builder.uid : builder.name;
    }

    public static <T, R> Builder<T, R> builder() {
        return new Builder<>();
    }

    /** Adds the window operator (uid and name as set) and the late-record counter to {@code input}. */
    public <K> WindowedOutput<WindowResult<K, R>, T> apply(KeyedStream<T, K> input) {
        return applyTyped(input, aggregation);
    }

    private <K, ACC> WindowedOutput<WindowResult<K, R>, T> applyTyped(
            KeyedStream<T, K> input, WindowAggregation<T, ACC, R> agg) {
        OutputTag<T> lateTag = new OutputTag<>(uid + LateData.LATE_UID_SUFFIX, input.getType());
        TypeInformation<WindowResult<K, R>> resultType = WindowResult.typeInfo(input.getKeyType(), agg.resultType());
        SingleOutputStreamOperator<WindowResult<K, R>> results = input.window(window.assigner())
                .allowedLateness(allowedLateness)
                .sideOutputLateData(lateTag)
                .aggregate(
                        agg.function(),
                        new ResultWindowFunction<K, R>(),
                        agg.accumulatorType(),
                        agg.resultType(),
                        resultType)
                .uid(uid)
                .name(name);
        return new WindowedOutput<>(results, LateData.counted(results, lateTag, uid));
    }

    /** Builds a {@link KeyedWindowAggregate}; see its class documentation for what is required. */
    public static final class Builder<T, R> {

        private WindowSpec window;
        private WindowAggregation<T, ?, R> aggregation;
        private Duration allowedLateness;
        private String uid;
        private String name;

        Builder() {
            this.allowedLateness = DEFAULT_ALLOWED_LATENESS;
        }

        public Builder<T, R> setWindow(WindowSpec window) {
            this.window = window;
            return this;
        }

        public Builder<T, R> setAggregation(WindowAggregation<T, ?, R> aggregation) {
            this.aggregation = aggregation;
            return this;
        }

        public Builder<T, R> setAllowedLateness(Duration allowedLateness) {
            this.allowedLateness = allowedLateness;
            return this;
        }

        /** The stable operator uid; the late-record counter gets {@code uid + "-late-records"}. */
        public Builder<T, R> setUid(String uid) {
            this.uid = uid;
            return this;
        }

        /** The operator name shown in the web UI; defaults to the uid. */
        public Builder<T, R> setName(String name) {
            this.name = name;
            return this;
        }

        public KeyedWindowAggregate<T, R> build() {
            WindowChecks.requireWindow(window);
            if (aggregation == null) {
                throw new IllegalArgumentException("aggregation must be set");
            }
            WindowChecks.requireLatenessAndUid(allowedLateness, uid);
            return new KeyedWindowAggregate<>(this);
        }
    }
}
