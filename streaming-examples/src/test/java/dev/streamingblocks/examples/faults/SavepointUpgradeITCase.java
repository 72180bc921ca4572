package dev.streamingblocks.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.CommittedOffsets;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.fraud.TransactionGenerator;
import dev.streamingblocks.examples.io.JobSink;
import dev.streamingblocks.examples.io.JobSource;
import dev.streamingblocks.examples.orders.OrderGenerator;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.examples.sessions.SessionsJob;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.SessionChange;
import dev.streamingblocks.sessions.json.PageViewJsonSerializationSchema;
import dev.streamingblocks.testkit.await.Await;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
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
 * Savepoint upgrade (issue #9, fault-injection suite): each example job is stopped with a savepoint
 * (not draining, so no window is closed early) while it holds state, a new version of the job with
 * an operator added is started from that savepoint, and the final output is exactly that of an
 * uninterrupted run: the order-stats windows open at the stop keep their counts, the fraud detector
 * keeps a user's two large transactions so the third raises exactly one alert, and the sessions
 * job keeps a session opened before the stop so its close writes one correct row.
 *
 * <p>This holds only because every stateful operator (sources, window, detector, sessionizer,
 * sinks) has a stable uid: Flink generates the id of an operator without one from the operators
 * before it, so the operator added between source and window (order-stats) or sessionizer
 * (sessions) changes the generated ids of everything after it, and the one added before the
 * alerts sink (fraud) that of the sink. The restore does not allow unmapped state, so a savepoint
 * whose state the new graph cannot take fails the job instead of starting it empty. Runs on a MiniCluster with 2 TaskManagers, parallelism 2.
 */
class SavepointUpgradeITCase {

    private static final Instant START = Instant.parse("2026-02-06T12:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String ADDED_UID = "added-in-upgrade";

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2)
            .setNumberSlotsPerTaskManager(1)
            .build());

    @TempDir
    Path stateDir;

    @Test
    void orderStatsWindowsOpenAtTheStopKeepTheirCountsInTheUpgradedJob() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("orders");
        String out = EmbeddedKafkaCluster.uniqueTopicName("order-stats");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("orders-dlq");
        createTopics(in, out, dlq);
        // 3 minutes of orders, one every 100 ms; the stop falls in the middle of the second minute.
        List<Order> orders = new OrderGenerator(7, START, Duration.ofMillis(100)).next(1800);
        TreeMap<String, String> expected = OrderStatsJob.expectedStats(orders).entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey,
                        e -> describe(e.getValue().orderCount(), e.getValue().totalRevenue()),
                        (a, b) -> a,
                        TreeMap::new));
        TypedKafkaSource<Order> source = OrderStatsJob.kafkaSourceBuilder(
                        KAFKA.bootstrapServers(),
                        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()),
                        in)
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .build();
        JobSource<Order> orderSource = env -> source.attach(env).records();

        produceOrders(in, orders.subList(0, 1000), false);
        String savepoint = runUntilStateHoldsTheInput(
                in,
                "order-stats-v1",
                env -> new OrderStatsJob(
                                orderSource, OrderStatsJob.kafkaOrderStats(KAFKA.bootstrapServers(), out, dlq, in))
                        .attach(env));
        // The minutes before 12:01 are out; 12:01 is in the savepoint's window state, its result not written yet.
        Instant inFlight = START.plus(OrderStatsJob.WINDOW);
        Map<String, String> closedAtStop = new TreeMap<>(expected.headMap(OrderStatsJob.key(inFlight, "")));
        assertThat(orderStats(KAFKA.cluster().consume(out, closedAtStop.size(), TIMEOUT)))
                .isEqualTo(closedAtStop);
        assertThat(expected.keySet()).anyMatch(key -> key.startsWith(inFlight + "/"));

        produceOrders(in, orders.subList(1000, orders.size()), true);
        // v2 checks each order on its way to the window: a new operator between source and window.
        JobSource<Order> checkedSource = env -> orderSource
                .attach(env)
                .filter(o -> o.getQuantity() > 0)
                .uid(ADDED_UID)
                .name(ADDED_UID);
        JobClient upgraded = start(
                "order-stats-v2",
                savepoint,
                env -> new OrderStatsJob(
                                checkedSource, OrderStatsJob.kafkaOrderStats(KAFKA.bootstrapServers(), out, dlq, in))
                        .attach(env));
        awaitCommitted(upgraded, out, expected.size());
        stop(upgraded);

        // consume() reads read_committed and fails on a record beyond those expected: one per key.
        assertThat(orderStats(KAFKA.cluster().consume(out, expected.size(), TIMEOUT)))
                .isEqualTo(expected);
    }

    @Test
    void fraudCountsInFlightAtTheStopRaiseExactlyOneAlertInTheUpgradedJob() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("transactions");
        String out = EmbeddedKafkaCluster.uniqueTopicName("fraud-alerts");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("transactions-dlq");
        createTopics(in, out, dlq);
        TypedKafkaSource<Transaction> source = FraudJob.kafkaSourceBuilder(KAFKA.bootstrapServers(), in)
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .build();
        JobSource<Transaction> transactions = env -> source.attach(env).records();
        JobSink<Alert> alerts = FraudJob.kafkaAlerts(KAFKA.bootstrapServers(), out, in);

        // alice's first two large transactions of minute 0, and someone else's small one
        produceTransactions(
                in,
                List.of(
                        TransactionGenerator.transaction("a1", "alice", 1200.0, START.plusSeconds(5)),
                        TransactionGenerator.transaction("a2", "alice", 1000.01, START.plusSeconds(20)),
                        TransactionGenerator.transaction("b1", "bob", 20.0, START.plusSeconds(25))),
                false);
        String savepoint =
                runUntilStateHoldsTheInput(in, "fraud-v1", env -> new FraudJob(transactions, alerts).attach(env));

        // the third, then event time moves past minute 0 in every partition
        produceTransactions(
                in, List.of(TransactionGenerator.transaction("a3", "alice", 5000.0, START.plusSeconds(50))), true);
        // v2 checks each alert on its way to the sink: a new operator between detector and sink.
        JobSink<Alert> checkedAlerts = stream -> alerts.attach(
                stream.filter(a -> !a.getUserId().isEmpty()).uid(ADDED_UID).name(ADDED_UID));
        JobClient upgraded = start("fraud-v2", savepoint, env -> new FraudJob(transactions, checkedAlerts).attach(env));
        awaitCommitted(upgraded, out, 1);
        stop(upgraded);

        // consume() reads read_committed and fails on a record beyond the one expected.
        List<ConsumerRecord<byte[], byte[]>> written = KAFKA.cluster().consume(out, 1, TIMEOUT);
        assertThat(FraudSerdes.alertDeserializer().deserialize(written.get(0).value()))
                .isEqualTo(Alert.newBuilder()
                        .setUserId("alice")
                        .setAlertType(FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS)
                        .setRuleId(FraudRules.ARTICLE_RULE_ID)
                        .setWindowStart(START)
                        .setWindowEnd(START.plusSeconds(60))
                        .setTransactionCount(3)
                        .build());
    }

    @Test
    void sessionsOpenAtTheStopAreClosedWithOneCorrectRowByTheUpgradedJob() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("page-views");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("page-views-dlq");
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(in, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(dlq, 1, (short) 1, keep);
        EmbeddedPostgres pg = POSTGRES.postgres();
        String table = "user_sessions_upgrade";
        TypedKafkaSource<PageView> source = SessionsJob.kafkaSourceBuilder(KAFKA.bootstrapServers(), in)
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .build();
        JobSource<PageView> views = env -> source.attach(env).records();
        JobSink<SessionChange> sessions = SessionsJob.postgresSessions(pg.jdbcUrl(), pg.user(), pg.password(), table);

        produceViews(
                in,
                List.of(
                        new PageView("alice", "/a", START),
                        new PageView("alice", "/b", START.plus(Duration.ofMinutes(10))),
                        new PageView("bob", "/x", START.plus(Duration.ofMinutes(5)))),
                false);
        String savepoint =
                runUntilStateHoldsTheInput(in, "sessions-v1", env -> new SessionsJob(views, sessions).attach(env));
        assertThat(sessionRows(pg, table))
                .as("rows before the stop: every session is still open")
                .isEmpty();

        produceViews(
                in,
                List.of(
                        new PageView("alice", "/c", START.plus(Duration.ofMinutes(25))),
                        new PageView("bob", "/y", START.plus(Duration.ofMinutes(35)))),
                true);
        // v2 checks each page view on its way to the sessionizer: a new operator between source and state.
        JobSource<PageView> checkedViews = env -> views.attach(env)
                .filter(v -> !v.pageUrl().isEmpty())
                .uid(ADDED_UID)
                .name(ADDED_UID);
        JobClient upgraded =
                start("sessions-v2", savepoint, env -> new SessionsJob(checkedViews, sessions).attach(env));
        List<String> expected = List.of(
                "alice|2026-02-06 12:00:00|2026-02-06 12:55:00|3|/a|/c",
                "bob|2026-02-06 12:05:00|2026-02-06 13:05:00|2|/x|/y");
        awaitWhileRunning(
                upgraded, "the sessions' rows", () -> sessionRows(pg, table).equals(expected));
        stop(upgraded);
        assertThat(sessionRows(pg, table)).isEqualTo(expected);
    }

    /**
     * Starts the job, waits until a checkpoint covers all input produced so far (so its state holds
     * it), stops it with a savepoint without draining, and returns the savepoint's path.
     */
    private String runUntilStateHoldsTheInput(String topic, String name, Consumer<StreamExecutionEnvironment> job)
            throws Exception {
        JobClient client = start(name, null, job);
        CommittedOffsets.awaitAtEnd(KAFKA.cluster(), topic, topic, TIMEOUT);
        return stop(client);
    }

    private JobClient start(String name, String savepoint, Consumer<StreamExecutionEnvironment> job) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                stateDir.resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        job.accept(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        if (savepoint != null) {
            // false: state the new graph cannot map fails the restore rather than being dropped.
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return env.executeAsync(graph);
    }

    /** Waits until {@code count} records of {@code topic} are committed, failing at once if the job ends. */
    private static void awaitCommitted(JobClient job, String topic, int count) throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = KAFKA.cluster().createConsumer(Map.of())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int[] seen = {0};
            awaitWhileRunning(job, count + " committed records in " + topic, () -> {
                seen[0] += consumer.poll(Duration.ofMillis(200)).count();
                return seen[0] >= count;
            });
        }
    }

    /**
     * Waits until {@code done}; a job that ends first (a restore that cannot map the savepoint's
     * state fails the job) fails the test at once with the job's failure.
     */
    private static void awaitWhileRunning(JobClient job, String what, Callable<Boolean> done) throws Exception {
        Await.until(TIMEOUT, what, () -> {
            if (done.call()) {
                return true;
            }
            JobStatus status = job.getJobStatus().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                try {
                    job.getJobExecutionResult().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("The job ended " + status + " before " + what, e.getCause());
                }
                throw new AssertionError("The job ended " + status + " before " + what);
            }
            return false;
        });
    }

    private String stop(JobClient client) throws Exception {
        return client.stopWithSavepoint(
                        false, stateDir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void createTopics(String in, String out, String dlq) {
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(in, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(out, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(dlq, 1, (short) 1, keep);
    }

    /** Produces the orders; with {@code flush}, then one far ahead in each partition so every window of the data closes. */
    private static void produceOrders(String topic, List<Order> orders, boolean flush) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName(),
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (Order o : orders) {
                producer.send(new ProducerRecord<>(topic, o.getOrderId(), o));
            }
            for (int partition = 0; flush && partition < 2; partition++) {
                Order o = Order.newBuilder()
                        .setOrderId("flush-" + partition)
                        .setUserId("flush")
                        .setProductId("prod-1")
                        .setQuantity(1)
                        .setPrice(1.0)
                        .setTimestamp(START.plus(Duration.ofMinutes(10)).toEpochMilli())
                        .build();
                producer.send(new ProducerRecord<>(topic, partition, o.getOrderId(), o));
            }
            producer.flush();
        }
    }

    private static void produceTransactions(String topic, List<Transaction> txs, boolean flush) {
        SerializationSchema<Transaction> serializer = FraudSerdes.transactionSerializer();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Transaction tx : txs) {
            records.add(new ProducerRecord<>(topic, utf8(tx.getUserId()), serializer.serialize(tx)));
        }
        for (int partition = 0; flush && partition < 2; partition++) {
            Transaction tx = TransactionGenerator.transaction(
                    "flush-" + partition, "flush-" + partition, 1.0, START.plus(Duration.ofMinutes(3)));
            records.add(new ProducerRecord<>(topic, partition, utf8(tx.getUserId()), serializer.serialize(tx)));
        }
        KAFKA.cluster().produce(records);
    }

    private static void produceViews(String topic, List<PageView> views, boolean flush) {
        PageViewJsonSerializationSchema serializer = new PageViewJsonSerializationSchema();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (PageView v : views) {
            records.add(new ProducerRecord<>(topic, utf8(v.userId()), serializer.serialize(v)));
        }
        for (int partition = 0; flush && partition < 2; partition++) {
            PageView v = new PageView("flush-" + partition, "/", START.plus(Duration.ofHours(5)));
            records.add(new ProducerRecord<>(topic, partition, utf8(v.userId()), serializer.serialize(v)));
        }
        KAFKA.cluster().produce(records);
    }

    /** "(window start)/(product)" -> "N orders, revenue R", failing on a key written twice. */
    private static Map<String, String> orderStats(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> result = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode v = json.readTree(r.value());
            Instant start = LocalDateTime.parse(v.get("window_start").asText().replace(' ', 'T'))
                    .toInstant(ZoneOffset.UTC);
            String key = OrderStatsJob.key(start, v.get("product_id").asText());
            assertThat(result.put(
                            key,
                            describe(
                                    v.get("order_count").asLong(),
                                    v.get("total_revenue").asDouble())))
                    .as("a second result for %s", key)
                    .isNull();
        }
        return result;
    }

    private static List<String> sessionRows(EmbeddedPostgres pg, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet exists = s.executeQuery("SELECT to_regclass('" + table + "')")) {
            if (!exists.next() || exists.getString(1) == null) {
                return rows;
            }
        }
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT user_id, session_start, session_end, page_count, first_page,"
                        + " last_page FROM " + table + " ORDER BY user_id, session_start")) {
            while (r.next()) {
                rows.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getLong(4) + "|"
                        + r.getString(5) + "|" + r.getString(6));
            }
        }
        return rows;
    }

    private static String describe(long count, double revenue) {
        return String.format(Locale.ROOT, "%d orders, revenue %.2f", count, revenue);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
