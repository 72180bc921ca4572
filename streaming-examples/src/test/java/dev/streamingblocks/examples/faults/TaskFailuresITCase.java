package dev.streamingblocks.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.fraud.TransactionGenerator;
import dev.streamingblocks.examples.io.JobSource;
import dev.streamingblocks.examples.orders.OrderGenerator;
import dev.streamingblocks.examples.orders.OrderStats;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Task failures (issue #9, fault-injection suite): the order-stats and fraud example pipelines,
 * exactly once, on a MiniCluster with 2 TaskManagers at parallelism 2, checkpointing every
 * {@value #CHECKPOINT_INTERVAL_MS} ms, are made to fail {@value #FAILURES} times while they work
 * through 1,000,000 orders and 200,000 transactions. A {@code read_committed} consumer must then see
 * exactly the output of an undisturbed run: every (minute, product) statistic once with exactly the
 * count and revenue {@link OrderStatsJob#expectedStats} computes from the input, every alert the
 * input calls for once and no other, and every dead letter once. So no failure loses or doubles a
 * record in the source offsets, the window and detector state, or the sink's Kafka transactions.
 *
 * <p>The failures ({@link InjectedFailures}) alternate between the two subtasks, come after
 * differing numbers of records (so in the middle of different windows), and some come on the first
 * record after a checkpoint completes, when the sink has just committed. Each is a whole-job
 * restart, which the test checks in the execution attempts of every task.
 */
class TaskFailuresITCase {

    private static final int FAILURES = 10;
    private static final long CHECKPOINT_INTERVAL_MS = 300;
    private static final int ORDERS = 1_000_000;
    private static final int TRANSACTIONS = 200_000;
    private static final int POISON_PILLS = 10;
    private static final int CHUNK = 10_000;
    private static final Instant START = Instant.parse("2026-02-06T12:00:00Z");
    private static final String FAILURES_UID = "injected-failures";

    /** Failure k comes after ORDER_FAILURE_POINTS[k] records of subtask k % 2's current attempt. */
    private static final int[] ORDER_FAILURE_POINTS = {
        15_000, 6_000, 27_000, 4_000, 20_000, 10_000, 32_000, 7_500, 12_000, 22_000
    };
    /**
     * All ten fit in a quarter of a subtask's 100,000 transactions even without progress between them;
     * with larger points a loaded machine once ran out of input before the tenth.
     */
    private static final int[] TRANSACTION_FAILURE_POINTS = {
        2_400, 1_000, 4_400, 600, 3_200, 1_600, 5_200, 1_200, 2_000, 3_600
    };
    /** Which failures wait for the first record after the next completed checkpoint. */
    private static final boolean[] AFTER_CHECKPOINT = {false, true, false, false, true, false, true, false, false, true
    };

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2)
            .setNumberSlotsPerTaskManager(1)
            .build());

    @Test
    void orderStatsThroughTenTaskFailuresWritesEveryStatisticOnceAndExactly(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        long began = System.nanoTime();
        String in = EmbeddedKafkaCluster.uniqueTopicName("orders");
        String out = EmbeddedKafkaCluster.uniqueTopicName("order-stats");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("orders-dlq");
        createTopics(in, out, dlq);

        List<String> poison = new ArrayList<>();
        Map<String, OrderStats> expected = produceOrders(in, () -> poison.addAll(producePoisonPills(in)));
        log("order-stats: produced %,d orders and %d poison pills in %s", ORDERS, POISON_PILLS, since(began));

        TypedKafkaSource<Order> source = OrderStatsJob.kafkaSourceBuilder(
                        KAFKA.bootstrapServers(),
                        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()),
                        in)
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setDeadLetterDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        long jobBegan = System.nanoTime();
        JobID job;
        try (InjectedFailures.Plan plan = InjectedFailures.plan(ORDER_FAILURE_POINTS, AFTER_CHECKPOINT)) {
            StreamExecutionEnvironment env = environment();
            new OrderStatsJob(
                            failing(e -> source.attach(e).records(), plan),
                            OrderStatsJob.kafkaOrderStats(KAFKA.bootstrapServers(), out, in))
                    .attach(env);
            JobExecutionResult result = env.execute("order-stats-under-failures");
            job = result.getJobID();
            assertThat(plan.failures()).as("injected failures").isEqualTo(FAILURES);
        }
        int restarts = restarts(cluster, job);
        log("order-stats: job ran %s with %d restarts", since(jobBegan), restarts);
        assertThat(restarts).as("restarts of every task").isGreaterThanOrEqualTo(FAILURES);

        Map<String, String> want = expected.entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey,
                        e -> describe(e.getValue().orderCount(), e.getValue().totalRevenue()),
                        (a, b) -> a,
                        TreeMap::new));
        List<ConsumerRecord<byte[], byte[]>> written =
                KAFKA.cluster().consume(out, want.size(), Duration.ofSeconds(60));
        assertThat(upsertsOncePerKey(written)).isEqualTo(want);
        assertThat(values(KAFKA.cluster().consume(dlq, POISON_PILLS, Duration.ofSeconds(30))))
                .containsExactlyInAnyOrderElementsOf(poison);
        log(
                "order-stats: %d statistics exact, %d dead letters exact; whole test %s",
                want.size(), poison.size(), since(began));
    }

    @Test
    void fraudThroughTenTaskFailuresRaisesEveryAlertOnceAndNoOther(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        long began = System.nanoTime();
        String in = EmbeddedKafkaCluster.uniqueTopicName("transactions");
        String out = EmbeddedKafkaCluster.uniqueTopicName("fraud-alerts");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("transactions-dlq");
        createTopics(in, out, dlq);

        List<String> poison = new ArrayList<>();
        List<Alert> expected = produceTransactions(in, () -> poison.addAll(producePoisonPills(in)));
        log(
                "fraud: produced %,d transactions and %d poison pills in %s; %d alerts expected",
                TRANSACTIONS, POISON_PILLS, since(began), expected.size());

        TypedKafkaSource<Transaction> source = FraudJob.kafkaSourceBuilder(KAFKA.bootstrapServers(), in)
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setDeadLetterDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        long jobBegan = System.nanoTime();
        JobID job;
        try (InjectedFailures.Plan plan = InjectedFailures.plan(TRANSACTION_FAILURE_POINTS, AFTER_CHECKPOINT)) {
            StreamExecutionEnvironment env = environment();
            new FraudJob(
                            failing(e -> source.attach(e).records(), plan),
                            FraudJob.kafkaAlerts(KAFKA.bootstrapServers(), out, in))
                    .attach(env);
            job = env.execute("fraud-under-failures").getJobID();
            assertThat(plan.failures()).as("injected failures").isEqualTo(FAILURES);
        }
        int restarts = restarts(cluster, job);
        log("fraud: job ran %s with %d restarts", since(jobBegan), restarts);
        assertThat(restarts).as("restarts of every task").isGreaterThanOrEqualTo(FAILURES);

        DeserializationSchema<Alert> alerts = FraudSerdes.alertDeserializer();
        List<Alert> written = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.cluster().consume(out, expected.size(), Duration.ofSeconds(60))) {
            Alert alert = alerts.deserialize(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(alert.getUserId());
            written.add(alert);
        }
        assertThat(written).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(values(KAFKA.cluster().consume(dlq, POISON_PILLS, Duration.ofSeconds(30))))
                .containsExactlyInAnyOrderElementsOf(poison);
        log(
                "fraud: %d alerts exact, %d dead letters exact; whole test %s",
                written.size(), poison.size(), since(began));
    }

    /** The job's source with the failing pass-through right behind it, in the source's task. */
    private static <T> JobSource<T> failing(JobSource<T> source, InjectedFailures.Plan plan) {
        return env -> {
            var records = source.attach(env);
            return records.map(plan.<T>function())
                    .returns(records.getType())
                    .uid(FAILURES_UID)
                    .name(FAILURES_UID);
        };
    }

    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2 * FAILURES);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(CHECKPOINT_INTERVAL_MS);
        return env;
    }

    /**
     * Restarts the job went through: the lowest execution attempt number over all its tasks. The
     * keyBy joins all tasks in one failover region, so each failure restarts every task.
     */
    private static int restarts(MiniCluster cluster, JobID job) throws Exception {
        int lowest = Integer.MAX_VALUE;
        for (AccessExecutionJobVertex vertex :
                cluster.getArchivedExecutionGraph(job).get().getAllVertices().values()) {
            for (AccessExecutionVertex task : vertex.getTaskVertices()) {
                lowest = Math.min(lowest, task.getCurrentExecutionAttempt().getAttemptNumber());
            }
        }
        return lowest;
    }

    private static void createTopics(String in, String out, String dlq) {
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(in, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(out, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(dlq, 1, (short) 1, keep);
    }

    private static Map<String, Object> fastProducer() {
        return Map.of(
                ProducerConfig.BATCH_SIZE_CONFIG,
                512 * 1024,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.ACKS_CONFIG,
                "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                false);
    }

    /**
     * Produces the orders alternately to the two partitions (each source subtask gets half) and
     * returns what the job must write for them: {@link OrderStatsJob#expectedStats} chunk by chunk.
     * Runs {@code halfway} when half of them are written.
     */
    private static Map<String, OrderStats> produceOrders(String topic, Runnable halfway) throws Exception {
        Map<String, Object> config = new HashMap<>(fastProducer());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName());
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        Map<String, OrderStats> expected = new TreeMap<>();
        AtomicReference<Exception> failed = new AtomicReference<>();
        // 10 ms apart: about 167 minutes of event time, so 840 (minute, product) statistics.
        OrderGenerator generator = new OrderGenerator(11, START, Duration.ofMillis(10));
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (int sent = 0; sent < ORDERS; sent += CHUNK) {
                if (sent == ORDERS / 2) {
                    producer.flush();
                    halfway.run();
                }
                List<Order> chunk = generator.next(CHUNK);
                for (int i = 0; i < chunk.size(); i++) {
                    Order o = chunk.get(i);
                    producer.send(new ProducerRecord<>(topic, (sent + i) % 2, o.getOrderId(), o), (m, e) -> {
                        if (e != null) {
                            failed.compareAndSet(null, e);
                        }
                    });
                }
                OrderStatsJob.expectedStats(chunk)
                        .forEach((key, stats) -> expected.merge(
                                key,
                                stats,
                                (a, b) -> new OrderStats(
                                        a.windowStart(),
                                        a.windowEnd(),
                                        a.productId(),
                                        a.orderCount() + b.orderCount(),
                                        a.totalRevenue() + b.totalRevenue())));
            }
            producer.flush();
        }
        assertThat(failed.get()).as("producing the orders").isNull();
        return expected;
    }

    /**
     * Produces the transactions (bursts of three large ones by one user now and then) alternately
     * to the two partitions and returns the alerts the article's rule must raise for them: one per
     * user and minute with at least three transactions over the limit. Runs {@code halfway} when
     * half of them are written.
     */
    private static List<Alert> produceTransactions(String topic, Runnable halfway) {
        SerializationSchema<Transaction> serializer = FraudSerdes.transactionSerializer();
        TransactionGenerator generator = new TransactionGenerator(13, START, Duration.ofMillis(50), 500);
        Map<String, Integer> largePerUserAndMinute = new TreeMap<>();
        long window = FraudRules.WINDOW.toMillis();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.cluster().createProducer(fastProducer())) {
            for (int i = 0; i < TRANSACTIONS; i++) {
                if (i == TRANSACTIONS / 2) {
                    producer.flush();
                    halfway.run();
                }
                Transaction tx = generator.next();
                producer.send(new ProducerRecord<>(topic, i % 2, utf8(tx.getUserId()), serializer.serialize(tx)));
                if (tx.getAmount() > FraudRules.LARGE_AMOUNT) {
                    long t = tx.getTimestamp().toEpochMilli();
                    largePerUserAndMinute.merge(tx.getUserId() + "|" + (t - Math.floorMod(t, window)), 1, Integer::sum);
                }
            }
            producer.flush();
        }
        List<Alert> expected = new ArrayList<>();
        largePerUserAndMinute.forEach((userAndMinute, count) -> {
            // The generator's bursts are exactly the rule's count, so the alert's count is known.
            assertThat(count)
                    .as("large transactions of %s", userAndMinute)
                    .isEqualTo(FraudRules.MIN_LARGE_TRANSACTIONS);
            String[] parts = userAndMinute.split("\\|");
            Instant windowStart = Instant.ofEpochMilli(Long.parseLong(parts[1]));
            expected.add(Alert.newBuilder()
                    .setUserId(parts[0])
                    .setAlertType(FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS)
                    .setRuleId(FraudRules.ARTICLE_RULE_ID)
                    .setWindowStart(windowStart)
                    .setWindowEnd(windowStart.plus(FraudRules.WINDOW))
                    .setTransactionCount(count)
                    .build());
        });
        assertThat(expected).hasSizeGreaterThan(300);
        return expected;
    }

    /** Records that are neither Avro orders nor transactions, half of them in each partition. */
    private static List<String> producePoisonPills(String topic) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < POISON_PILLS; i++) {
            String value = "poison pill " + i;
            values.add(value);
            records.add(new ProducerRecord<>(topic, i % 2, utf8("poison"), utf8(value)));
        }
        KAFKA.cluster().produce(records);
        return values;
    }

    /**
     * "(window start)/(product)" -> "N orders, revenue R" (R to the cent) from the upserts, failing
     * on a key written twice: each (minute, product) window fires once, so a second record is a duplicate.
     */
    private static Map<String, String> upsertsOncePerKey(List<ConsumerRecord<byte[], byte[]>> records)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> result = new TreeMap<>();
        List<String> duplicates = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode key = json.readTree(r.key());
            JsonNode value = json.readTree(r.value());
            assertThat(value.get("window_start")).isEqualTo(key.get("window_start"));
            assertThat(value.get("product_id")).isEqualTo(key.get("product_id"));
            Instant start = LocalDateTime.parse(
                            value.get("window_start").asText().replace(' ', 'T'))
                    .toInstant(ZoneOffset.UTC);
            String k = OrderStatsJob.key(start, value.get("product_id").asText());
            if (result.put(
                            k,
                            describe(
                                    value.get("order_count").asLong(),
                                    value.get("total_revenue").asDouble()))
                    != null) {
                duplicates.add(k);
            }
        }
        assertThat(duplicates).as("statistics written more than once").isEmpty();
        return result;
    }

    private static String describe(long count, double revenue) {
        return String.format(Locale.ROOT, "%d orders, revenue %.2f", count, revenue);
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis() / 100 / 10.0 + " s";
    }

    private static void log(String format, Object... args) {
        System.out.println("[TaskFailuresITCase] " + String.format(Locale.ROOT, format, args));
    }
}
