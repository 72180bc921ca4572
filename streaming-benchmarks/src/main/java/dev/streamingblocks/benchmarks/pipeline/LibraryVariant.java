package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.benchmarks.harness.FlinkJob;
import dev.streamingblocks.benchmarks.harness.Running;
import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.core.window.KeyedWindowAggregate;
import dev.streamingblocks.core.window.WindowAggregation;
import dev.streamingblocks.core.window.WindowResult;
import dev.streamingblocks.core.window.WindowSpec;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * (a) The library's pipeline, written as a user writes it with the public API (the same blocks and
 * settings as streaming-examples' {@code OrderStatsJob}): {@link TypedKafkaSource} with Avro through
 * the registry, an event-time watermark strategy and the dead-letter policy, {@link
 * KeyedWindowAggregate} for count and revenue per product and minute, {@link TypedKafkaSink} in
 * the upsert layout with a dead-letter topic. Bounded to the input's end offsets, so the job ends
 * after its last window. The sink writes at-least-once, as the SQL job's {@code upsert-kafka} and
 * Kafka Streams do by default: no variant pays for transactions.
 *
 * <p>As {@code OrderStatsJob} now does, the default variant aggregates in two phases ({@link
 * KeyedWindowAggregate#apply(DataStream, org.apache.flink.api.java.functions.KeySelector,
 * TypeInformation)}) with object reuse on; {@link #onePhase()} is the same pipeline as it was before
 * (keyBy, then the window; object reuse off), so the gain is measured in the same run.
 */
final class LibraryVariant implements Variant {

    static final String NAME = "library (TypedKafkaSource → KeyedWindowAggregate → TypedKafkaSink)";
    static final String ONE_PHASE_NAME = "library, one phase (keyBy → window, no object reuse)";
    static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    static final String WINDOW_UID = "order-stats-per-product-minute";

    private final boolean twoPhase;

    /** The pipeline as OrderStatsJob runs it: pre-aggregated before the shuffle, object reuse on. */
    LibraryVariant() {
        this(true);
    }

    private LibraryVariant(boolean twoPhase) {
        this.twoPhase = twoPhase;
    }

    /** The pipeline as it was before the two-phase apply: keyBy, then the window, object reuse off. */
    static LibraryVariant onePhase() {
        return new LibraryVariant(false);
    }

    @Override
    public String name() {
        return twoPhase ? NAME : ONE_PHASE_NAME;
    }

    @Override
    public boolean runsOnFlink() {
        return true;
    }

    private String id(RunContext context, int parallelism) {
        return context.runId() + (twoPhase ? "-library-p" : "-library-1phase-p") + parallelism;
    }

    /** The dead-letter topics, created before the clock as the output topic is. */
    @Override
    public void prepare(RunContext context, int parallelism, String outputTopic) throws Exception {
        context.stack().createTopic("orders-dlq-" + id(context, parallelism), 1);
        context.stack().createTopic(outputTopic + "-dlq", 1);
    }

    @Override
    public Running start(RunContext context, int parallelism, String outputTopic) throws Exception {
        String id = id(context, parallelism);
        String ordersDeadLetters = "orders-dlq-" + id;

        StreamExecutionEnvironment env = context.flinkEnvironment();
        if (twoPhase) {
            env.getConfig().enableObjectReuse();
        }
        TypedKafkaSource<Order> source = TypedKafkaSource.<Order>builder()
                .setName("orders-source")
                .setBootstrapServers(context.stack().bootstrapServers())
                .setTopics(context.inputTopic())
                .setGroupId(id)
                .setAvroValue(Order.class, context.stack().registryConfig())
                .setWatermarkStrategy(EventTimeWatermarkStrategy.<Order>builder()
                        .setEventTimeExtractor(order -> Instant.ofEpochMilli(order.getTimestamp()))
                        .setMaxOutOfOrderness(MAX_OUT_OF_ORDERNESS)
                        .build())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(ordersDeadLetters)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        DataStream<Order> orders = source.attach(env).records();

        TypeInformation<OrderTotals> totals = TypeInformation.of(OrderTotals.class);
        KeyedWindowAggregate<Order, OrderTotals> aggregate = KeyedWindowAggregate.<Order, OrderTotals>builder()
                .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                .setAggregation(WindowAggregation.of(new CountAndRevenue(), totals, totals))
                .setUid(WINDOW_UID)
                .build();
        DataStream<OrderStatsRow> stats = (twoPhase
                        ? aggregate.apply(orders, Order::getProductId, Types.STRING)
                        : aggregate.apply(orders.keyBy(Order::getProductId, Types.STRING)))
                .results()
                .map(LibraryVariant::toRow)
                .returns(TypeInformation.of(OrderStatsRow.class))
                .name("to-order-stats");

        TypedKafkaSink.<OrderStatsRow>builder()
                .setBootstrapServers(context.stack().bootstrapServers())
                .setTopic(outputTopic)
                .setUpsertJsonLayout(OrderStatsRow.UPSERT_LAYOUT)
                .setDeadLetterTopic(outputTopic + "-dlq")
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build()
                .sinkTo(stats);
        return new FlinkJob(env.executeAsync(id));
    }

    private static OrderStatsRow toRow(WindowResult<String, OrderTotals> r) {
        return new OrderStatsRow(r.windowStart(), r.windowEnd(), r.key(), r.value().count, r.value().revenue);
    }
}
