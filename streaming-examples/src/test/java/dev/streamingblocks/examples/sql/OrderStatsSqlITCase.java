package dev.streamingblocks.examples.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.AvroRegistryDeserializationSchema;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.orders.OrderStats;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.source.KafkaSourceStreams;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code order-stats-sql} and the DataStream {@link OrderStatsJob} on the same Avro orders (written
 * by our {@link KafkaAvroSerializer}, so both flink-avro and the relocated avro-confluent format
 * work in this one JVM) write byte-identical keys and values.
 */
class OrderStatsSqlITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    /**
     * Two minutes, three products; prices are binary fractions so sums are exact in any order
     * (the SQL job may sum in two phases). ord-8 is 4 s out of order, within the 5 s bound.
     */
    static final List<Order> ORDERS = List.of(
            order("ord-1", "user-1", "prod-1", 2, 49.5, t(0, 1)),
            order("ord-2", "user-2", "prod-2", 1, 10.25, t(0, 10)),
            order("ord-3", "user-1", "prod-1", 1, 49.5, t(0, 30)),
            order("ord-4", "user-3", "prod-3", 4, 0.75, t(0, 59)),
            order("ord-5", "user-2", "prod-1", 3, 50.0, t(1, 2)),
            order("ord-6", "user-3", "prod-2", 2, 10.25, t(1, 20)),
            order("ord-7", "user-1", "prod-2", 1, 12.0, t(1, 45)),
            order("ord-8", "user-4", "prod-1", 1, 48.0, t(1, 41)),
            order("ord-9", "user-4", "prod-3", 8, 0.5, t(2, 0)));

    /** What both jobs must write, key -> value, as the article's upsert-kafka table writes it. */
    static final Map<String, String> EXPECTED = new TreeMap<>(Map.of(
            "{\"window_start\":\"2026-02-06 12:00:00\",\"product_id\":\"prod-1\"}",
            "{\"window_start\":\"2026-02-06 12:00:00\",\"window_end\":\"2026-02-06 12:01:00\","
                    + "\"product_id\":\"prod-1\",\"order_count\":2,\"total_revenue\":148.5}",
            "{\"window_start\":\"2026-02-06 12:00:00\",\"product_id\":\"prod-2\"}",
            "{\"window_start\":\"2026-02-06 12:00:00\",\"window_end\":\"2026-02-06 12:01:00\","
                    + "\"product_id\":\"prod-2\",\"order_count\":1,\"total_revenue\":10.25}",
            "{\"window_start\":\"2026-02-06 12:00:00\",\"product_id\":\"prod-3\"}",
            "{\"window_start\":\"2026-02-06 12:00:00\",\"window_end\":\"2026-02-06 12:01:00\","
                    + "\"product_id\":\"prod-3\",\"order_count\":1,\"total_revenue\":3.0}",
            "{\"window_start\":\"2026-02-06 12:01:00\",\"product_id\":\"prod-1\"}",
            "{\"window_start\":\"2026-02-06 12:01:00\",\"window_end\":\"2026-02-06 12:02:00\","
                    + "\"product_id\":\"prod-1\",\"order_count\":2,\"total_revenue\":198.0}",
            "{\"window_start\":\"2026-02-06 12:01:00\",\"product_id\":\"prod-2\"}",
            "{\"window_start\":\"2026-02-06 12:01:00\",\"window_end\":\"2026-02-06 12:02:00\","
                    + "\"product_id\":\"prod-2\",\"order_count\":2,\"total_revenue\":32.5}",
            "{\"window_start\":\"2026-02-06 12:02:00\",\"product_id\":\"prod-3\"}",
            "{\"window_start\":\"2026-02-06 12:02:00\",\"window_end\":\"2026-02-06 12:03:00\","
                    + "\"product_id\":\"prod-3\",\"order_count\":1,\"total_revenue\":4.0}"));

    @Test
    void sqlJobWritesWhatTheDataStreamJobWrites() throws Exception {
        EmbeddedKafkaCluster kafka = KAFKA.cluster();
        String orders = EmbeddedKafkaCluster.uniqueTopicName("orders");
        String dataStreamStats = EmbeddedKafkaCluster.uniqueTopicName("order-stats-datastream");
        String sqlStats = EmbeddedKafkaCluster.uniqueTopicName("order-stats-sql");
        Map<String, String> noRetention = Map.of("retention.ms", "-1");
        kafka.createTopic(orders, 1, (short) 1, noRetention);
        kafka.createTopic(dataStreamStats, 2, (short) 1, noRetention);
        kafka.createTopic(sqlStats, 2, (short) 1, noRetention);
        produce(orders);

        runDataStreamJob(orders, dataStreamStats);
        OrderStatsSql.execute(
                        tableEnvironment(),
                        SqlJobOptions.builder()
                                .setBootstrapServers(kafka.bootstrapServers())
                                .setSchemaRegistryUrl(REGISTRY.url())
                                .setBounded(true)
                                .build(),
                        orders,
                        sqlStats)
                .await();

        List<ConsumerRecord<byte[], byte[]>> fromDataStream = kafka.consume(dataStreamStats, EXPECTED.size(), TIMEOUT);
        List<ConsumerRecord<byte[], byte[]>> fromSql = kafka.consume(sqlStats, EXPECTED.size(), TIMEOUT);
        assertThat(byKey(fromDataStream)).isEqualTo(EXPECTED);
        assertThat(byKey(fromSql)).isEqualTo(EXPECTED);
        // Same key bytes land on the same partition: both use Kafka's default key hashing.
        assertThat(partitionByKey(fromSql)).isEqualTo(partitionByKey(fromDataStream));
    }

    private static void runDataStreamJob(String ordersTopic, String statsTopic) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration());
        env.setParallelism(2);
        env.enableCheckpointing(500);
        KafkaSourceStreams<Order> source = TypedKafkaSource.<Order>builder()
                .setName("orders-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(ordersTopic)
                .setGroupId("order-stats-datastream")
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .setValueDeserializer(AvroRegistryDeserializationSchema.forSpecific(
                        Order.class, Map.of("schema.registry.url", REGISTRY.url())))
                .setWatermarkStrategy(OrderStatsJob.watermarks())
                .build()
                .attach(env);
        TypedKafkaSink.<OrderStats>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(statsTopic)
                .setUpsertJsonLayout(OrderStatsJob.UPSERT_LAYOUT)
                .setTransactionalIdPrefix(TypedKafkaSink.suggestTransactionalIdPrefix("order-stats-it", statsTopic))
                .build()
                .sinkTo(OrderStatsJob.orderStats(source.records()));
        env.execute("order-stats (DataStream)");
    }

    static StreamTableEnvironment tableEnvironment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration());
        env.setParallelism(2);
        return StreamTableEnvironment.create(env);
    }

    static Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return conf;
    }

    private static void produce(String topic) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                KafkaAvroSerializer.class.getName(),
                "schema.registry.url",
                REGISTRY.url());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (Order order : ORDERS) {
                producer.send(new ProducerRecord<>(topic, order.getOrderId(), order));
            }
            producer.flush();
        }
    }

    private static Map<String, String> byKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, String> latest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            latest.put(new String(r.key(), StandardCharsets.UTF_8), new String(r.value(), StandardCharsets.UTF_8));
        }
        return latest;
    }

    private static Map<String, Integer> partitionByKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Integer> partitions = new TreeMap<>();
        records.forEach(r -> partitions.put(new String(r.key(), StandardCharsets.UTF_8), r.partition()));
        return partitions;
    }

    static Order order(String id, String user, String product, int quantity, double price, Instant time) {
        return Order.newBuilder()
                .setOrderId(id)
                .setUserId(user)
                .setProductId(product)
                .setQuantity(quantity)
                .setPrice(price)
                .setTimestamp(time.toEpochMilli())
                .build();
    }

    static Instant t(int minutes, int seconds) {
        return BEGINNING.plusSeconds(minutes * 60L + seconds);
    }
}
