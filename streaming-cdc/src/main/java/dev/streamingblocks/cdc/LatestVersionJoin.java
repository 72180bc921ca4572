package dev.streamingblocks.cdc;

import dev.streamingblocks.cdc.internal.ChangeRecordKeySelector;
import dev.streamingblocks.cdc.internal.LatestVersionJoinFunction;
import java.util.Objects;
import org.apache.flink.api.common.functions.JoinFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Joins each record of a stream with the version of a row that was valid at the record's event
 * time, where the versions come from a change stream (a CDC topic read with
 * {@link DebeziumJsonDeserializationSchema}): the DataStream form of Flink SQL's
 * {@code JOIN ... FOR SYSTEM_TIME AS OF}.
 *
 * <pre>{@code
 * LatestVersionJoin.Result<Order, EnrichedOrder> enriched = LatestVersionJoin.<String, Order, Product, EnrichedOrder>builder()
 *         .setName("enrich-orders")
 *         .setKeyType(Types.STRING)
 *         .setLeftKey(Order::getProductId)
 *         .setRightKey(Product::id)
 *         .setJoinFunction((order, product) -> EnrichedOrder.of(order, product))
 *         .setOutputType(EnrichedOrder.TYPE_INFO)
 *         .build()
 *         .apply(orders, productChanges);
 * enriched.matched();     // DataStream<EnrichedOrder>
 * enriched.unmatched();   // DataStream<Unmatched<Order>>: no product as of the order's time, or late
 * }</pre>
 *
 * <p>Required: all setters. Both inputs need event-time timestamps and watermarks; a version's time is
 * its {@link ChangeRecord#sourceTimestamp()} (the database's commit time), so read the change stream
 * with {@link ChangeRecords#watermarks}.
 *
 * <p>Semantics: a version (an insert or update-after) is valid from its time, inclusive, until the
 * key's next change; a delete ends it. A left record at time {@code t} is joined, once the watermark
 * passes {@code t}, with the newest version at or before {@code t}. With none (the key was unknown,
 * not created yet, or deleted at or before {@code t}) it goes to {@link Result#unmatched()} with
 * {@link Unmatched.Reason#NO_VERSION}; a left record that arrives when the watermark has already
 * passed its time goes there with {@link Unmatched.Reason#LATE}. Nothing is dropped silently.
 *
 * <p>Changes are applied once: a change whose PostgreSQL LSN is not above the last one applied for its
 * key (a capture that replays changes after a restart) is skipped and counted in
 * {@value #DUPLICATE_CHANGES_METRIC}. A change older than the watermark still becomes a version for
 * later records and is counted in {@value #LATE_CHANGES_METRIC}.
 *
 * <p>State per key: the versions from the newest one at or before the watermark on, the left records
 * waiting for the watermark, and the last LSN (one long, kept for as long as the key is seen). When the
 * watermark passes a version's time, older versions go, and a delete goes with them. The operator has
 * uid and name {@code name}.
 */
public final class LatestVersionJoin<K, L, R, O> {

    /** The counter of changes skipped because their LSN was already applied (replays). */
    public static final String DUPLICATE_CHANGES_METRIC = "duplicateChanges";

    /** The counter of changes that arrived after the watermark had passed their time. */
    public static final String LATE_CHANGES_METRIC = "lateChanges";

    /** Appended to the name for the side output of unmatched records. */
    public static final String UNMATCHED_SUFFIX = "-unmatched";

    private final Builder<K, L, R, O> config;

    private LatestVersionJoin(Builder<K, L, R, O> config) {
        this.config = config;
    }

    public static <K, L, R, O> Builder<K, L, R, O> builder() {
        return new Builder<>();
    }

    /** Adds the join to the job of {@code left} and {@code changes}. */
    public Result<L, O> apply(DataStream<L> left, DataStream<ChangeRecord<R>> changes) {
        Objects.requireNonNull(left, "left must not be null");
        Objects.requireNonNull(changes, "changes must not be null");
        TypeInformation<L> leftType = left.getType();
        TypeInformation<R> rowType = rowTypeOf(changes.getType());
        OutputTag<Unmatched<L>> unmatchedTag =
                new OutputTag<>(config.name + UNMATCHED_SUFFIX, Unmatched.typeInfo(leftType));
        KeySelector<R, K> rightKey = config.rightKey;
        SingleOutputStreamOperator<O> matched = left.keyBy(config.leftKey, config.keyType)
                .connect(changes.keyBy(new ChangeRecordKeySelector<>(rightKey), config.keyType))
                .process(
                        new LatestVersionJoinFunction<>(config.joinFunction, leftType, rowType, unmatchedTag),
                        config.outputType)
                .uid(config.name)
                .name(config.name);
        return new Result<>(matched, matched.getSideOutput(unmatchedTag));
    }

    @SuppressWarnings("unchecked")
    private static <R> TypeInformation<R> rowTypeOf(TypeInformation<ChangeRecord<R>> changeType) {
        if (changeType instanceof org.apache.flink.api.java.typeutils.PojoTypeInfo<ChangeRecord<R>> pojo) {
            int row = pojo.getFieldIndex("row");
            if (row >= 0) {
                return (TypeInformation<R>) pojo.getTypeAt(row);
            }
        }
        throw new IllegalArgumentException("changes must have the type ChangeRecord.typeInfo(rowType), as"
                + " DebeziumJsonDeserializationSchema gives it, but was " + changeType);
    }

    /** The joined records and the left records without a version. */
    public static final class Result<L, O> {
        private final SingleOutputStreamOperator<O> matched;
        private final DataStream<Unmatched<L>> unmatched;

        Result(SingleOutputStreamOperator<O> matched, DataStream<Unmatched<L>> unmatched) {
            this.matched = matched;
            this.unmatched = unmatched;
        }

        /** Each left record joined with the version valid at its event time. */
        public SingleOutputStreamOperator<O> matched() {
            return matched;
        }

        /** Left records without a version at their time, or late; see {@link Unmatched.Reason}. */
        public DataStream<Unmatched<L>> unmatched() {
            return unmatched;
        }
    }

    /** Builds a {@link LatestVersionJoin}; every property is required. */
    public static final class Builder<K, L, R, O> {
        private String name;
        private TypeInformation<K> keyType;
        private KeySelector<L, K> leftKey;
        private KeySelector<R, K> rightKey;
        private JoinFunction<L, R, O> joinFunction;
        private TypeInformation<O> outputType;

        Builder() {}

        /** The operator's uid and name; keep it stable, its state is restored by it. */
        public Builder<K, L, R, O> setName(String name) {
            this.name = name;
            return this;
        }

        public Builder<K, L, R, O> setKeyType(TypeInformation<K> keyType) {
            this.keyType = keyType;
            return this;
        }

        /** The key of a left record, e.g. the order's product id. */
        public Builder<K, L, R, O> setLeftKey(KeySelector<L, K> leftKey) {
            this.leftKey = leftKey;
            return this;
        }

        /** The key of a row, e.g. the product's id (the table's primary key). */
        public Builder<K, L, R, O> setRightKey(KeySelector<R, K> rightKey) {
            this.rightKey = rightKey;
            return this;
        }

        public Builder<K, L, R, O> setJoinFunction(JoinFunction<L, R, O> joinFunction) {
            this.joinFunction = joinFunction;
            return this;
        }

        public Builder<K, L, R, O> setOutputType(TypeInformation<O> outputType) {
            this.outputType = outputType;
            return this;
        }

        /** @throws IllegalArgumentException naming the first property that is missing */
        public LatestVersionJoin<K, L, R, O> build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must be set (it is the operator's uid)");
            }
            require(keyType, "keyType");
            require(leftKey, "leftKey");
            require(rightKey, "rightKey");
            require(joinFunction, "joinFunction");
            require(outputType, "outputType");
            return new LatestVersionJoin<>(this);
        }

        private static void require(Object value, String property) {
            if (value == null) {
                throw new IllegalArgumentException(property + " must be set");
            }
        }
    }
}
