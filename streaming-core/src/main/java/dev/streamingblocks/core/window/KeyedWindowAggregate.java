package dev.streamingblocks.core.window;

import dev.streamingblocks.core.window.internal.ResultWindowFunction;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

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

    private WindowSpec window;
    private WindowAggregation<T, ?, R> aggregation;
    private Duration allowedLateness;
    private String uid;
    private String name;

    KeyedWindowAggregate() {
        this.allowedLateness = DEFAULT_ALLOWED_LATENESS;
    }

    public static <T, R> KeyedWindowAggregate<T, R> builder() {
        return new KeyedWindowAggregate<>();
    }

    public KeyedWindowAggregate<T, R> setWindow(WindowSpec window) {
        this.window = window;
        return this;
    }

    public KeyedWindowAggregate<T, R> setAggregation(WindowAggregation<T, ?, R> aggregation) {
        this.aggregation = aggregation;
        return this;
    }

    public KeyedWindowAggregate<T, R> setAllowedLateness(Duration allowedLateness) {
        this.allowedLateness = allowedLateness;
        return this;
    }

    /** The stable operator uid; the late-record counter gets {@code uid + "-late-records"}. */
    public KeyedWindowAggregate<T, R> setUid(String uid) {
        this.uid = uid;
        return this;
    }

    /** The operator name shown in the web UI; defaults to the uid. */
    public KeyedWindowAggregate<T, R> setName(String name) {
        this.name = name;
        return this;
    }

    public Applier<T, R> build() {
        if (window == null) {
            throw new IllegalArgumentException("window must be set");
        }
        if (aggregation == null) {
            throw new IllegalArgumentException("aggregation must be set");
        }
        if (allowedLateness == null || allowedLateness.isNegative()) {
            throw new IllegalArgumentException(
                    "allowedLateness must not be negative, was " + allowedLateness);
        }
        if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("uid must be set: the window state is restored by it");
        }
        return new Applier<>(window, aggregation, allowedLateness, uid, name == null ? uid : name);
    }

    /** A validated aggregate, ready to be applied to keyed streams. */
    public static final class Applier<T, R> {

        private final WindowSpec window;
        private final WindowAggregation<T, ?, R> aggregation;
        private final Duration allowedLateness;
        private final String uid;
        private final String name;

        private Applier(
                WindowSpec window,
                WindowAggregation<T, ?, R> aggregation,
                Duration allowedLateness,
                String uid,
                String name) {
            this.window = window;
            this.aggregation = aggregation;
            this.allowedLateness = allowedLateness;
            this.uid = uid;
            this.name = name;
        }

        public <K> WindowedOutput<WindowResult<K, R>, T> apply(KeyedStream<T, K> input) {
            return applyTyped(input, aggregation);
        }

        private <K, ACC> WindowedOutput<WindowResult<K, R>, T> applyTyped(
                KeyedStream<T, K> input, WindowAggregation<T, ACC, R> agg) {
            OutputTag<T> lateTag = new OutputTag<>(uid + LateData.LATE_UID_SUFFIX, input.getType());
            TypeInformation<WindowResult<K, R>> resultType =
                    WindowResult.typeInfo(input.getKeyType(), agg.resultType());
            SingleOutputStreamOperator<WindowResult<K, R>> results =
                    input.window(window.assigner())
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
    }
}
