package dev.streamingblocks.examples.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.avro.AvroRegistryDeserializationSchema;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.LocalStack;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.dashboard.Dashboard;
import dev.streamingblocks.examples.internal.JobProgress;
import dev.streamingblocks.examples.orders.OrderGenerator;
import dev.streamingblocks.examples.orders.OrderStats;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.KafkaSourceStreams;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The README's first command: the article's order-statistics pipeline, end to end, on an embedded
 * stack that starts in this JVM (a real Kafka broker in KRaft mode, the Confluent-compatible schema
 * registry and a Flink MiniCluster with its web UI), with no Docker and nothing to install.
 *
 * <p>How to run: {@code mvn -q -pl streaming-examples -am -DskipTests package exec:exec}. It
 * <ol>
 *   <li>starts the stack and prints its addresses;</li>
 *   <li>produces deterministic Avro orders (Confluent wire format, schema registered on first use)
 *       to {@code orders}, plus two poison pills that are not Avro at all;</li>
 *   <li>runs the order-stats job: typed Kafka source (poison pills to {@code orders-dlq}), one-minute
 *       tumbling windows per product, exactly-once upsert sink to {@code order-stats};</li>
 *   <li>prints each result as its checkpoint commits, with a progress line, and finally checks every
 *       result against what the generated orders must give.</li>
 * </ol>
 * Expected output ends with {@code OK: 30 of 30 results match the generated orders exactly; 2 poison
 * pills in orders-dlq.} (five products over six minutes of event time).
 */
public final class Quickstart {

    static final int DEFAULT_ORDERS = 3000;
    static final long DEFAULT_SEED = 42L;
    static final Instant EVENT_TIME_START = Instant.parse("2026-02-06T12:00:00Z");
    static final Duration ORDER_SPACING = Duration.ofMillis(100);
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    static final List<byte[]> POISON_PILLS =
            List.of("this is not avro".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 99, 1, 2, 3});

    private Quickstart() {}

    public static void main(String[] args) throws Exception {
        int orders = DEFAULT_ORDERS;
        long seed = DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--orders" -> orders = Integer.parseInt(value(args, ++i, "--orders"));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                case "--help", "-h" -> {
                    System.out.println("""
                            Runs the order-stats pipeline on an embedded Kafka broker, schema registry and Flink MiniCluster.

                            Options:
                              --orders N   how many orders to generate (default %d)
                              --seed S     generator seed; the same seed gives the same orders (default %d)
                              --help       this text""".formatted(DEFAULT_ORDERS, DEFAULT_SEED));
                    return;
                }
                default -> throw new IllegalArgumentException("Unknown option '" + args[i] + "'; try --help");
            }
        }
        if (orders < 1) {
            throw new IllegalArgumentException("--orders must be at least 1, was " + orders);
        }
        System.exit(run(orders, seed) ? 0 : 1);
    }

    static boolean run(int orderCount, long seed) throws Exception {
        long t0 = System.nanoTime();
        say("Starting the embedded stack ...");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build();
                EmbeddedSchemaRegistry registry =
                        EmbeddedSchemaRegistry.builder().build()) {
            kafka.start();
            registry.start();
            int webUiPort = freePort();
            say("  Kafka bootstrap servers  " + kafka.bootstrapServers());
            say("  Schema registry          " + registry.url());
            say("  Flink web UI             http://localhost:" + webUiPort + "  (while the job runs)");
            // Closed before Kafka, so its reader does not outlive the broker.
            try (Dashboard dashboard = Dashboard.builder()
                    .setBootstrapServers(kafka.bootstrapServers())
                    .setFlinkRestUrl("http://localhost:" + webUiPort)
                    .build()
                    .start()) {
                say("  Dashboard                " + dashboard.url() + "  (while the job runs)");
                return runJob(kafka, registry, webUiPort, orderCount, seed, t0);
            }
        }
    }

    private static boolean runJob(
            EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry,
            int webUiPort,
            int orderCount,
            long seed,
            long t0)
            throws Exception {
        Map<String, String> noRetention = Map.of("retention.ms", "-1");
        kafka.createTopic(OrderStatsJob.ORDERS_TOPIC, 3, (short) 1, noRetention);
        kafka.createTopic(OrderStatsJob.ORDER_STATS_TOPIC, 3, (short) 1, noRetention);
        kafka.createTopic(OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC, 1, (short) 1, noRetention);

        List<Order> generated = new OrderGenerator(seed, EVENT_TIME_START, ORDER_SPACING).next(orderCount);
        produce(kafka, registry.url(), generated);
        say(String.format(
                Locale.ROOT,
                "Produced %d Avro orders (seed %d) and %d poison pills to '%s'",
                orderCount,
                seed,
                POISON_PILLS.size(),
                OrderStatsJob.ORDERS_TOPIC));

        JobClient job =
                buildJob(kafka.bootstrapServers(), registry.url(), webUiPort).executeAsync("order-stats (quickstart)");
        say("Submitted job " + job.getJobID() + "; results appear as each checkpoint commits:");

        Map<String, OrderStats> expected = OrderStatsJob.expectedStats(generated);
        JobProgress progress =
                new JobProgress("http://localhost:" + webUiPort, job.getJobID().toString());
        Outcome outcome = follow(kafka, job, expected.size(), t0, progress);
        return verify(expected, outcome);
    }

    private static StreamExecutionEnvironment buildJob(String bootstrap, String registryUrl, int webUiPort) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestOptions.PORT, webUiPort);
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, LocalStack.METRICS_REFRESH);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(2);
        env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis());

        KafkaSourceStreams<Order> orders = TypedKafkaSource.<Order>builder()
                .setName("orders-source")
                .setBootstrapServers(bootstrap)
                .setTopics(OrderStatsJob.ORDERS_TOPIC)
                .setGroupId("order-stats-quickstart")
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .setValueDeserializer(AvroRegistryDeserializationSchema.forSpecific(
                        Order.class, Map.of("schema.registry.url", registryUrl)))
                .setWatermarkStrategy(OrderStatsJob.watermarks())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC)
                .build()
                .attach(env);

        TypedKafkaSink.<OrderStats>builder()
                .setBootstrapServers(bootstrap)
                .setTopic(OrderStatsJob.ORDER_STATS_TOPIC)
                .setUpsertJsonLayout(OrderStatsJob.UPSERT_LAYOUT)
                .setTransactionalIdPrefix(
                        TypedKafkaSink.suggestTransactionalIdPrefix("order-stats-quickstart", "order-stats"))
                .build()
                .sinkTo(OrderStatsJob.orderStats(orders.records()));
        return env;
    }

    private static void produce(EmbeddedKafkaCluster kafka, String registryUrl, List<Order> orders) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG,
                "order-producer",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                KafkaAvroSerializer.class.getName(),
                "schema.registry.url",
                registryUrl);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (Order order : orders) {
                producer.send(new ProducerRecord<>(OrderStatsJob.ORDERS_TOPIC, order.getOrderId(), order));
            }
            producer.flush();
        }
        try (KafkaProducer<byte[], byte[]> raw = kafka.createProducer(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (byte[] pill : POISON_PILLS) {
                raw.send(new ProducerRecord<>(
                        OrderStatsJob.ORDERS_TOPIC, "poison".getBytes(StandardCharsets.UTF_8), pill));
            }
            raw.flush();
        }
    }

    /** What the run produced: the latest value per upsert key, and the dead letters. */
    record Outcome(Map<String, JsonNode> results, int deadLetters, JobStatus finalStatus) {}

    private static Outcome follow(
            EmbeddedKafkaCluster kafka, JobClient job, int expectedResults, long t0, JobProgress progress)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> latest = new TreeMap<>();
        int deadLetters = 0;
        long updates = 0;
        long nextProgress = 0;
        Instant deadline = Instant.now().plus(RUN_TIMEOUT);
        JobStatus status = JobStatus.INITIALIZING;
        // The local executor shuts its MiniCluster down with the job, so the result future, not
        // getJobStatus(), tells when the job has ended.
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        try (KafkaConsumer<byte[], byte[]> consumer =
                kafka.createConsumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(OrderStatsJob.ORDER_STATS_TOPIC, OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC)) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    if (r.topic().equals(OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC)) {
                        deadLetters++;
                        say("  dead letter: " + header(r, "dlq.error.class") + " at "
                                + header(r, "dlq.source.topic") + "/" + header(r, "dlq.source.partition")
                                + "@" + header(r, "dlq.source.offset"));
                        continue;
                    }
                    JsonNode value = json.readTree(r.value());
                    latest.put(new String(r.key(), StandardCharsets.UTF_8), value);
                    updates++;
                    say(String.format(
                            Locale.ROOT,
                            "  %s  %-7s %5d orders  revenue %,12.2f",
                            value.get("window_start").asText(),
                            value.get("product_id").asText(),
                            value.get("order_count").asLong(),
                            value.get("total_revenue").asDouble()));
                }
                long elapsed = (System.nanoTime() - t0) / 1_000_000;
                status = statusOf(job, result);
                if (elapsed >= nextProgress) {
                    String live = progress.line();
                    say(String.format(
                            Locale.ROOT,
                            "[%5.1fs] job %-9s | results %d/%d (%d updates) | dead letters %d%s",
                            elapsed / 1000.0,
                            status,
                            latest.size(),
                            expectedResults,
                            updates,
                            deadLetters,
                            live.isEmpty() ? "" : " | " + live));
                    nextProgress = elapsed + 2000;
                }
                if (status == JobStatus.FINISHED
                        && latest.size() >= expectedResults
                        && deadLetters >= POISON_PILLS.size()) {
                    break;
                }
                if (status == JobStatus.FAILED) {
                    break;
                }
            }
        }
        if (status == JobStatus.FAILED) {
            try {
                result.get();
            } catch (ExecutionException e) {
                say("The job failed: " + rootCause(e));
            }
        }
        return new Outcome(latest, deadLetters, status);
    }

    private static JobStatus statusOf(JobClient job, CompletableFuture<JobExecutionResult> result) {
        if (result.isDone()) {
            return result.isCompletedExceptionally() ? JobStatus.FAILED : JobStatus.FINISHED;
        }
        try {
            return job.getJobStatus().get();
        } catch (Exception e) {
            // The cluster went away between the two calls: the result future completes right after.
            return JobStatus.RUNNING;
        }
    }

    private static boolean verify(Map<String, OrderStats> expected, Outcome outcome) {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> byKey = new TreeMap<>();
        for (JsonNode v : outcome.results().values()) {
            Instant start = LocalDateTime.parse(v.get("window_start").asText().replace(' ', 'T'))
                    .toInstant(ZoneOffset.UTC);
            byKey.put(OrderStatsJob.key(start, v.get("product_id").asText()), v);
        }
        int matching = 0;
        for (Map.Entry<String, OrderStats> e : expected.entrySet()) {
            JsonNode got = byKey.get(e.getKey());
            OrderStats want = e.getValue();
            if (got == null) {
                problems.add("missing result for " + e.getKey());
            } else if (got.get("order_count").asLong() != want.orderCount()
                    || Math.abs(got.get("total_revenue").asDouble() - want.totalRevenue()) > 1e-6) {
                problems.add(String.format(
                        Locale.ROOT,
                        "%s: got %d orders / %.2f, expected %d / %.2f",
                        e.getKey(),
                        got.get("order_count").asLong(),
                        got.get("total_revenue").asDouble(),
                        want.orderCount(),
                        want.totalRevenue()));
            } else {
                matching++;
            }
        }
        if (byKey.size() > expected.size()) {
            problems.add((byKey.size() - expected.size()) + " unexpected results");
        }
        if (outcome.deadLetters() != POISON_PILLS.size()) {
            problems.add("expected " + POISON_PILLS.size() + " dead letters, saw " + outcome.deadLetters());
        }
        say("");
        say("Job finished as " + outcome.finalStatus() + ".");
        if (problems.isEmpty()) {
            say("OK: " + matching + " of " + expected.size() + " results match the generated orders exactly; "
                    + outcome.deadLetters() + " poison pills in " + OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC + ".");
            return true;
        }
        say("FAILED: " + matching + " of " + expected.size() + " results match.");
        problems.forEach(p -> say("  " + p));
        return false;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value; try --help");
        }
        return args[i];
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
