package dev.streamingblocks.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.fraud.TransactionGenerator;
import dev.streamingblocks.examples.orders.OrderGenerator;
import dev.streamingblocks.examples.orders.OrderStats;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.examples.sessions.SessionsJob;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.json.PageViewJsonSerializationSchema;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import dev.streamingblocks.testkit.await.Await;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local example job stopped mid-stream the way a user stops it (SIGTERM, as Ctrl-C) and started
 * again with the same command ends with exactly the results of an uninterrupted run: the windows
 * open at the stop come back from the savepoint with the offsets they belong to.
 */
class StopAndResumeITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Instant START = Instant.parse("2026-02-06T12:00:00Z");
    private static final Duration STEP = Duration.ofMinutes(3);

    @TempDir
    Path workDir;

    @Test
    void orderStatsStoppedMidWindowAndStartedAgainGivesExactlyTheUninterruptedResults() throws Exception {
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(OrderStatsJob.ORDERS_TOPIC, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(OrderStatsJob.ORDER_STATS_TOPIC, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC, 1, (short) 1, keep);
        // 3 minutes of orders, one every 100 ms; the stop falls in the middle of the second minute.
        List<Order> orders = new OrderGenerator(7, START, Duration.ofMillis(100)).next(1800);
        List<Order> beforeStop = orders.subList(0, 1000);
        List<Order> afterStop = orders.subList(1000, orders.size());
        String[] command = {
            "order-stats",
            "--bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--schema-registry-url",
            REGISTRY.url(),
            "--work-dir",
            workDir.toString(),
            "--checkpoint-interval",
            "1s",
            "--web-ui-port",
            Integer.toString(LocalStack.freePort())
        };

        produce(beforeStop, List.of());
        try (ChildJob first = ChildJob.start("order-stats-1", Map.of(), command)) {
            first.awaitLine(
                    line -> line.startsWith("Starting order-stats without saved state"), Duration.ofSeconds(60));
            CommittedOffsets.awaitAtEnd(
                    KAFKA.cluster(), "order-stats", OrderStatsJob.ORDERS_TOPIC, Duration.ofSeconds(120));
            first.stop();
            assertThat(first.output()).contains("Stopped with a savepoint at ");
        }

        // Later orders, then one far ahead in each partition so every window of the data closes.
        produce(afterStop, List.of(flushOrder(0), flushOrder(1)));
        try (ChildJob second = ChildJob.start("order-stats-2", Map.of(), command)) {
            String resumed =
                    second.awaitLine(line -> line.startsWith("Resuming order-stats from "), Duration.ofSeconds(60));
            assertThat(resumed)
                    .contains(workDir.resolve("jobs/order-stats/savepoints").toString());

            Map<String, String> expected = OrderStatsJob.expectedStats(orders).entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> describe(e.getValue()), (a, b) -> a, TreeMap::new));
            assertThat(awaitResults(expected, Duration.ofSeconds(180))).isEqualTo(expected);
            second.stop();
        }
    }

    @Test
    void fraudStoppedWithTwoOfThreeLargeTransactionsSeenStillRaisesTheAlertAfterResuming() throws Exception {
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(FraudJob.TRANSACTIONS_TOPIC, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(FraudJob.ALERTS_TOPIC, 1, (short) 1, keep);
        KAFKA.cluster().createTopic(FraudJob.DEAD_LETTER_TOPIC, 1, (short) 1, keep);
        // The article's plain-Avro, tumbling-only job (Main's defaults add the registry format, the sliding rule and
        // the rules topic; FraudRulesTopicITCase covers those): what this test checks is the resumed window.
        String[] command = {
            "fraud",
            "--format",
            "avro",
            "--rules",
            "tumbling",
            "--rules-topic",
            "none",
            "--bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--work-dir",
            workDir.toString(),
            "--checkpoint-interval",
            "1s",
            "--web-ui-port",
            Integer.toString(LocalStack.freePort())
        };
        SerializationSchema<Transaction> serializer = FraudSerdes.transactionSerializer();

        // alice's first two large transactions of minute 0, and someone else's small one
        produceTransactions(
                serializer,
                List.of(
                        TransactionGenerator.transaction("a1", "alice", 1200.0, START.plusSeconds(5)),
                        TransactionGenerator.transaction("a2", "alice", 1000.01, START.plusSeconds(20)),
                        TransactionGenerator.transaction("b1", "bob", 20.0, START.plusSeconds(25))),
                false);
        try (ChildJob first = ChildJob.start("fraud-1", Map.of(), command)) {
            first.awaitLine(line -> line.startsWith("Starting fraud without saved state"), Duration.ofSeconds(60));
            CommittedOffsets.awaitAtEnd(KAFKA.cluster(), "fraud", FraudJob.TRANSACTIONS_TOPIC, Duration.ofSeconds(120));
            first.stop();
            assertThat(first.output()).contains("Stopped with a savepoint at ");
        }

        // the third one, then event time moves past minute 0 in every partition
        produceTransactions(
                serializer,
                List.of(TransactionGenerator.transaction("a3", "alice", 5000.0, START.plusSeconds(50))),
                true);
        try (ChildJob second = ChildJob.start("fraud-2", Map.of(), command)) {
            second.awaitLine(line -> line.startsWith("Resuming fraud from "), Duration.ofSeconds(60));
            CommittedOffsets.awaitAtEnd(KAFKA.cluster(), "fraud", FraudJob.TRANSACTIONS_TOPIC, Duration.ofSeconds(120));
            // consume() reads read_committed and fails on a record beyond the one expected.
            List<ConsumerRecord<byte[], byte[]>> alerts =
                    KAFKA.cluster().consume(FraudJob.ALERTS_TOPIC, 1, Duration.ofSeconds(60));
            assertThat(FraudSerdes.alertDeserializer().deserialize(alerts.get(0).value()))
                    .isEqualTo(Alert.newBuilder()
                            .setUserId("alice")
                            .setAlertType(FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS)
                            .setRuleId(FraudRules.ARTICLE_RULE_ID)
                            .setWindowStart(START)
                            .setWindowEnd(START.plusSeconds(60))
                            .setTransactionCount(3)
                            .build());
            second.stop();
        }
    }

    @Test
    void sessionsStoppedWithSessionsOpenWritesExactlyTheSessionsOfTheWholeInputAfterResuming() throws Exception {
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(SessionsJob.PAGE_VIEWS_TOPIC, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(SessionsJob.DEAD_LETTER_TOPIC, 1, (short) 1, keep);
        EmbeddedPostgres pg = POSTGRES.postgres();
        String[] command = {
            "sessions",
            "--bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--jdbc-url",
            pg.jdbcUrl(),
            "--jdbc-user",
            pg.user(),
            "--work-dir",
            workDir.toString(),
            "--checkpoint-interval",
            "1s",
            "--web-ui-port",
            Integer.toString(LocalStack.freePort())
        };
        Map<String, String> environment = Map.of("PGPASSWORD", pg.password());

        produceViews(
                List.of(
                        new PageView("alice", "/a", START),
                        new PageView("alice", "/b", START.plus(Duration.ofMinutes(10))),
                        new PageView("bob", "/x", START.plus(Duration.ofMinutes(5)))),
                false);
        try (ChildJob first = ChildJob.start("sessions-1", environment, command)) {
            first.awaitLine(line -> line.startsWith("Starting sessions without saved state"), Duration.ofSeconds(60));
            CommittedOffsets.awaitAtEnd(
                    KAFKA.cluster(), "sessions", SessionsJob.PAGE_VIEWS_TOPIC, Duration.ofSeconds(120));
            first.stop();
            assertThat(first.output()).contains("Stopped with a savepoint at ");
        }

        produceViews(
                List.of(
                        new PageView("alice", "/c", START.plus(Duration.ofMinutes(25))),
                        new PageView("bob", "/y", START.plus(Duration.ofMinutes(35)))),
                true);
        try (ChildJob second = ChildJob.start("sessions-2", environment, command)) {
            second.awaitLine(line -> line.startsWith("Resuming sessions from "), Duration.ofSeconds(60));
            List<String> expected = List.of(
                    "alice|2026-02-06 12:00:00|2026-02-06 12:55:00|3|/a|/c",
                    "bob|2026-02-06 12:05:00|2026-02-06 13:05:00|2|/x|/y");
            try {
                Await.until(
                        Duration.ofSeconds(120),
                        "user_sessions holds the expected rows",
                        () -> sessionRows(pg).equals(expected));
            } catch (AssertionError timedOut) {
                assertThat(sessionRows(pg)).isEqualTo(expected); // says how the rows differ
                throw timedOut;
            }
            second.stop();
        }
    }

    private static void produceTransactions(
            SerializationSchema<Transaction> serializer, List<Transaction> txs, boolean flush) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Transaction tx : txs) {
            records.add(
                    new ProducerRecord<>(FraudJob.TRANSACTIONS_TOPIC, utf8(tx.getUserId()), serializer.serialize(tx)));
        }
        for (int partition = 0; flush && partition < 2; partition++) {
            Transaction tx =
                    TransactionGenerator.transaction("flush-" + partition, "flush-" + partition, 1.0, START.plus(STEP));
            records.add(new ProducerRecord<>(
                    FraudJob.TRANSACTIONS_TOPIC, partition, utf8(tx.getUserId()), serializer.serialize(tx)));
        }
        KAFKA.cluster().produce(records);
    }

    private static void produceViews(List<PageView> views, boolean flush) {
        PageViewJsonSerializationSchema serializer = new PageViewJsonSerializationSchema();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (PageView v : views) {
            records.add(new ProducerRecord<>(SessionsJob.PAGE_VIEWS_TOPIC, utf8(v.userId()), serializer.serialize(v)));
        }
        for (int partition = 0; flush && partition < 2; partition++) {
            PageView v = new PageView("flush-" + partition, "/", START.plus(Duration.ofHours(5)));
            records.add(new ProducerRecord<>(
                    SessionsJob.PAGE_VIEWS_TOPIC, partition, utf8(v.userId()), serializer.serialize(v)));
        }
        KAFKA.cluster().produce(records);
    }

    private static List<String> sessionRows(EmbeddedPostgres pg) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet exists = s.executeQuery("SELECT to_regclass('" + PostgresSessionSink.DEFAULT_TABLE + "')")) {
            if (!exists.next() || exists.getString(1) == null) {
                return rows;
            }
        }
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        "SELECT user_id, session_start, session_end, page_count, first_page," + " last_page FROM "
                                + PostgresSessionSink.DEFAULT_TABLE + " ORDER BY user_id, session_start")) {
            while (r.next()) {
                rows.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getLong(4) + "|"
                        + r.getString(5) + "|" + r.getString(6));
            }
        }
        return rows;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Order flushOrder(int partition) {
        return Order.newBuilder()
                .setOrderId("flush-" + partition)
                .setUserId("flush")
                .setProductId("prod-1")
                .setQuantity(1)
                .setPrice(1.0)
                .setTimestamp(START.plus(STEP).plus(STEP).toEpochMilli())
                .build();
    }

    private static void produce(List<Order> orders, List<Order> flushes) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName(),
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (Order o : orders) {
                producer.send(new ProducerRecord<>(OrderStatsJob.ORDERS_TOPIC, o.getOrderId(), o));
            }
            for (int partition = 0; partition < flushes.size(); partition++) {
                Order o = flushes.get(partition);
                producer.send(new ProducerRecord<>(OrderStatsJob.ORDERS_TOPIC, partition, o.getOrderId(), o));
            }
            producer.flush();
        }
    }

    /** Polls the output topic (read_committed) until the latest result per key equals {@code expected}. */
    private static Map<String, String> awaitResults(Map<String, String> expected, Duration timeout) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> latest = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                KAFKA.cluster().createConsumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(OrderStatsJob.ORDER_STATS_TOPIC)
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline) && !latest.equals(expected)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode v = json.readTree(new String(r.value(), StandardCharsets.UTF_8));
                    Instant start = LocalDateTime.parse(
                                    v.get("window_start").asText().replace(' ', 'T'))
                            .toInstant(ZoneOffset.UTC);
                    latest.put(
                            OrderStatsJob.key(start, v.get("product_id").asText()),
                            String.format(
                                    Locale.ROOT,
                                    "%d orders, revenue %.2f",
                                    v.get("order_count").asLong(),
                                    v.get("total_revenue").asDouble()));
                }
            }
        }
        return latest;
    }

    private static String describe(OrderStats stats) {
        return String.format(Locale.ROOT, "%d orders, revenue %.2f", stats.orderCount(), stats.totalRevenue());
    }
}
