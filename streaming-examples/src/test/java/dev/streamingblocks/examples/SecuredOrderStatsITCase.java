package dev.streamingblocks.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.clients.OrderConsumer;
import dev.streamingblocks.examples.orders.OrderGenerator;
import dev.streamingblocks.examples.orders.OrderStats;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Main order-stats} as a user runs it against a secured stack: Kafka with SASL/PLAIN and ACLs,
 * as a user granted only what the job needs, and the schema registry with basic auth over TLS, all
 * passed as {@code --kafka-property} and {@code --schema-registry-property}. The results in
 * {@code order-stats} are exact for a {@code read_committed} reader, and no password appears in any
 * log line of this JVM (broker, registry, clients) or in the job's whole output at INFO.
 */
class SecuredOrderStatsITCase {

    /** Every log line of this JVM from class loading on (the broker starts before any test). */
    private static final List<String> LOG_LINES = java.util.Collections.synchronizedList(new ArrayList<>());

    static {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        AbstractAppender appender = new AbstractAppender("secret-watch", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getLoggerName())
                        .append(' ')
                        .append(event.getMessage().getFormattedMessage());
                if (event.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(trace));
                    line.append('\n').append(trace);
                }
                LOG_LINES.add(line.toString());
            }
        };
        appender.start();
        org.apache.logging.log4j.core.config.LoggerConfig root =
                context.getConfiguration().getRootLogger();
        // The console keeps showing warnings only; the watch sees everything from INFO up.
        for (org.apache.logging.log4j.core.Appender console :
                List.copyOf(root.getAppenders().values())) {
            root.removeAppender(console.getName());
            root.addAppender(console, Level.WARN, null);
        }
        root.addAppender(appender, Level.ALL, null);
        root.setLevel(Level.INFO);
        context.getConfiguration().getLoggers().values().forEach(logger -> {
            if (logger.getLevel() != null && logger.getLevel().isMoreSpecificThan(Level.WARN)) {
                logger.setLevel(Level.INFO);
            }
        });
        context.updateLoggers();
    }

    @RegisterExtension
    static final KafkaClusterExtension KAFKA =
            new KafkaClusterExtension(EmbeddedKafkaCluster.builder().setSaslPlainWithAcls());

    private static final String SASL_PASSWORD = JaasUtils.KAFKA_PLAIN_USER1_PASSWORD;
    private static final String REGISTRY_USER = "flink";
    private static final String REGISTRY_PASSWORD = "Reg1stry-Pa55-q7Zk";
    private static final String TRUST_STORE_PASSWORD = "Trust-Pa55-x9Vw";
    private static final String KEY_STORE_PASSWORD = "Key-Pa55-m4Rt";

    private static final Instant START = Instant.parse("2026-02-06T12:00:00Z");
    private static final String JOB = "order-stats";

    @TempDir
    static Path dir;

    private static EmbeddedSchemaRegistry registry;
    private static Path trustStore;

    @BeforeAll
    static void startTheRegistryWithBasicAuthOverTls() throws Exception {
        Path keyStore = dir.resolve("registry.p12");
        Path certificate = dir.resolve("registry.cer");
        trustStore = dir.resolve("trust.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "registry",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore",
                keyStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                KEY_STORE_PASSWORD,
                "-keypass",
                KEY_STORE_PASSWORD);
        keytool(
                "-exportcert",
                "-alias",
                "registry",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                KEY_STORE_PASSWORD,
                "-file",
                certificate.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "registry",
                "-file",
                certificate.toString(),
                "-keystore",
                trustStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                TRUST_STORE_PASSWORD);
        registry = EmbeddedSchemaRegistry.builder()
                .setBasicAuth(REGISTRY_USER, REGISTRY_PASSWORD)
                .setHttps(keyStore, KEY_STORE_PASSWORD)
                .build();
        registry.start();
    }

    @AfterAll
    static void stopTheRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void orderStatsRunsAsARestrictedUserWithARegistryBehindBasicAuthAndTlsAndLeaksNoSecret() throws Exception {
        assertThat(registry.url()).startsWith("https://127.0.0.1:");
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(OrderStatsJob.ORDERS_TOPIC, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(OrderStatsJob.ORDER_STATS_TOPIC, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC, 1, (short) 1, keep);
        KAFKA.cluster().createTopic(OrderStatsJob.ORDER_STATS_DEAD_LETTER_TOPIC, 1, (short) 1, keep);
        grantWhatTheJobNeeds();

        Map<String, String> sasl = KAFKA.cluster().restrictedUserProperties();
        Map<String, String> registryProperties = Map.of(
                "basic.auth.credentials.source",
                "USER_INFO",
                "basic.auth.user.info",
                REGISTRY_USER + ":" + REGISTRY_PASSWORD,
                "schema.registry.ssl.truststore.location",
                trustStore.toString(),
                "schema.registry.ssl.truststore.password",
                TRUST_STORE_PASSWORD,
                "schema.registry.ssl.truststore.type",
                "PKCS12");

        List<Order> orders = new OrderGenerator(7, START, Duration.ofMillis(100)).next(1200);
        produce(orders, sasl, registryProperties);
        // The example's own consumer, configured the same way, reads them back through the registry.
        List<Order> readBack = new OrderConsumer(
                        KAFKA.bootstrapServers(),
                        registry.url(),
                        OrderStatsJob.ORDERS_TOPIC,
                        "secured-reader",
                        sasl,
                        registryProperties)
                .consume(
                        orders.size() + 2,
                        Duration.ofSeconds(20),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(readBack).hasSize(orders.size() + 2);

        List<String> command = new ArrayList<>(List.of(
                JOB,
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--schema-registry-url",
                registry.url(),
                "--work-dir",
                dir.resolve("work").toString(),
                "--checkpoint-interval",
                "1s",
                "--web-ui-port",
                Integer.toString(LocalStack.freePort())));
        sasl.forEach((key, value) -> command.addAll(List.of("--kafka-property", key + "=" + value)));
        registryProperties.forEach(
                (key, value) -> command.addAll(List.of("--schema-registry-property", key + "=" + value)));
        String output;
        try (ChildJob job = ChildJob.start(
                "secured-order-stats", Map.of(), "log4j2-secured-child.xml", false, command.toArray(String[]::new))) {
            job.awaitLine(line -> line.startsWith("Starting order-stats without saved state"), Duration.ofSeconds(60));
            Map<String, String> expected = OrderStatsJob.expectedStats(orders).entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> describe(e.getValue()), (a, b) -> a, TreeMap::new));
            assertThat(awaitResults(expected, Duration.ofSeconds(90))).isEqualTo(expected);
            job.stop();
            output = job.output();
        }

        // The sink's broker check could not read transaction.max.timeout.ms (no DescribeConfigs): one warning.
        assertThat(output.lines()
                        .filter(line -> line.contains("Could not check the Kafka sink's" + " transaction.timeout.ms")))
                .hasSize(1)
                .allSatisfy(line -> assertThat(line)
                        .contains("ClusterAuthorizationException")
                        .contains("needs DescribeConfigs on the cluster resource"));
        // Kafka's own configuration dumps were in the output, with the JAAS line masked.
        assertThat(output).contains("sasl.jaas.config = [hidden]").contains("Stopped with a savepoint at ");
        List<String> secrets = List.of(SASL_PASSWORD, REGISTRY_PASSWORD, TRUST_STORE_PASSWORD, KEY_STORE_PASSWORD);
        List<String> outputLines = output.lines().toList();
        for (int s = 0; s < secrets.size(); s++) {
            String secret = secrets.get(s);
            // Line numbers only: a failure must not print the password it found.
            List<Integer> inOutput = java.util.stream.IntStream.range(0, outputLines.size())
                    .filter(i -> outputLines.get(i).contains(secret))
                    .boxed()
                    .toList();
            assertThat(inOutput)
                    .as("lines of the job's output holding password #%d", s)
                    .isEmpty();
            List<String> inLog;
            synchronized (LOG_LINES) {
                inLog = LOG_LINES.stream()
                        .filter(line -> line.contains(secret))
                        .map(line -> line.substring(0, line.indexOf(' ')))
                        .toList();
            }
            assertThat(inLog)
                    .as("loggers of this JVM that logged password #%d", s)
                    .isEmpty();
        }
        // This JVM's Kafka clients logged their configuration too, and were captured.
        synchronized (LOG_LINES) {
            assertThat(LOG_LINES).anyMatch(line -> line.contains("sasl.jaas.config = [hidden]"));
        }
    }

    /** Exactly what order-stats needs, as the restricted user: no DescribeConfigs on the cluster. */
    private static void grantWhatTheJobNeeds() throws Exception {
        String principal = "User:" + EmbeddedKafkaCluster.RESTRICTED_USER;
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(
                ResourceType.TOPIC, OrderStatsJob.ORDERS_TOPIC, PatternType.LITERAL, principal, AclOperation.READ));
        // The test produces the orders as the same user.
        acls.add(allow(
                ResourceType.TOPIC, OrderStatsJob.ORDERS_TOPIC, PatternType.LITERAL, principal, AclOperation.WRITE));
        for (String topic : List.of(
                OrderStatsJob.ORDER_STATS_TOPIC,
                OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC,
                OrderStatsJob.ORDER_STATS_DEAD_LETTER_TOPIC)) {
            acls.add(allow(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, AclOperation.WRITE));
            acls.add(allow(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, AclOperation.DESCRIBE));
        }
        acls.add(allow(ResourceType.GROUP, JOB, PatternType.LITERAL, principal, AclOperation.READ));
        acls.add(allow(ResourceType.GROUP, "secured-reader", PatternType.LITERAL, principal, AclOperation.READ));
        String prefix = TypedKafkaSink.suggestTransactionalIdPrefix(JOB, "order-stats");
        acls.add(allow(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, principal, AclOperation.WRITE));
        acls.add(allow(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, principal, AclOperation.DESCRIBE));
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static AclBinding allow(
            ResourceType type, String name, PatternType pattern, String principal, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /** The orders and one far-ahead order per partition, so every window of the data closes. */
    private static void produce(List<Order> orders, Map<String, String> sasl, Map<String, String> registryProperties)
            throws Exception {
        Map<String, Object> config = new HashMap<>(sasl);
        config.putAll(registryProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName());
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (Order o : orders) {
                producer.send(new ProducerRecord<>(OrderStatsJob.ORDERS_TOPIC, o.getOrderId(), o))
                        .get();
            }
            for (int partition = 0; partition < 2; partition++) {
                Order flush = Order.newBuilder()
                        .setOrderId("flush-" + partition)
                        .setUserId("flush")
                        .setProductId("prod-1")
                        .setQuantity(1)
                        .setPrice(1.0)
                        .setTimestamp(START.plus(Duration.ofMinutes(10)).toEpochMilli())
                        .build();
                producer.send(new ProducerRecord<>(OrderStatsJob.ORDERS_TOPIC, partition, flush.getOrderId(), flush))
                        .get();
            }
        }
    }

    /** The latest value per (window start, product) in order-stats, read_committed, once it equals {@code expected}. */
    private static Map<String, String> awaitResults(Map<String, String> expected, Duration timeout) {
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
                    try {
                        JsonNode value = json.readTree(r.value());
                        Instant start = LocalDateTime.parse(
                                        value.get("window_start").asText().replace(' ', 'T'))
                                .toInstant(ZoneOffset.UTC);
                        latest.put(
                                OrderStatsJob.key(start, value.get("product_id").asText()),
                                String.format(
                                        Locale.ROOT,
                                        "%d orders, revenue %.2f",
                                        value.get("order_count").asLong(),
                                        value.get("total_revenue").asDouble()));
                    } catch (java.io.IOException e) {
                        throw new AssertionError("unreadable order-stats record", e);
                    }
                }
            }
        }
        return latest;
    }

    private static String describe(OrderStats stats) {
        return String.format(Locale.ROOT, "%d orders, revenue %.2f", stats.orderCount(), stats.totalRevenue());
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }
}
