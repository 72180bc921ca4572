package dev.streamingblocks.examples.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.cdc.ChangeRecord;
import dev.streamingblocks.cdc.LatestVersionJoin;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.examples.sql.EnrichSql;
import dev.streamingblocks.examples.sql.SqlJobOptions;
import dev.streamingblocks.testkit.await.Await;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real PostgreSQL (logical WAL), real Debezium, real Kafka: the {@code products} table is captured,
 * the capture is stopped in the middle and started again, and the enrich jobs join orders with the
 * product version valid at each order's event time. The changes are made once for the class.
 */
class CdcEnrichITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    static final Duration TIMEOUT = Duration.ofMinutes(1);
    static final ObjectMapper JSON = new ObjectMapper();

    static String cdcTopic;
    static List<ConsumerRecord<byte[], byte[]>> captured;
    /** The commit times of the update of prod-1, the delete of prod-2, the update of prod-3. */
    static Instant updated;

    static Instant deleted;
    static Instant updatedAgain;
    static Path workDirectory;

    @BeforeAll
    static void captureChangesAcrossARestart() throws Exception {
        workDirectory = Files.createTempDirectory("cdc-it");
        cdcTopic = EmbeddedKafkaCluster.uniqueTopicName("products-cdc");
        KAFKA.cluster().createTopic(cdcTopic, 1, (short) 1, Map.of("retention.ms", "-1"));
        try (Connection connection = POSTGRES.postgres().connect();
                Statement sql = connection.createStatement()) {
            sql.execute(ProductsTable.DDL);
            sql.execute("ALTER TABLE products REPLICA IDENTITY FULL");
            sql.execute("INSERT INTO products (id, name, price) VALUES"
                    + " ('prod-1', 'Widget', 10.00), ('prod-2', 'Gadget', 20.00), ('prod-3', 'Gizmo', 30.00)");

            try (ProductsCapture first = capture().start()) {
                Await.until(TIMEOUT, "the snapshot of 3 rows is in Kafka", () -> first.written() == 3);
                sql.execute("UPDATE products SET price = 12.50, updated_at = now() WHERE id = 'prod-1'");
                Await.until(TIMEOUT, "the update is in Kafka", () -> first.written() == 4);
            }
            // While nothing captures: the slot keeps the change for the next start.
            sql.execute("DELETE FROM products WHERE id = 'prod-2'");
            try (ProductsCapture second = capture().start()) {
                Await.until(
                        TIMEOUT,
                        "the delete made while stopped is in Kafka",
                        () -> second.written() == 1 && second.tombstones() == 1);
                sql.execute("UPDATE products SET price = 35.00, updated_at = now() WHERE id = 'prod-3'");
                Await.until(TIMEOUT, "the second update is in Kafka", () -> second.written() == 2);
            }
        }
        captured = KAFKA.cluster().consume(cdcTopic, 7, TIMEOUT);
        updated = commitTime(captured.get(3));
        deleted = commitTime(captured.get(4));
        updatedAgain = commitTime(captured.get(6));
    }

    @AfterAll
    static void deleteWorkDirectory() throws Exception {
        try (var paths = Files.walk(workDirectory)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static ProductsCapture capture() {
        return ProductsCapture.builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(cdcTopic)
                .setJdbcUrl(POSTGRES.postgres().jdbcUrl())
                .setUser(POSTGRES.postgres().user())
                .setPassword(POSTGRES.postgres().password())
                .setOffsetsFile(workDirectory.resolve("cdc").resolve("products.offsets"))
                .build();
    }

    @Test
    void everyChangeIsInKafkaOnceInCommitOrderAcrossTheRestart() throws Exception {
        List<String> changes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : captured) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                changes.add(key + " tombstone");
                continue;
            }
            JsonNode envelope = JSON.readTree(record.value());
            JsonNode row = envelope.get("op").asText().equals("d") ? envelope.get("before") : envelope.get("after");
            changes.add(key + " " + envelope.get("op").asText() + " "
                    + row.get("name").asText() + " "
                    + row.get("price").asText()
                    + (envelope.get("op").asText().equals("u")
                            ? " was " + envelope.get("before").get("price").asText()
                            : ""));
        }
        assertThat(changes)
                .containsExactly(
                        "{\"id\":\"prod-1\"} r Widget 10.00",
                        "{\"id\":\"prod-2\"} r Gadget 20.00",
                        "{\"id\":\"prod-3\"} r Gizmo 30.00",
                        "{\"id\":\"prod-1\"} u Widget 12.50 was 10.00",
                        "{\"id\":\"prod-2\"} d Gadget 20.00",
                        "{\"id\":\"prod-2\"} tombstone",
                        "{\"id\":\"prod-3\"} u Gizmo 35.00 was 30.00");
        assertThat(updated).isBefore(deleted);
        assertThat(deleted).isBefore(updatedAgain);
    }

    @Test
    void sqlEnrichJoinsEachOrderWithTheVersionValidAtItsEventTime() throws Exception {
        String orders = EmbeddedKafkaCluster.uniqueTopicName("orders");
        String enriched = EmbeddedKafkaCluster.uniqueTopicName("orders-enriched");
        KAFKA.cluster().createTopic(orders, 1, (short) 1, Map.of("retention.ms", "-1"));
        KAFKA.cluster().createTopic(enriched, 1, (short) 1, Map.of("retention.ms", "-1"));
        produce(orders, testOrders());

        EnrichSql.execute(
                        tableEnvironment(),
                        SqlJobOptions.builder()
                                .setBootstrapServers(KAFKA.bootstrapServers())
                                .setSchemaRegistryUrl(REGISTRY.url())
                                .setBounded(true)
                                .build(),
                        orders,
                        cdcTopic,
                        enriched)
                .await();

        List<String> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.cluster().consume(enriched, 5, TIMEOUT)) {
            values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        assertThat(values).containsExactlyInAnyOrder(EXPECTED_ENRICHED.toArray(String[]::new));
    }

    @Test
    void dataStreamEnrichJoinsLikeTheSqlJobAndDeadLettersMalformedEnvelopes() throws Exception {
        EmbeddedKafkaCluster kafka = KAFKA.cluster();
        String orders = EmbeddedKafkaCluster.uniqueTopicName("orders");
        String ordersDlq = EmbeddedKafkaCluster.uniqueTopicName("orders-dlq");
        String changes = EmbeddedKafkaCluster.uniqueTopicName("products-cdc");
        String changesDlq = EmbeddedKafkaCluster.uniqueTopicName("products-cdc-dlq");
        for (String topic : List.of(orders, ordersDlq, changes, changesDlq)) {
            kafka.createTopic(topic, 1, (short) 1, Map.of("retention.ms", "-1"));
        }
        produce(orders, testOrders());
        // The captured changes, with two records that are no product change after the snapshot.
        List<ProducerRecord<byte[], byte[]>> copy = new ArrayList<>();
        for (int i = 0; i < captured.size(); i++) {
            copy.add(new ProducerRecord<>(
                    changes, captured.get(i).key(), captured.get(i).value()));
            if (i == 2) {
                copy.add(new ProducerRecord<>(changes, bytes("{\"id\":\"prod-9\"}"), bytes("{\"op\":\"c\"")));
                copy.add(new ProducerRecord<>(
                        changes,
                        bytes("{\"id\":\"prod-9\"}"),
                        bytes("{\"op\":\"c\","
                                + "\"after\":{\"id\":\"prod-9\",\"name\":\"Gear\",\"price\":\"ten\","
                                + "\"updated_at\":\"2026-12-02T12:00:00Z\"},\"source\":{\"ts_ms\":1}}")));
            }
        }
        kafka.produce(copy);

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataStream<Order> orderStream = OrderStatsJob.kafkaSourceBuilder(
                        KAFKA.bootstrapServers(), Map.of("schema.registry.url", REGISTRY.url()), "enrich-cdc-it")
                .setTopics(orders)
                .setDeadLetterTopic(ordersDlq)
                .setBoundedToLatest()
                .build()
                .attach(env)
                .records();
        DataStream<ChangeRecord<Product>> productStream = CdcEnrichJob.productChanges(
                        KAFKA.bootstrapServers(), changes, "enrich-cdc-it")
                .setDeadLetterTopic(changesDlq)
                .setBoundedToLatest()
                .build()
                .attach(env)
                .records();
        LatestVersionJoin.Result<Order, EnrichedOrder> enriched = CdcEnrichJob.enrich(orderStream, productStream);
        DataStream<String> results = enriched.matched()
                .map(e ->
                        e.orderId() + " " + e.productName() + " " + e.price() + " x" + e.quantity() + " = " + e.total())
                .returns(Types.STRING)
                .union(enriched.unmatched()
                        .map(u -> u.left().getOrderId() + " " + u.reason())
                        .returns(Types.STRING));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = results.executeAndCollect("enrich-cdc-it")) {
            it.forEachRemaining(out::add);
        }

        // The same versions as the SQL job: old price just before each change, new price from it on.
        assertThat(out)
                .containsExactlyInAnyOrder(
                        "ord-1 Widget 10.00 x2 = 20.00",
                        "ord-2 Widget 12.50 x2 = 25.00",
                        "ord-3 Gadget 20.00 x1 = 20.00",
                        "ord-5 Gizmo 30.00 x3 = 90.00",
                        "ord-6 Gizmo 35.00 x3 = 105.00",
                        "ord-0 NO_VERSION", // before the snapshot read prod-1
                        "ord-4 NO_VERSION", // prod-2 was deleted at the order's time
                        "ord-7 NO_VERSION"); // prod-9 never existed
        List<String> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.consume(changesDlq, 2, TIMEOUT)) {
            deadLetters.add(new String(
                            r.headers().lastHeader("dlq.error.message").value(), StandardCharsets.UTF_8) + " @"
                    + new String(r.headers().lastHeader("dlq.source.offset").value(), StandardCharsets.UTF_8));
        }
        assertThat(deadLetters)
                .containsExactly(
                        "not a Debezium change event: the value is not JSON (Unexpected end-of-input: expected close marker"
                                + " for Object (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`"
                                + " disabled); line: 1, column: 1])) @3",
                        "'after.price' must be a decimal, but was \"ten\" @4");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** What both enrich jobs must write: no result for ord-0 (before the snapshot), ord-4 (deleted), ord-7 (unknown). */
    static final List<String> EXPECTED_ENRICHED = List.of(
            "{\"order_id\":\"ord-1\",\"product_id\":\"prod-1\",\"quantity\":2,\"product_name\":\"Widget\","
                    + "\"price\":10.0,\"total\":20.0}",
            "{\"order_id\":\"ord-2\",\"product_id\":\"prod-1\",\"quantity\":2,\"product_name\":\"Widget\","
                    + "\"price\":12.5,\"total\":25.0}",
            "{\"order_id\":\"ord-3\",\"product_id\":\"prod-2\",\"quantity\":1,\"product_name\":\"Gadget\","
                    + "\"price\":20.0,\"total\":20.0}",
            "{\"order_id\":\"ord-5\",\"product_id\":\"prod-3\",\"quantity\":3,\"product_name\":\"Gizmo\","
                    + "\"price\":30.0,\"total\":90.0}",
            "{\"order_id\":\"ord-6\",\"product_id\":\"prod-3\",\"quantity\":3,\"product_name\":\"Gizmo\","
                    + "\"price\":35.0,\"total\":105.0}");

    /** Orders around each change: one millisecond before it gets the old row, at it the new one. */
    static List<Order> testOrders() throws Exception {
        Instant snapshot = commitTime(captured.get(0));
        return List.of(
                order("ord-0", "user-1", "prod-1", 1, 0.0, snapshot.minusMillis(1)),
                order("ord-1", "user-1", "prod-1", 2, 0.0, updated.minusMillis(1)),
                order("ord-2", "user-2", "prod-1", 2, 0.0, updated),
                order("ord-3", "user-3", "prod-2", 1, 0.0, deleted.minusMillis(1)),
                order("ord-4", "user-3", "prod-2", 1, 0.0, deleted),
                order("ord-5", "user-4", "prod-3", 3, 0.0, updatedAgain.minusMillis(1)),
                order("ord-6", "user-4", "prod-3", 3, 0.0, updatedAgain.plusSeconds(1)),
                order("ord-7", "user-5", "prod-9", 1, 0.0, updatedAgain));
    }

    static void produce(String topic, List<Order> orders) {
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
            for (Order order : orders) {
                producer.send(new ProducerRecord<>(topic, order.getOrderId(), order));
            }
            producer.flush();
        }
    }

    static StreamTableEnvironment tableEnvironment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return StreamTableEnvironment.create(env);
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

    static Instant commitTime(ConsumerRecord<byte[], byte[]> record) throws Exception {
        return Instant.ofEpochMilli(
                JSON.readTree(record.value()).get("source").get("ts_ms").asLong());
    }
}
