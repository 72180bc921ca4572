package dev.streamingblocks.benchmarks.window;

import dev.streamingblocks.benchmarks.pipeline.CountAndRevenue;
import dev.streamingblocks.benchmarks.pipeline.OrderTotals;
import dev.streamingblocks.benchmarks.pipeline.TupleCountAndRevenue;
import dev.streamingblocks.core.avro.AvroRegistryDeserializationSchema;
import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.core.window.KeyedWindowAggregate;
import dev.streamingblocks.core.window.WindowAggregation;
import dev.streamingblocks.core.window.WindowResult;
import dev.streamingblocks.core.window.WindowSpec;
import dev.streamingblocks.core.window.WindowedOutput;
import dev.streamingblocks.kafka.source.DeadLetter;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.kafka.source.internal.DeadLetterSplitter;
import dev.streamingblocks.kafka.source.internal.EnvelopeWatermarkStrategy;
import dev.streamingblocks.kafka.source.internal.FailureHandlingDeserializationSchema;
import dev.streamingblocks.kafka.source.internal.SourceEnvelopeTypeInfo;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.DoubleCounter;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The order-stats pipeline of issue #10 through this library's blocks, without Kafka, so the
 * levers inside the blocks can be told apart from the broker: pre-encoded Avro orders (Confluent
 * wire format, our registry deserializer) come out of an in-memory bounded source as {@code
 * TypedKafkaSource} emits them ({@code Either<DeadLetter, Order>} from {@link
 * FailureHandlingDeserializationSchema} with the dead-letter policy, the order-stats example's guarded
 * event time, {@link EnvelopeWatermarkStrategy} in the source, {@link DeadLetterSplitter} chained),
 * then the one-minute per-product count and revenue of {@code OrderStatsJob} through {@link
 * KeyedWindowAggregate}, into a discarding sink. One bounded job per operation on one MiniCluster
 * started per trial; each job's output is checked against the exact expected statistics (number of
 * results, total orders, total revenue, dead letters, no late record) or the trial fails.
 *
 * <p>Variants ({@code variant}), each run at parallelism 1 and 2:
 *
 * <ul>
 *   <li>{@code keyed}: {@code apply(orders.keyBy(Order::getProductId, Types.STRING))}, the source's
 *       envelope typed as {@code TypedKafkaSource} typed it before (the pipeline before issue #10);
 *   <li>{@code preAggregated}: {@code apply(orders, Order::getProductId, Types.STRING)}: local
 *       pre-aggregation before the shuffle;
 *   <li>{@code +handOver}: the envelope typed with {@link SourceEnvelopeTypeInfo}, as {@code
 *       TypedKafkaSource.attach} does now: no deep copy between the source and its splitter;
 *   <li>{@code +objectReuse}: the job's object reuse enabled ({@code pipeline.object-reuse});
 *   <li>{@code +mutableAccumulator}: count and revenue in a mutable {@link OrderTotals} that {@code
 *       add} changes in place ({@link CountAndRevenue}, as {@code OrderStatsJob} aggregates now);
 *       without it, a new {@code Tuple2<Long, Double>} per order ({@link TupleCountAndRevenue}, as before).
 * </ul>
 *
 * <p>Data: {@value #DEFAULT_ORDERS} orders (or {@code -DorderStats.orders=N}) of {@value #PRODUCTS} products; at parallelism p each source
 * subtask reads {@code ORDERS/p} of them, spread evenly over the same {@value #EVENT_TIME_SECONDS} s of
 * event time (as p Kafka partitions would be) with up to 1 s out of order; one order in {@value
 * #BAD_EVERY} is not Avro and becomes a dead letter.
 *
 * <pre>{@code
 * mvn -pl streaming-benchmarks -am package -DskipTests
 * java -jar streaming-benchmarks/target/benchmarks.jar OrderStatsBlocksBenchmark -f 1 -wi 2 -i 5 \
 *     -jvmArgsAppend "-Xmx3g $(cat streaming-benchmarks/target/flink-opens.args)"
 * }</pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class OrderStatsBlocksBenchmark {

    static final int DEFAULT_ORDERS = 2_000_000;
    /** Orders per job: {@code -DorderStats.orders=N}, else {@value #DEFAULT_ORDERS}. */
    static final int ORDERS = Integer.getInteger("orderStats.orders", DEFAULT_ORDERS);

    static final int PRODUCTS = 1_000;
    static final int EVENT_TIME_SECONDS = 1_000;
    static final int BAD_EVERY = 10_000;
    static final long FIRST_EVENT_TIME = Instant.parse("2024-02-06T12:00:00Z").toEpochMilli();
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    static final String TOPIC = "orders";

    /** The encoded orders of the running trial; the source's subtasks read them in this JVM. */
    static volatile byte[][] encoded;

    @Param({"1", "2"})
    public int parallelism;

    @Param({
        "keyed",
        "keyed+handOver",
        "keyed+handOver+objectReuse",
        "preAggregated",
        "preAggregated+handOver",
        "preAggregated+handOver+objectReuse",
        "preAggregated+handOver+objectReuse+mutableAccumulator"
    })
    public String variant;

    EmbeddedSchemaRegistry registry;
    Map<String, Object> registryConfig;
    MiniCluster cluster;
    Expected expected;

    /** What every job must produce. */
    record Expected(long results, long orders, double revenue, long deadLetters) {}

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        registry = EmbeddedSchemaRegistry.builder().build();
        registry.start();
        registryConfig = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        AvroRegistrySerializationSchema<Order> serializer =
                AvroRegistrySerializationSchema.forSpecific(Order.class, TOPIC, registryConfig);
        serializer.open(null);
        byte[][] data = new byte[ORDERS][];
        Map<Long, Map<String, long[]>> counts = new HashMap<>();
        long orders = 0;
        double revenue = 0;
        long bad = 0;
        int perSubtask = ORDERS / parallelism;
        double stepMillis = EVENT_TIME_SECONDS * 1000.0 / perSubtask;
        long windowMillis = WINDOW.toMillis();
        for (int i = 0; i < ORDERS; i++) {
            if (i % BAD_EVERY == BAD_EVERY - 1) {
                data[i] = new byte[] {1, 2, 3, 4, 5, 6, 7};
                bad++;
                continue;
            }
            int local = i % perSubtask;
            long jitter = (i * 7919L) % 1000;
            long time = FIRST_EVENT_TIME + 1000 + (long) (local * stepMillis) - jitter;
            String product = "prod-" + (i * 31L % PRODUCTS);
            int quantity = 1 + i % 5;
            double price = 1 + (i % 1000) / 4.0;
            data[i] = serializer.serialize(Order.newBuilder()
                    .setOrderId("ord-" + i)
                    .setUserId("user-" + (i % 10_000))
                    .setProductId(product)
                    .setQuantity(quantity)
                    .setPrice(price)
                    .setTimestamp(time)
                    .build());
            counts.computeIfAbsent(time - Math.floorMod(time, windowMillis), w -> new HashMap<>())
                    .computeIfAbsent(product, p -> new long[1])[0]++;
            orders++;
            revenue += price * quantity;
        }
        serializer.close();
        encoded = data;
        long results = counts.values().stream().mapToLong(Map::size).sum();
        expected = new Expected(results, orders, revenue, bad);

        Configuration config = new Configuration();
        config.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
        cluster.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        cluster.close();
        registry.close();
        encoded = null;
    }

    @Benchmark
    public JobExecutionResult orderStats() throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(PipelineOptions.OBJECT_REUSE, variant.contains("+objectReuse"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        attach(
                env,
                variant.startsWith("preAggregated"),
                variant.contains("+handOver"),
                variant.contains("+mutableAccumulator"),
                registryConfig);
        JobExecutionResult result =
                cluster.executeJobBlocking(env.getStreamGraph().getJobGraph());
        check(result);
        return result;
    }

    private void check(JobExecutionResult result) {
        Expected actual = new Expected(
                result.<Long>getAccumulatorResult("results"),
                result.<Long>getAccumulatorResult("orders"),
                result.<Double>getAccumulatorResult("revenue"),
                result.<Long>getAccumulatorResult("deadLetters"));
        Long late = result.getAccumulatorResult("late");
        boolean revenueExact = Math.abs(actual.revenue() - expected.revenue()) <= 1e-9 * expected.revenue();
        if (actual.results() != expected.results()
                || actual.orders() != expected.orders()
                || !revenueExact
                || actual.deadLetters() != expected.deadLetters()
                || (late != null && late != 0)) {
            throw new IllegalStateException(variant + " at parallelism " + parallelism + " produced " + actual + " and "
                    + late + " late records, expected " + expected);
        }
    }

    /** The pipeline: the source as TypedKafkaSource builds it, the window block, counting sinks. */
    static void attach(
            StreamExecutionEnvironment env,
            boolean preAggregated,
            boolean handOver,
            boolean mutableAccumulator,
            Map<String, Object> registryConfig) {
        EventTimeWatermarkStrategy<Order> watermarks = EventTimeWatermarkStrategy.<Order>builder()
                .setEventTimeExtractor(order -> Instant.ofEpochMilli(order.getTimestamp()))
                .setMaxOutOfOrderness(MAX_OUT_OF_ORDERNESS)
                .setGuard(EventTimeGuard.defaults())
                .build();
        FailureHandlingDeserializationSchema<Order> deserializer = new FailureHandlingDeserializationSchema<>(
                AvroRegistryDeserializationSchema.forSpecific(Order.class, registryConfig),
                DeserializationFailurePolicy.DEAD_LETTER,
                TypedKafkaSource.DESERIALIZATION_ERRORS_METRIC,
                watermarks.timestampAssigner(),
                watermarks.guard().orElse(null),
                order -> order.getPrice() < 0 ? Optional.of("negative price") : Optional.empty());
        DataGeneratorSource<Either<DeadLetter, Order>> source =
                new DataGeneratorSource<>(new Decode(deserializer), ORDERS, deserializer.getProducedType());
        TypeInformation<Order> orderType = new AvroTypeInfo<>(Order.class);
        DataStream<Either<DeadLetter, Order>> envelopes = env.fromSource(
                        source,
                        new EnvelopeWatermarkStrategy<>(watermarks.withoutGuard()),
                        "orders-source",
                        handOver
                                ? new SourceEnvelopeTypeInfo<>(DeadLetter.TYPE_INFO, orderType)
                                : deserializer.getProducedType())
                .uid("orders-source");
        SingleOutputStreamOperator<Order> orders = envelopes
                .process(new DeadLetterSplitter<Order>(), orderType)
                .uid("orders-source-dead-letter-split")
                .name("orders-source-dead-letter-split");
        orders.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)
                .map(new Count<DeadLetter>("deadLetters"))
                .sinkTo(new DiscardingSink<>());

        if (mutableAccumulator) {
            TypeInformation<OrderTotals> totals = TypeInformation.of(OrderTotals.class);
            window(orders, preAggregated, new CountAndRevenue(), totals, totals, new PojoTotals());
        } else {
            TypeInformation<Tuple2<Long, Double>> tuple = Types.TUPLE(Types.LONG, Types.DOUBLE);
            window(orders, preAggregated, new TupleCountAndRevenue(), tuple, tuple, new TupleTotals());
        }
    }

    /** The window block with {@code function}, its results counted, late records counted. */
    private static <ACC, R> void window(
            DataStream<Order> orders,
            boolean preAggregated,
            AggregateFunction<Order, ACC, R> function,
            TypeInformation<ACC> accumulatorType,
            TypeInformation<R> resultType,
            Totals<R> totals) {
        KeyedWindowAggregate<Order, R> block = KeyedWindowAggregate.<Order, R>builder()
                .setWindow(WindowSpec.tumbling(WINDOW))
                .setAggregation(WindowAggregation.of(function, accumulatorType, resultType))
                .setUid("order-stats-per-product-minute")
                .build();
        WindowedOutput<WindowResult<String, R>, Order> stats = preAggregated
                ? block.apply(orders, Order::getProductId, Types.STRING)
                : block.apply(orders.keyBy(Order::getProductId, Types.STRING));
        stats.results()
                .map(new CountResults<>(totals), stats.results().getType())
                .sinkTo(new DiscardingSink<>());
        stats.lateRecords().map(new Count<Order>("late")).sinkTo(new DiscardingSink<>());
    }

    /** Reads count and revenue out of a window's result. */
    interface Totals<R> extends Serializable {
        long count(R result);

        double revenue(R result);
    }

    static final class TupleTotals implements Totals<Tuple2<Long, Double>> {
        private static final long serialVersionUID = 1L;

        @Override
        public long count(Tuple2<Long, Double> result) {
            return result.f0;
        }

        @Override
        public double revenue(Tuple2<Long, Double> result) {
            return result.f1;
        }
    }

    static final class PojoTotals implements Totals<OrderTotals> {
        private static final long serialVersionUID = 1L;

        @Override
        public long count(OrderTotals result) {
            return result.count;
        }

        @Override
        public double revenue(OrderTotals result) {
            return result.revenue;
        }
    }

    /** Index to the pre-encoded order, through the source's deserializer, as the Kafka source would. */
    static final class Decode implements GeneratorFunction<Long, Either<DeadLetter, Order>> {
        private static final long serialVersionUID = 1L;

        private final FailureHandlingDeserializationSchema<Order> deserializer;
        private transient byte[][] data;
        private transient Either<DeadLetter, Order> last;
        private transient Collector<Either<DeadLetter, Order>> slot;

        Decode(FailureHandlingDeserializationSchema<Order> deserializer) {
            this.deserializer = deserializer;
        }

        @Override
        public void open(SourceReaderContext readerContext) throws Exception {
            data = encoded;
            MetricGroup metrics = readerContext.metricGroup();
            deserializer.open(new DeserializationSchema.InitializationContext() {
                @Override
                public MetricGroup getMetricGroup() {
                    return metrics;
                }

                @Override
                public UserCodeClassLoader getUserCodeClassLoader() {
                    return SimpleUserCodeClassLoader.create(Decode.class.getClassLoader());
                }
            });
            slot = new Collector<>() {
                @Override
                public void collect(Either<DeadLetter, Order> record) {
                    last = record;
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public Either<DeadLetter, Order> map(Long index) throws Exception {
            int i = index.intValue();
            byte[] value = data[i];
            last = null;
            deserializer.deserialize(new ConsumerRecord<>(TOPIC, i & 1, i, null, value), slot);
            return last;
        }
    }

    /** Counts what passes in an accumulator. */
    static final class Count<T> extends RichMapFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private final String name;
        private transient LongCounter counter;

        Count(String name) {
            this.name = name;
        }

        @Override
        public void open(OpenContext openContext) {
            counter = getRuntimeContext().getLongCounter(name);
        }

        @Override
        public T map(T value) {
            counter.add(1);
            return value;
        }
    }

    /** Results, orders and revenue of the window results, in accumulators the trial checks. */
    static final class CountResults<R> extends RichMapFunction<WindowResult<String, R>, WindowResult<String, R>> {
        private static final long serialVersionUID = 1L;
        private final Totals<R> totals;
        private transient LongCounter results;
        private transient LongCounter orders;
        private transient DoubleCounter revenue;

        CountResults(Totals<R> totals) {
            this.totals = totals;
        }

        @Override
        public void open(OpenContext openContext) {
            results = getRuntimeContext().getLongCounter("results");
            orders = getRuntimeContext().getLongCounter("orders");
            revenue = getRuntimeContext().getDoubleCounter("revenue");
        }

        @Override
        public WindowResult<String, R> map(WindowResult<String, R> r) {
            results.add(1);
            orders.add(totals.count(r.value()));
            revenue.add(totals.revenue(r.value()));
            return r;
        }
    }
}
