package dev.streamingblocks.core.window;

import dev.streamingblocks.core.window.internal.LatePartialCounter;
import dev.streamingblocks.core.window.internal.LocalWindowPreAggregator;
import dev.streamingblocks.core.window.internal.PartialKeySelector;
import dev.streamingblocks.core.window.internal.PartialMergingWindowOperator;
import dev.streamingblocks.core.window.internal.ResultWindowFunction;
import dev.streamingblocks.core.window.internal.WindowPartial;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Either;
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
 * <p>{@link #apply(DataStream, KeySelector, TypeInformation)} does the same in two phases, faster when
 * a key has many records per window: each subtask first adds its records up per key and window,
 * before the shuffle, and the window merges those partial aggregates. Results and late records are
 * exactly those of {@link #apply(KeyedStream)}; the aggregation's {@code merge} must be right.
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

    /** Appended to the uid to form the uid of the pre-aggregation of {@link #apply(DataStream, KeySelector)}. */
    public static final String PRE_AGGREGATE_UID_SUFFIX = "-pre-aggregate";

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

    /**
     * As {@link #apply(DataStream, KeySelector, TypeInformation)}, with the key type extracted from
     * {@code key} as {@code keyBy} does (a lambda's key type can be lost to erasure: then pass it).
     */
    public <K> WindowedOutput<WindowResult<K, R>, T> apply(DataStream<T> input, KeySelector<T, K> key) {
        return apply(input, key, TypeExtractor.getKeySelectorTypes(key, input.getType()));
    }

    /**
     * Aggregates in two phases: a pre-aggregation chained to {@code input} (uid {@code uid +}
     * {@value #PRE_AGGREGATE_UID_SUFFIX}, same parallelism) adds up each subtask's records per key and
     * window and sends one partial aggregate per key and window (when the watermark passes the
     * window, before each checkpoint barrier, at the end of input), then the window operator (the
     * uid) merges them. Same results, same late records and counter as {@link #apply(KeyedStream)}
     * with {@code input.keyBy(key, keyType)}; much less shuffled and less keyed state touched when a
     * key has many records per window. Needs a correct {@code merge} in the aggregation (the built-in
     * ones have it). The pre-aggregation keeps nothing in checkpoints: what it holds is sent before
     * the barrier. The merging window is not Flink's {@code WindowOperator} but a leaner one with its
     * semantics and its state names and serializers, so savepoints move between the two.
     */
    public <K> WindowedOutput<WindowResult<K, R>, T> apply(
            DataStream<T> input, KeySelector<T, K> key, TypeInformation<K> keyType) {
        return applyPreAggregated(input, key, keyType, aggregation);
    }

    private <K, ACC> WindowedOutput<WindowResult<K, R>, T> applyPreAggregated(
            DataStream<T> input, KeySelector<T, K> key, TypeInformation<K> keyType, WindowAggregation<T, ACC, R> agg) {
        TypeInformation<Either<WindowPartial<K, ACC>, T>> envelopeType =
                WindowPartial.envelopeType(keyType, agg.accumulatorType(), input.getType());
        SingleOutputStreamOperator<Either<WindowPartial<K, ACC>, T>> partials = input.transform(
                        name + " pre-aggregate",
                        envelopeType,
                        new LocalWindowPreAggregator<>(window, agg.function(), key))
                .uid(uid + PRE_AGGREGATE_UID_SUFFIX)
                .setParallelism(input.getParallelism());
        OutputTag<Either<WindowPartial<K, ACC>, T>> lateTag =
                new OutputTag<>(uid + LateData.LATE_UID_SUFFIX, envelopeType);
        TypeInformation<WindowResult<K, R>> resultType = WindowResult.typeInfo(keyType, agg.resultType());
        // Not Flink's WindowOperator: one that does only what this case needs, with the same state.
        SingleOutputStreamOperator<WindowResult<K, R>> results = partials.keyBy(
                        new PartialKeySelector<T, K, ACC>(key), keyType)
                .transform(
                        name,
                        resultType,
                        new PartialMergingWindowOperator<T, K, ACC, R>(
                                agg.function(),
                                agg.accumulatorType(),
                                window.assigner(),
                                allowedLateness.toMillis(),
                                lateTag))
                .uid(uid)
                .name(name);
        DataStream<T> late = results.getSideOutput(lateTag)
                .process(new LatePartialCounter<T, K, ACC>(), input.getType())
                .uid(uid + LateData.LATE_UID_SUFFIX)
                .name(uid + " late records");
        return new WindowedOutput<>(results, late);
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
