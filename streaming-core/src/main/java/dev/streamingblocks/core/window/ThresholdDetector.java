package dev.streamingblocks.core.window;

import dev.streamingblocks.core.window.internal.MatchCountAggregate;
import dev.streamingblocks.core.window.internal.ThresholdWindowFunction;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * "At least N records matching a predicate within a window", per key, emitted once per window.
 *
 * <pre>{@code
 * WindowedOutput<ThresholdBreach<String>, Transaction> bursts =
 *         ThresholdDetector.<Transaction>builder()
 *                 .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
 *                 .setPredicate(tx -> tx.getAmount() > 1000.0)
 *                 .setMinCount(3)
 *                 .setUid("large-transaction-bursts")
 *                 .build()
 *                 .apply(transactions.keyBy(Transaction::getUserId));
 * }</pre>
 *
 * <p>Required: window, predicate, minCount (at least 1), uid. The window keeps only a match counter.
 * A breach is emitted when the watermark passes the window end with the count at or above
 * {@code minCount}; if the window only reaches it through a late record within the allowed
 * lateness, it is emitted then, but never twice for the same window. Records later than the allowed
 * lateness go to {@link WindowedOutput#lateRecords()} and are counted.
 *
 * @param <T> input record type
 */
public final class ThresholdDetector<T> {

    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ZERO;

    private final WindowSpec window;
    private final RecordPredicate<T> predicate;
    private final long minCount;
    private final Duration allowedLateness;
    private final String uid;
    private final String name;

    private ThresholdDetector(Builder<T> builder) {
        this.window = builder.window;
        this.predicate = builder.predicate;
        this.minCount = builder.minCount;
        this.allowedLateness = builder.allowedLateness;
        this.uid = builder.uid;
        this.name = builder.name == null ? builder.uid : builder.name;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** Adds the window operator (uid and name as set) and the late-record counter to {@code input}. */
    public <K> WindowedOutput<ThresholdBreach<K>, T> apply(KeyedStream<T, K> input) {
        OutputTag<T> lateTag = new OutputTag<>(uid + LateData.LATE_UID_SUFFIX, input.getType());
        SingleOutputStreamOperator<ThresholdBreach<K>> breaches = input.window(window.assigner())
                .allowedLateness(allowedLateness)
                .sideOutputLateData(lateTag)
                .aggregate(
                        new MatchCountAggregate<>(predicate),
                        new ThresholdWindowFunction<K>(minCount),
                        Types.LONG,
                        Types.LONG,
                        ThresholdBreach.typeInfo(input.getKeyType()))
                .uid(uid)
                .name(name);
        return new WindowedOutput<>(breaches, LateData.counted(breaches, lateTag, uid));
    }

    /** Builds a {@link ThresholdDetector}; see its class documentation for what is required. */
    public static final class Builder<T> {

        private WindowSpec window;
        private RecordPredicate<T> predicate;
        private long minCount;
        private Duration allowedLateness;
        private String uid;
        private String name;

        Builder() {
            this.allowedLateness = DEFAULT_ALLOWED_LATENESS;
        }

        public Builder<T> setWindow(WindowSpec window) {
            this.window = window;
            return this;
        }

        public Builder<T> setPredicate(RecordPredicate<T> predicate) {
            this.predicate = predicate;
            return this;
        }

        public Builder<T> setMinCount(long minCount) {
            this.minCount = minCount;
            return this;
        }

        public Builder<T> setAllowedLateness(Duration allowedLateness) {
            this.allowedLateness = allowedLateness;
            return this;
        }

        public Builder<T> setUid(String uid) {
            this.uid = uid;
            return this;
        }

        public Builder<T> setName(String name) {
            this.name = name;
            return this;
        }

        public ThresholdDetector<T> build() {
            WindowChecks.requireWindow(window);
            if (predicate == null) {
                throw new IllegalArgumentException("predicate must be set");
            }
            if (minCount < 1) {
                throw new IllegalArgumentException("minCount must be at least 1, was " + minCount);
            }
            WindowChecks.requireLatenessAndUid(allowedLateness, uid);
            return new ThresholdDetector<>(this);
        }
    }
}
