package dev.streamingblocks.benchmarks.kafka;

import dev.streamingblocks.core.avro.AvroRegistryDeserializationSchema;
import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.kafka.source.DeadLetter;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.kafka.source.internal.FailureHandlingDeserializationSchema;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code TypedKafkaSource}'s per-record work: Kafka record to {@code Either<DeadLetter, Order>},
 * one Avro order (Confluent wire format, our registry deserializer, warm) per operation, through
 * {@link FailureHandlingDeserializationSchema} built as {@code TypedKafkaSource} builds it for a
 * given watermark strategy, into a collector that discards (a {@link Blackhole}). Variants, in one run:
 *
 * <ul>
 *   <li>{@code plain}: a plain {@link WatermarkStrategy}, so the deserializer reads no event time
 *       (the path before the event-time guard of issue #9);
 *   <li>{@code extractOnly}: {@link EventTimeWatermarkStrategy} with the order-stats example's extractor
 *       and no guard: the event time is read per record, nothing is checked;
 *   <li>{@code guarded}: the same with {@link EventTimeGuard#defaults()}: read and checked;
 *   <li>{@code guardedAvroField}: {@code setAvroTimestampField("timestamp")} and the default guard.
 * </ul>
 *
 * <p>The {@code time*} benchmarks isolate the added work on a decoded order: advance only (floor),
 * extract, extract and {@code EventTimeGuard.check} (the guard as first merged: the wall clock read
 * for every advancing time), extract and {@code EventTimeGuard.Checker} (what the source runs now).
 *
 * <p>Every record's event time is 1 ms above the previous one's (the last field of the Avro
 * encoding is rewritten in place, in every variant alike), so every record raises the highest time
 * seen: the case in which {@code EventTimeGuard.check} reads the wall clock (a replay, a fast
 * producer), and the guard's worst case. Each trial fails if a record took a
 * failure path (a dead letter, a rejected time) or the registry saw a request while measured.
 *
 * <pre>{@code
 * mvn -B -pl streaming-benchmarks -am package -DskipTests
 * java -jar streaming-benchmarks/target/benchmarks.jar SourceDeserializationBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s \
 *     -prof gc -prof dev.streamingblocks.benchmarks.avro.ProcessCpuTimeProfiler
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SourceDeserializationBenchmark {

    static final String TOPIC = "orders";
    /** The article's order time; 6-byte varint in Avro up to 2039, so the value keeps its length. */
    static final long FIRST_EVENT_TIME = 1707235200000L;

    static final long LAST_SIX_BYTE_TIME = (1L << 41) - 1;
    static final int TIME_BYTES = 6;

    /** The registry, and the encoded article order. */
    @State(Scope.Benchmark)
    public static class Registry {
        EmbeddedSchemaRegistry registry;
        Map<String, Object> config;
        byte[] encoded;

        @Setup(Level.Trial)
        public void start() {
            registry = EmbeddedSchemaRegistry.builder().build();
            registry.start();
            config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
            AvroRegistrySerializationSchema<Order> serializer =
                    AvroRegistrySerializationSchema.forSpecific(Order.class, TOPIC, config);
            serializer.open(null);
            encoded = serializer.serialize(order(FIRST_EVENT_TIME));
            serializer.close();
            if (readTime(encoded) != FIRST_EVENT_TIME) {
                throw new IllegalStateException("the order's timestamp is not its last 6 bytes");
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            registry.close();
        }
    }

    /** One source subtask's deserializer for a watermark strategy, warm, and its input. */
    static final class Pipeline {
        final String variant;
        final CountingContext context = new CountingContext();
        final FailureHandlingDeserializationSchema<Order> deserializer;
        final ConsumerRecord<byte[], byte[]> record;
        final byte[] value;
        final Collector<Either<DeadLetter, Order>> out;
        final Registry registry;
        final long requestsWhenWarm;
        long eventTime = FIRST_EVENT_TIME;

        Pipeline(String variant, Registry registry, WatermarkStrategy<Order> strategy, Blackhole blackhole)
                throws Exception {
            this.variant = variant;
            this.registry = registry;
            deserializer = deserializerFor(
                    strategy, AvroRegistryDeserializationSchema.forSpecific(Order.class, registry.config));
            deserializer.open(context);
            value = registry.encoded.clone();
            record = new ConsumerRecord<>(
                    TOPIC,
                    0,
                    0L,
                    FIRST_EVENT_TIME,
                    TimestampType.CREATE_TIME,
                    -1,
                    value.length,
                    null,
                    value,
                    new RecordHeaders(),
                    Optional.empty());
            // warm: registry lookup done, and the output is the order with its (advanced) time
            List<Either<DeadLetter, Order>> collected = new ArrayList<>();
            deserializer.deserialize(nextRecord(), collector(collected::add));
            if (collected.size() != 1
                    || !collected.get(0).isRight()
                    || !collected.get(0).right().equals(order(eventTime))) {
                throw new IllegalStateException(variant + " did not decode the order: " + collected);
            }
            requestsWhenWarm = registry.registry.requestCount();
            out = collector(blackhole::consume);
        }

        /** The next record: the same order, 1 ms later. */
        ConsumerRecord<byte[], byte[]> nextRecord() {
            writeTime(value, ++eventTime);
            return record;
        }

        void deserializeNext() throws Exception {
            deserializer.deserialize(nextRecord(), out);
        }

        void requireGoodPathOnly() {
            context.requireAllZero(variant);
            long during = registry.registry.requestCount() - requestsWhenWarm;
            if (during != 0) {
                throw new IllegalStateException(variant + " sent " + during + " registry requests while measured");
            }
            if (eventTime > LAST_SIX_BYTE_TIME) {
                throw new IllegalStateException(variant + ": event time outgrew its 6 bytes");
            }
        }
    }

    /** As TypedKafkaSource builds its deserializer for the strategy. */
    static FailureHandlingDeserializationSchema<Order> deserializerFor(
            WatermarkStrategy<Order> strategy, AvroRegistryDeserializationSchema<Order> value) {
        if (strategy instanceof EventTimeWatermarkStrategy<Order> eventTime) {
            return new FailureHandlingDeserializationSchema<>(
                    value,
                    DeserializationFailurePolicy.DEAD_LETTER,
                    TypedKafkaSource.DESERIALIZATION_ERRORS_METRIC,
                    eventTime.timestampAssigner(),
                    eventTime.guard().orElse(null));
        }
        return new FailureHandlingDeserializationSchema<>(
                value, DeserializationFailurePolicy.DEAD_LETTER, TypedKafkaSource.DESERIALIZATION_ERRORS_METRIC);
    }

    static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(5);

    /** As OrderStatsJob.watermarks() reads the time. */
    static EventTimeWatermarkStrategy.Builder<Order> exampleExtractor() {
        return EventTimeWatermarkStrategy.<Order>builder()
                .setEventTimeExtractor(order -> Instant.ofEpochMilli(order.getTimestamp()))
                .setMaxOutOfOrderness(MAX_OUT_OF_ORDERNESS);
    }

    @State(Scope.Thread)
    public static class Plain {
        Pipeline pipeline;

        @Setup(Level.Trial)
        public void open(Registry registry, Blackhole blackhole) throws Exception {
            WatermarkStrategy<Order> strategy = WatermarkStrategy.<Order>forBoundedOutOfOrderness(MAX_OUT_OF_ORDERNESS)
                    .withTimestampAssigner((order, ts) -> order.getTimestamp());
            pipeline = new Pipeline("plain", registry, strategy, blackhole);
        }

        @TearDown(Level.Trial)
        public void check() {
            pipeline.requireGoodPathOnly();
        }
    }

    @State(Scope.Thread)
    public static class ExtractOnly {
        Pipeline pipeline;

        @Setup(Level.Trial)
        public void open(Registry registry, Blackhole blackhole) throws Exception {
            pipeline = new Pipeline("extractOnly", registry, exampleExtractor().build(), blackhole);
        }

        @TearDown(Level.Trial)
        public void check() {
            pipeline.requireGoodPathOnly();
        }
    }

    @State(Scope.Thread)
    public static class Guarded {
        Pipeline pipeline;

        @Setup(Level.Trial)
        public void open(Registry registry, Blackhole blackhole) throws Exception {
            pipeline = new Pipeline(
                    "guarded",
                    registry,
                    exampleExtractor().setGuard(EventTimeGuard.defaults()).build(),
                    blackhole);
        }

        @TearDown(Level.Trial)
        public void check() {
            pipeline.requireGoodPathOnly();
        }
    }

    @State(Scope.Thread)
    public static class GuardedAvroField {
        Pipeline pipeline;

        @Setup(Level.Trial)
        public void open(Registry registry, Blackhole blackhole) throws Exception {
            pipeline = new Pipeline(
                    "guardedAvroField",
                    registry,
                    EventTimeWatermarkStrategy.<Order>builder()
                            .setAvroTimestampField("timestamp")
                            .setMaxOutOfOrderness(MAX_OUT_OF_ORDERNESS)
                            .setGuard(EventTimeGuard.defaults())
                            .build(),
                    blackhole);
        }

        @TearDown(Level.Trial)
        public void check() {
            pipeline.requireGoodPathOnly();
        }
    }

    @Benchmark
    public void plain(Plain state) throws Exception {
        state.pipeline.deserializeNext();
    }

    @Benchmark
    public void extractOnly(ExtractOnly state) throws Exception {
        state.pipeline.deserializeNext();
    }

    @Benchmark
    public void guarded(Guarded state) throws Exception {
        state.pipeline.deserializeNext();
    }

    @Benchmark
    public void guardedAvroField(GuardedAvroField state) throws Exception {
        state.pipeline.deserializeNext();
    }

    /**
     * Only the work the event-time guard adds per record, on an order already decoded, its time 1 ms
     * later each operation: small enough that load on a shared machine cannot hide a 20 ns difference
     * the full pipeline's noise would.
     */
    @State(Scope.Thread)
    public static class EventTimeOnly {
        final Order order = order(FIRST_EVENT_TIME);
        final EventTimeWatermarkStrategy<Order> strategy =
                exampleExtractor().setGuard(EventTimeGuard.defaults()).build();
        final org.apache.flink.api.common.eventtime.SerializableTimestampAssigner<Order> assigner =
                strategy.timestampAssigner();
        final EventTimeGuard guard = strategy.guard().orElseThrow();
        final EventTimeGuard.Checker checker = guard.newChecker();
        long eventTime = FIRST_EVENT_TIME;
        long highest = Long.MIN_VALUE;
        long rejected;

        Order next() {
            order.setTimestamp(++eventTime);
            return order;
        }

        long accept(long time, Object rejection) {
            if (rejection != null) {
                rejected++;
            } else if (time > highest) {
                highest = time;
            }
            return time;
        }

        @TearDown(Level.Trial)
        public void requireNoneRejected() {
            if (rejected != 0) {
                throw new IllegalStateException(rejected + " event times rejected while measured");
            }
        }
    }

    /** The floor of the three below: the next order's time set. */
    @Benchmark
    public Order timeAdvanceOnly(EventTimeOnly state) {
        return state.next();
    }

    /** Reading the time with the example's extractor. */
    @Benchmark
    public long timeExtract(EventTimeOnly state) {
        Order order = state.next();
        return state.accept(state.assigner.extractTimestamp(order, -1L), null);
    }

    /** Reading and checking it with {@code EventTimeGuard.check}: the wall clock read for each advancing time. */
    @Benchmark
    public long timeExtractAndGuardCheck(EventTimeOnly state) {
        Order order = state.next();
        long time = state.assigner.extractTimestamp(order, -1L);
        return state.accept(time, state.guard.check(time, state.highest));
    }

    /** The same with the per-subtask {@code EventTimeGuard.Checker} the source uses. */
    @Benchmark
    public long timeExtractAndGuardChecker(EventTimeOnly state) {
        Order order = state.next();
        long time = state.assigner.extractTimestamp(order, -1L);
        return state.accept(time, state.checker.check(time, state.highest));
    }

    static Order order(long timestamp) {
        return Order.newBuilder()
                .setOrderId("ord-123")
                .setUserId("user-456")
                .setProductId("prod-789")
                .setQuantity(2)
                .setPrice(49.99)
                .setTimestamp(timestamp)
                .build();
    }

    private static <E> Collector<E> collector(java.util.function.Consumer<E> sink) {
        return new Collector<>() {
            @Override
            public void collect(E record) {
                sink.accept(record);
            }

            @Override
            public void close() {}
        };
    }

    /** Avro's zig-zag varint of the last field, in exactly {@value #TIME_BYTES} bytes. */
    static void writeTime(byte[] value, long millis) {
        long n = (millis << 1) ^ (millis >> 63);
        int at = value.length - TIME_BYTES;
        for (int i = 0; i < TIME_BYTES - 1; i++) {
            value[at + i] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        value[at + TIME_BYTES - 1] = (byte) n;
    }

    static long readTime(byte[] value) {
        int at = value.length - TIME_BYTES;
        long n = 0;
        for (int i = 0; i < TIME_BYTES; i++) {
            n |= (long) (value[at + i] & 0x7F) << (7 * i);
            if (i < TIME_BYTES - 1 && (value[at + i] & 0x80) == 0) {
                return Long.MIN_VALUE;
            }
        }
        return (n >>> 1) ^ -(n & 1);
    }
}
