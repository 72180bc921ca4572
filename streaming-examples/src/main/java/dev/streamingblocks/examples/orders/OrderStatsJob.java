package dev.streamingblocks.examples.orders;

import dev.streamingblocks.core.avro.AvroRegistryDeserializationSchema;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.core.window.KeyedWindowAggregate;
import dev.streamingblocks.core.window.WindowAggregation;
import dev.streamingblocks.core.window.WindowResult;
import dev.streamingblocks.core.window.WindowSpec;
import dev.streamingblocks.examples.ExampleEventTime;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.internal.ClientProperties;
import dev.streamingblocks.examples.io.JobSink;
import dev.streamingblocks.examples.io.JobSource;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.sink.UpsertJsonLayout;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.RecordValidator;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The article's order statistics: per product, the number of orders and the revenue ({@code
 * price * quantity}) in one-minute tumbling event-time windows, with 5 seconds of out-of-orderness.
 * Results go to the {@code order-stats} topic in the layout of the article's {@code upsert-kafka}
 * table (JSON key {@code window_start, product_id}), so this job and the SQL one can feed one topic.
 * Orders that cannot be read, or whose values cannot be right ({@link #orderValidator()}: a NaN or
 * negative price, a quantity of 0 or less, a blank product), go to {@value #ORDERS_DEAD_LETTER_TOPIC}.
 * Statistics the sink cannot write (a serializer failure, a record too large) go to
 * {@value #ORDER_STATS_DEAD_LETTER_TOPIC} in the same transactions, and the job goes on.
 *
 * <pre>{@code
 * new OrderStatsJob(OrderStatsJob.kafkaOrders(bootstrap, Map.of("schema.registry.url", url), "order-stats"),
 *         OrderStatsJob.kafkaOrderStats(bootstrap, OrderStatsJob.ORDER_STATS_TOPIC, "order-stats")).attach(env);
 * env.enableCheckpointing(10_000);
 * env.execute("order-stats");
 * }</pre>
 * (Checkpointing may be enabled before or after {@code attach}. This snippet is compiled and run as
 * written by {@code JavadocExamplesITCase}; change both together.)
 *
 * <p>How to run: (1) {@code local-stack}; (2) {@code order-stats --bootstrap-servers ... --schema-registry-url ...};
 * (3) {@code produce --bootstrap-servers ... --schema-registry-url ... --count 3000}. Each (minute, product)
 * appears in {@code order-stats} once the watermark (latest order time - 5 s) passes the minute's end.
 */
public final class OrderStatsJob {

    public static final String ORDERS_TOPIC = "orders";
    public static final String ORDER_STATS_TOPIC = "order-stats";
    public static final String ORDERS_DEAD_LETTER_TOPIC = "orders-dlq";
    /** Where statistics the sink cannot write (a serializer failure, too large a record) go. */
    public static final String ORDER_STATS_DEAD_LETTER_TOPIC = "order-stats-dlq";

    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    public static final String WINDOW_UID = "order-stats-per-product-minute";
    /** Longest {@code order_id} or {@code product_id} {@link #orderValidator()} accepts, in characters. */
    public static final int MAX_ID_LENGTH = 1024;

    /** The window's accumulator and result type: a POJO, so Flink never falls back to Kryo for it. */
    static final TypeInformation<OrderTotals> TOTALS_TYPE = TypeInformation.of(OrderTotals.class);

    /** The article's {@code order_stats} table: {@code PRIMARY KEY (window_start, product_id)}. */
    public static final UpsertJsonLayout<OrderStats> UPSERT_LAYOUT = UpsertJsonLayout.<OrderStats>builder()
            .addColumn("window_start", UpsertJsonLayout.ColumnType.TIMESTAMP_3, s -> utc(s.windowStart()))
            .addColumn("window_end", UpsertJsonLayout.ColumnType.TIMESTAMP_3, s -> utc(s.windowEnd()))
            .addColumn("product_id", UpsertJsonLayout.ColumnType.STRING, OrderStats::productId)
            .addColumn("order_count", UpsertJsonLayout.ColumnType.BIGINT, OrderStats::orderCount)
            .addColumn("total_revenue", UpsertJsonLayout.ColumnType.DOUBLE, OrderStats::totalRevenue)
            .setPrimaryKey("window_start", "product_id")
            .build();

    private final JobSource<Order> orders;
    private final JobSink<OrderStats> stats;

    /** The job with its input and output; {@link #attach} wires it (flink-training style). */
    public OrderStatsJob(JobSource<Order> orders, JobSink<OrderStats> stats) {
        this.orders = orders;
        this.stats = stats;
    }

    /**
     * Wires the pipeline into {@code env}; the caller sets checkpointing and executes. Enables the job's
     * object reuse: no operator of this pipeline keeps or changes a record it was handed, so Flink's
     * defensive copy of every order between chained operators (an Avro deep copy) buys nothing here.
     */
    public void attach(StreamExecutionEnvironment env) {
        env.getConfig().enableObjectReuse();
        stats.attach(orderStats(orders.attach(env)));
    }

    /** The production source's builder (Avro via the registry, bad records to the DLQ); tests bound it. */
    public static TypedKafkaSource.Builder<Order> kafkaSourceBuilder(
            String bootstrapServers, Map<String, ?> registryConfig, String groupId) {
        return kafkaSourceBuilder(bootstrapServers, registryConfig, groupId, Map.of());
    }

    /**
     * As {@link #kafkaSourceBuilder(String, Map, String)}, with the user's Kafka client settings
     * (security, timeouts) for the consumer, its Admin check and the dead-letter producer.
     */
    public static TypedKafkaSource.Builder<Order> kafkaSourceBuilder(
            String bootstrapServers,
            Map<String, ?> registryConfig,
            String groupId,
            Map<String, String> kafkaProperties) {
        return ClientProperties.applyTo(TypedKafkaSource.<Order>builder(), kafkaProperties)
                .setName("orders-source")
                .setBootstrapServers(bootstrapServers)
                .setTopics(ORDERS_TOPIC)
                .setGroupId(groupId)
                .setValueDeserializer(AvroRegistryDeserializationSchema.forSpecific(Order.class, registryConfig))
                .setRecordValidator(orderValidator())
                .setWatermarkStrategy(watermarks())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(ORDERS_DEAD_LETTER_TOPIC);
    }

    public static JobSource<Order> kafkaOrders(String bootstrapServers, Map<String, ?> registryConfig, String groupId) {
        return kafkaOrders(bootstrapServers, registryConfig, groupId, TypedKafkaSource.DEFAULT_STARTING_OFFSETS);
    }

    /** As {@link #kafkaOrders(String, Map, String)}, starting at {@code start} when no state is restored. */
    public static JobSource<Order> kafkaOrders(
            String bootstrapServers, Map<String, ?> registryConfig, String groupId, StartingOffsets start) {
        return kafkaOrders(bootstrapServers, registryConfig, groupId, start, Map.of());
    }

    /** As {@link #kafkaOrders(String, Map, String, StartingOffsets)}, with the user's Kafka client settings. */
    public static JobSource<Order> kafkaOrders(
            String bootstrapServers,
            Map<String, ?> registryConfig,
            String groupId,
            StartingOffsets start,
            Map<String, String> kafkaProperties) {
        TypedKafkaSource<Order> source = kafkaSourceBuilder(bootstrapServers, registryConfig, groupId, kafkaProperties)
                .setStartingOffsets(start)
                .build();
        return env -> source.attach(env).records();
    }

    /**
     * Upserts to {@code topic} in {@link #UPSERT_LAYOUT}, exactly once; records it cannot write go
     * to {@code topic + "-dlq"} ({@value #ORDER_STATS_DEAD_LETTER_TOPIC} for {@value #ORDER_STATS_TOPIC}).
     */
    public static JobSink<OrderStats> kafkaOrderStats(String bootstrapServers, String topic, String jobName) {
        return kafkaOrderStats(bootstrapServers, topic, topic + "-dlq", jobName);
    }

    /**
     * Upserts to {@code topic} in {@link #UPSERT_LAYOUT}, exactly once; records it cannot write go
     * to {@code deadLetterTopic} in the same transactions, and the job goes on.
     */
    public static JobSink<OrderStats> kafkaOrderStats(
            String bootstrapServers, String topic, String deadLetterTopic, String jobName) {
        return kafkaOrderStats(bootstrapServers, topic, deadLetterTopic, jobName, Map.of());
    }

    /**
     * As {@link #kafkaOrderStats(String, String, String, String)}, with the user's Kafka client
     * settings (security, timeouts) for the producers and the broker check.
     */
    public static JobSink<OrderStats> kafkaOrderStats(
            String bootstrapServers,
            String topic,
            String deadLetterTopic,
            String jobName,
            Map<String, String> kafkaProperties) {
        TypedKafkaSink<OrderStats> sink = ClientProperties.applyTo(
                        TypedKafkaSink.<OrderStats>builder(), kafkaProperties)
                .setBootstrapServers(bootstrapServers)
                .setTopic(topic)
                .setUpsertJsonLayout(UPSERT_LAYOUT)
                .setDeadLetterTopic(deadLetterTopic)
                .setTransactionalIdPrefix(TypedKafkaSink.suggestTransactionalIdPrefix(jobName, "order-stats"))
                .build();
        return sink::sinkTo;
    }

    /**
     * What an order may not be although it decodes: {@code price} not finite or negative,
     * {@code quantity} not positive, {@code timestamp} before 1970 (negative), {@code order_id} or
     * {@code product_id} blank or longer than {@value #MAX_ID_LENGTH} characters (the product keys
     * the statistics). Such an order
     * goes to {@value #ORDERS_DEAD_LETTER_TOPIC} instead of into the revenue.
     */
    public static RecordValidator<Order> orderValidator() {
        return OrderStatsJob::orderProblem;
    }

    static Optional<String> orderProblem(Order order) {
        String orderId = order.getOrderId();
        if (orderId == null || orderId.isBlank()) {
            return Optional.of("Order field 'order_id' must not be blank, but was " + quoted(orderId));
        }
        if (orderId.length() > MAX_ID_LENGTH) {
            return Optional.of(
                    "Order field 'order_id' is " + orderId.length() + " characters long, more than " + MAX_ID_LENGTH);
        }
        // Messages are built only for a bad order: this runs for every order read.
        String productId = order.getProductId();
        if (productId == null || productId.isBlank()) {
            return problem(order, "field 'product_id' must not be blank, but was " + quoted(productId));
        }
        if (productId.length() > MAX_ID_LENGTH) {
            return problem(
                    order,
                    "field 'product_id' is " + productId.length() + " characters long, more than " + MAX_ID_LENGTH);
        }
        double price = order.getPrice();
        if (!Double.isFinite(price) || price < 0) {
            return problem(order, "field 'price' must be a finite number >= 0, but was " + price);
        }
        if (order.getQuantity() <= 0) {
            return problem(order, "field 'quantity' must be positive, but was " + order.getQuantity());
        }
        if (order.getTimestamp() < 0) {
            return problem(order, "field 'timestamp' must not be before 1970, but was " + order.getTimestamp());
        }
        return Optional.empty();
    }

    private static Optional<String> problem(Order order, String detail) {
        return Optional.of("Order '" + cut(order.getOrderId()) + "': " + detail);
    }

    private static String quoted(String s) {
        return s == null ? "null" : "'" + cut(s) + "'";
    }

    private static String cut(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...(" + s.length() + " characters)";
    }

    /**
     * Event time from the order's {@code timestamp}; idleness is the source's setting. Guarded ({@link ExampleEventTime}): a far-future order goes to {@value #ORDERS_DEAD_LETTER_TOPIC}.
     */
    public static WatermarkStrategy<Order> watermarks() {
        return EventTimeWatermarkStrategy.<Order>builder()
                .setEventTimeExtractor(order -> Instant.ofEpochMilli(order.getTimestamp()))
                .setMaxOutOfOrderness(MAX_OUT_OF_ORDERNESS)
                .setGuard(ExampleEventTime.guard())
                .build();
    }

    /**
     * Orders (with timestamps and watermarks assigned) in, one {@link OrderStats} per product and minute out.
     * Pre-aggregated per subtask before the shuffle ({@code KeyedWindowAggregate#apply(DataStream, KeySelector,
     * TypeInformation)}): the same results, a fraction of the records shuffled (docs/benchmarks.md).
     */
    public static DataStream<OrderStats> orderStats(DataStream<Order> orders) {
        return KeyedWindowAggregate.<Order, OrderTotals>builder()
                .setWindow(WindowSpec.tumbling(WINDOW))
                .setAggregation(WindowAggregation.of(new CountAndRevenue(), TOTALS_TYPE, TOTALS_TYPE))
                .setUid(WINDOW_UID)
                .build()
                // Two-phase: each subtask adds up its orders per product and minute before the shuffle.
                .apply(orders, Order::getProductId, Types.STRING)
                .results()
                .map(OrderStatsJob::toStats)
                .returns(TypeInformation.of(OrderStats.class))
                .name("to-order-stats");
    }

    /** What the pipeline must produce for {@code orders} when none is late: keyed by (window start, product). */
    public static Map<String, OrderStats> expectedStats(List<Order> orders) {
        Map<String, OrderStats> expected = new TreeMap<>();
        long size = WINDOW.toMillis();
        for (Order o : orders) {
            Instant start = Instant.ofEpochMilli(o.getTimestamp() - Math.floorMod(o.getTimestamp(), size));
            expected.merge(
                    key(start, o.getProductId()),
                    new OrderStats(start, start.plus(WINDOW), o.getProductId(), 1, revenue(o)),
                    (a, b) -> new OrderStats(
                            a.windowStart(),
                            a.windowEnd(),
                            a.productId(),
                            a.orderCount() + 1,
                            a.totalRevenue() + b.totalRevenue()));
        }
        return expected;
    }

    public static String key(Instant windowStart, String productId) {
        return windowStart + "/" + productId;
    }

    static double revenue(Order order) {
        return order.getPrice() * order.getQuantity();
    }

    private static OrderStats toStats(WindowResult<String, OrderTotals> r) {
        return new OrderStats(r.windowStart(), r.windowEnd(), r.key(), r.value().count, r.value().revenue);
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    }

    /**
     * Count and revenue in one accumulator, so each window keeps O(1) state. The accumulator is
     * mutable ({@link OrderTotals}): {@code add} and {@code merge} change it in place and return it,
     * so no object is allocated per order; {@code getResult} returns a copy, so an emitted result
     * never changes with the window's state. (Before, a {@code Tuple2<Long, Double>} per order; the
     * window state's type changed with it, so savepoints taken before cannot be restored.)
     */
    static final class CountAndRevenue implements AggregateFunction<Order, OrderTotals, OrderTotals> {
        private static final long serialVersionUID = 1L;

        @Override
        public OrderTotals createAccumulator() {
            return new OrderTotals();
        }

        @Override
        public OrderTotals add(Order order, OrderTotals acc) {
            acc.count++;
            acc.revenue += revenue(order);
            return acc;
        }

        @Override
        public OrderTotals getResult(OrderTotals acc) {
            return acc.copy();
        }

        @Override
        public OrderTotals merge(OrderTotals a, OrderTotals b) {
            a.count += b.count;
            a.revenue += b.revenue;
            return a;
        }
    }
}
