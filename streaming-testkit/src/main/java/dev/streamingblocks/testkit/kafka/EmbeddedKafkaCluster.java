package dev.streamingblocks.testkit.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (or a small cluster) in KRaft mode, running inside the current JVM on
 * loopback, for tests and local runs.
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build()) {
 *     kafka.start();
 *     kafka.createTopic("orders", 3);
 *     kafka.produce("orders", List.of(new ProducerRecord<>("orders", key, value)));
 *     List<ConsumerRecord<byte[], byte[]>> out = kafka.consume("orders", 1, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>With one broker (the default) the node is combined broker and controller, and the internal
 * topics use replication factor 1, so transactions and consumer groups work. With three or more
 * brokers, a dedicated controller runs beside them; internal topics use replication 3 and
 * {@code min.insync.replicas} 2, so one broker can be stopped with {@link #stopBroker(int)} and
 * transactions keep working; {@link #startBroker(int)} starts it again.
 *
 * <p>{@link Builder#setSaslPlainWithAcls()} secures the brokers for permission tests: SASL/PLAIN
 * on the client listener and Kafka's {@code StandardAuthorizer} with
 * {@code allow.everyone.if.no.acl.found=false}. {@link #SUPER_USER} may do anything (the helpers
 * of this class connect as it); {@link #RESTRICTED_USER} may do nothing until a test grants it
 * ACLs, e.g. with {@link #createAdmin()}{@code .createAcls(...)}.
 *
 * <p>{@link #start()} returns once every broker is ready; {@link #close()} may be called any
 * number of times.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    /** One broker, combined with the controller. */
    public static final int DEFAULT_BROKERS = 1;

    /** How long helpers wait for the cluster before giving up. */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(60);

    /** On a {@linkplain Builder#setSaslPlainWithAcls() secured} cluster: a super user (all allowed). */
    public static final String SUPER_USER = JaasUtils.KAFKA_PLAIN_ADMIN;

    /** On a {@linkplain Builder#setSaslPlainWithAcls() secured} cluster: a user without any ACL. */
    public static final String RESTRICTED_USER = JaasUtils.KAFKA_PLAIN_USER1;

    /** Written into a data directory once it is formatted; a restart reuses the id and skips formatting. */
    static final String CLUSTER_ID_FILE = "streaming-blocks-cluster-id";

    private final int brokerCount;
    private final Map<String, String> brokerConfigs;
    private final Path dataDirectory;
    private final boolean saslPlainWithAcls;
    private final int port;

    /** The listener on {@link Builder#setPort(int)}'s port. */
    static final String FIXED_PORT_LISTENER = "LOCAL";

    private KafkaClusterTestKit testKit;
    private State state = State.NEW;

    private enum State {
        NEW,
        STARTED,
        CLOSED
    }

    private EmbeddedKafkaCluster(Builder builder) {
        this.brokerCount = builder.brokers;
        this.dataDirectory = builder.dataDirectory;
        this.saslPlainWithAcls = builder.saslPlainWithAcls;
        this.port = builder.port;
        this.brokerConfigs = Collections.unmodifiableMap(new LinkedHashMap<>(builder.effectiveConfigs()));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The line {@link #main} prints once the cluster is ready; scripts wait for it. */
    public static final String READY_LINE_PREFIX = "Kafka bootstrap servers: ";

    static final String USAGE = "Usage: EmbeddedKafkaCluster [--brokers 1|3] [--broker-config key=value]...";

    /**
     * Runs a cluster for local runs until the JVM is stopped (Ctrl-C), printing
     * {@value #READY_LINE_PREFIX}{@code <bootstrap servers>} once it is ready. Ports are chosen
     * freely, so pass the printed address to the jobs.
     */
    public static void main(String[] args) throws InterruptedException {
        Builder builder;
        try {
            builder = parseArgs(args);
            builder.build();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        EmbeddedKafkaCluster cluster = builder.build();
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            cluster.close();
                            stopped.countDown();
                        },
                        "embedded-kafka-shutdown"));
        cluster.start();
        System.out.println(READY_LINE_PREFIX + cluster.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    static Builder parseArgs(String[] args) {
        Builder builder = builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Missing value after " + arg);
            }
            String value = args[++i];
            switch (arg) {
                case "--brokers":
                    try {
                        builder.setBrokers(Integer.parseInt(value));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--brokers needs a number, but was '" + value + "'");
                    }
                    break;
                case "--broker-config":
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--broker-config needs key=value, but was '" + value + "'");
                    }
                    builder.setBrokerConfig(value.substring(0, eq), value.substring(eq + 1));
                    break;
                default:
                    throw new IllegalArgumentException("Unknown option " + arg);
            }
        }
        return builder;
    }

    /**
     * Formats the storage, starts the controller and brokers, and waits until every broker is
     * ready and serves metadata.
     *
     * @throws IllegalStateException if the cluster was already started or closed
     */
    public synchronized EmbeddedKafkaCluster start() {
        if (state != State.NEW) {
            throw new IllegalStateException("EmbeddedKafkaCluster can be started once; it is " + state);
        }
        Instant begin = Instant.now();
        try {
            TestKitNodes.Builder nodesBuilder = new TestKitNodes.Builder()
                    .setCombined(brokerCount == 1)
                    .setNumBrokerNodes(brokerCount)
                    .setNumControllerNodes(1);
            if (saslPlainWithAcls) {
                // The test kit then adds PLAIN, StandardAuthorizer, super.users=User:plain-admin,
                // allow.everyone.if.no.acl.found=false and a JAAS file (set JVM-wide) with both users.
                // The controller listener too, or the broker registers as ANONYMOUS and is refused.
                nodesBuilder
                        .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                        .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
            }
            boolean formatted = false;
            if (dataDirectory != null) {
                formatted = Files.exists(dataDirectory.resolve(CLUSTER_ID_FILE));
                nodesBuilder.setBaseDirectory(dataDirectory).setClusterId(clusterId(dataDirectory));
            }
            KafkaClusterTestKit.Builder kitBuilder = new KafkaClusterTestKit.Builder(nodesBuilder.build());
            brokerConfigs.forEach(kitBuilder::setConfigProp);
            if (dataDirectory != null) {
                kitBuilder.setDeleteOnClose(false);
            }
            testKit = kitBuilder.build();
            state = State.STARTED;
            if (!formatted) {
                formatQuietly(testKit);
                if (dataDirectory != null) {
                    Files.writeString(
                            dataDirectory.resolve(CLUSTER_ID_FILE),
                            testKit.nodes().clusterId());
                }
            }
            testKit.startup();
            testKit.waitForReadyBrokers();
            awaitBrokersInMetadata(brokerCount);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
            throw new IllegalStateException("Interrupted while starting the embedded Kafka cluster", e);
        } catch (Exception e) {
            closeQuietly();
            throw new IllegalStateException(
                    "Could not start the embedded Kafka cluster with " + brokerCount + " broker(s): " + e.getMessage(),
                    e);
        }
        LOG.info(
                "Embedded Kafka cluster with {} broker(s) started at {} in {} ms",
                brokerCount,
                bootstrapServers(),
                Duration.between(begin, Instant.now()).toMillis());
        return this;
    }

    /** The cluster id of a data directory: the one it was formatted with, or a new one. */
    private static String clusterId(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        Files.createDirectories(dataDirectory);
        return Uuid.randomUuid().toString();
    }

    /**
     * Kafka's storage formatter prints its bootstrap records to {@code System.out}, which would
     * land in the middle of an example's console output; its text goes to the debug log instead.
     * The swap is JVM-wide, so it is kept to the few milliseconds of formatting.
     */
    private static void formatQuietly(KafkaClusterTestKit kit) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        synchronized (EmbeddedKafkaCluster.class) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                kit.format();
            } finally {
                System.setOut(original);
            }
        }
        LOG.debug(
                "Kafka storage format: {}",
                captured.toString(StandardCharsets.UTF_8).trim());
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code localhost:40123}. */
    public synchronized String bootstrapServers() {
        return port != 0 ? "localhost:" + requirePort() : requireStarted().bootstrapServers();
    }

    public int brokerCount() {
        return brokerCount;
    }

    /** The broker configs this cluster runs with, defaults included. */
    public Map<String, String> brokerConfigs() {
        return brokerConfigs;
    }

    /** The node ids of the brokers, ascending. */
    public synchronized Set<Integer> brokerIds() {
        return Collections.unmodifiableSet(
                new TreeSet<>(requireStarted().brokers().keySet()));
    }

    /**
     * Stops one broker (a clean shutdown), for fault tests. The rest of the cluster keeps running.
     *
     * @throws IllegalArgumentException if there is no broker with that id
     */
    public synchronized void stopBroker(int brokerId) {
        BrokerServer broker = requireStarted().brokers().get(brokerId);
        if (broker == null) {
            throw new IllegalArgumentException("No broker with id " + brokerId + "; broker ids are " + brokerIds());
        }
        broker.shutdown();
        broker.awaitShutdown();
        LOG.info("Embedded Kafka broker {} stopped", brokerId);
    }

    /**
     * Starts a broker stopped with {@link #stopBroker(int)} again, on the same port and with its data,
     * and waits until it is registered with the controller again. Replicas catch up (rejoin the ISR)
     * in the background.
     *
     * @throws IllegalArgumentException if there is no broker with that id
     */
    public synchronized void startBroker(int brokerId) {
        BrokerServer broker = requireStarted().brokers().get(brokerId);
        if (broker == null) {
            throw new IllegalArgumentException("No broker with id " + brokerId + "; broker ids are " + brokerIds());
        }
        broker.startup();
        try {
            awaitBrokerInMetadata(brokerId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting broker " + brokerId, e);
        } catch (Exception e) {
            throw new IllegalStateException("Broker " + brokerId + " did not come back: " + e.getMessage(), e);
        }
        LOG.info("Embedded Kafka broker {} started again", brokerId);
    }

    /**
     * Client properties with {@code bootstrap.servers} set, and on a secured cluster the SASL
     * settings of {@link #SUPER_USER}; callers add what they need.
     */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (saslPlainWithAcls) {
            props.putAll(saslProperties(SUPER_USER, JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD));
        }
        return props;
    }

    /**
     * The SASL client settings ({@code security.protocol}, {@code sasl.mechanism},
     * {@code sasl.jaas.config}) of {@link #RESTRICTED_USER} on a secured cluster.
     *
     * @throws IllegalStateException if the cluster was not built with {@code setSaslPlainWithAcls()}
     */
    public Map<String, String> restrictedUserProperties() {
        if (!saslPlainWithAcls) {
            throw new IllegalStateException(
                    "restrictedUserProperties() needs a cluster built with" + " setSaslPlainWithAcls()");
        }
        return saslProperties(RESTRICTED_USER, JaasUtils.KAFKA_PLAIN_USER1_PASSWORD);
    }

    private static Map<String, String> saslProperties(String user, String password) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        props.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        props.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.plain.PlainLoginModule" + " required username=\"" + user
                        + "\" password=\"" + password + "\";");
        return props;
    }

    /** A new admin client; the caller closes it. */
    public Admin createAdmin() {
        Properties props = clientProperties();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DEFAULT_OPERATION_TIMEOUT.toMillis());
        return Admin.create(props);
    }

    /** A new byte-array producer (idempotent, {@code acks=all}); the caller closes it. */
    public KafkaProducer<byte[], byte[]> createProducer(Map<String, Object> overrides) {
        Properties props = clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putAll(overrides);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * A new byte-array consumer reading from the earliest offset with {@code read_committed},
     * without a group unless the overrides set one; the caller closes it.
     */
    public KafkaConsumer<byte[], byte[]> createConsumer(Map<String, Object> overrides) {
        Properties props = clientProperties();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                IsolationLevel.READ_COMMITTED.toString().toLowerCase(java.util.Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putAll(overrides);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Creates a topic with no extra configs, replicated to every broker (up to 3); see
     * {@link #createTopic(String, int, short, Map)}.
     */
    public void createTopic(String topic, int partitions) {
        createTopic(topic, partitions, (short) Math.min(brokerCount, 3), Map.of());
    }

    /**
     * Creates a topic and waits until it exists. Creating a topic that already exists is an error
     * here on purpose: tests use unique topic names.
     */
    public void createTopic(String topic, int partitions, short replication, Map<String, String> configs) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be null or blank");
        }
        try (Admin admin = createAdmin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replication).configs(configs)))
                    .all()
                    .get(DEFAULT_OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitTopicVisible(admin, topic, partitions);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                throw new IllegalStateException("Topic '" + topic + "' already exists", e.getCause());
            }
            throw new IllegalStateException(
                    "Could not create topic '" + topic + "': " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Timed out after " + DEFAULT_OPERATION_TIMEOUT + " creating topic '" + topic + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic '" + topic + "'", e);
        }
    }

    /**
     * The controller acknowledges a new topic before every broker's metadata cache has it, so a
     * client asking right away can get {@code UnknownTopicOrPartitionException}. Returning only
     * once the topic is described with a leader for every partition spares each test that race.
     */
    private static void awaitTopicVisible(Admin admin, String topic, int partitions)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + DEFAULT_OPERATION_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(DEFAULT_OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .get(topic);
                if (description != null
                        && description.partitions().size() == partitions
                        && description.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException(
                            "Could not describe the new topic '" + topic + "': "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Topic '" + topic + "' was created but not visible with " + partitions
                        + " led partitions within " + DEFAULT_OPERATION_TIMEOUT);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /**
     * Produces the records (not in a transaction), in order, and waits until all are acknowledged.
     *
     * @return where each record landed, in the order given
     */
    public List<RecordMetadata> produce(Collection<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = createProducer(Map.of())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<byte[], byte[]> record : records) {
                acks.add(producer.send(record));
            }
            producer.flush();
            List<RecordMetadata> metadata = new ArrayList<>(acks.size());
            for (Future<RecordMetadata> ack : acks) {
                metadata.add(ack.get(DEFAULT_OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
            return metadata;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not produce: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out after " + DEFAULT_OPERATION_TIMEOUT + " producing", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while producing", e);
        }
    }

    /**
     * Reads {@code topic} from the beginning with {@code read_committed} until exactly
     * {@code expectedCount} records have arrived, then keeps polling briefly to catch extras.
     *
     * @return the records, in the order they were polled
     * @throws AssertionError if fewer than {@code expectedCount} records arrive within
     *     {@code timeout}, or more than expected arrive
     */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expectedCount, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = createConsumer(Map.of())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, timeout)
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(timeout);
            while (received.size() < expectedCount && Instant.now().isBefore(deadline)) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                batch.forEach(received::add);
            }
            if (received.size() < expectedCount) {
                throw new AssertionError("Expected " + expectedCount + " record(s) in topic '" + topic + "' within "
                        + timeout + " but got " + received.size());
            }
            // A short extra poll: a test expecting N records must notice an (N+1)th.
            consumer.poll(Duration.ofMillis(500)).forEach(received::add);
        }
        if (received.size() != expectedCount) {
            throw new AssertionError("Expected exactly " + expectedCount + " record(s) in topic '" + topic
                    + "' but got " + received.size());
        }
        return received;
    }

    /** A topic name that no other test in this JVM uses: {@code prefix-<random>}. */
    public static String uniqueTopicName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Shuts the cluster down and deletes its data; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        closeQuietly();
    }

    private void closeQuietly() {
        State previous = state;
        state = State.CLOSED;
        if (testKit == null || previous == State.NEW) {
            return;
        }
        try {
            // The test kit's close() is not idempotent (a second call throws), hence the state guard.
            testKit.close();
            LOG.info("Embedded Kafka cluster stopped");
        } catch (Exception e) {
            LOG.warn("Error while stopping the embedded Kafka cluster", e);
        }
    }

    private int requirePort() {
        requireStarted();
        return port;
    }

    private KafkaClusterTestKit requireStarted() {
        if (state != State.STARTED) {
            throw new IllegalStateException("EmbeddedKafkaCluster is " + state + "; call start() first");
        }
        return testKit;
    }

    private void awaitBrokerInMetadata(int brokerId) throws Exception {
        Instant deadline = Instant.now().plus(DEFAULT_OPERATION_TIMEOUT);
        try (Admin admin = createAdmin()) {
            while (admin
                    .describeCluster()
                    .nodes()
                    .get(DEFAULT_OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .stream()
                    .noneMatch(node -> node.id() == brokerId)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new TimeoutException(
                            "Broker " + brokerId + " not registered within " + DEFAULT_OPERATION_TIMEOUT);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private void awaitBrokersInMetadata(int expected) throws Exception {
        Instant deadline = Instant.now().plus(DEFAULT_OPERATION_TIMEOUT);
        try (Admin admin = createAdmin()) {
            while (true) {
                int seen = admin.describeCluster()
                        .nodes()
                        .get(DEFAULT_OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .size();
                if (seen >= expected) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new TimeoutException("Only " + seen + " of " + expected + " brokers registered within "
                            + DEFAULT_OPERATION_TIMEOUT);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    /**
     * Builds an {@link EmbeddedKafkaCluster}. Required: nothing. Defaults: one broker; internal
     * topics replicated as far as the broker count allows.
     */
    public static final class Builder {

        private int brokers = DEFAULT_BROKERS;
        private final Map<String, String> extraConfigs = new LinkedHashMap<>();
        private Path dataDirectory;
        private boolean saslPlainWithAcls;
        private int port;

        Builder() {}

        /**
         * The client listener's port, e.g. 9092 so that clients configured for a default local
         * Kafka reach this one (one broker only). Default 0 picks a free port on every start, which
         * tests should keep: a fixed port fails the start when something else holds it.
         */
        public Builder setPort(int port) {
            this.port = port;
            return this;
        }

        /**
         * Secures the client listener with SASL/PLAIN and turns on Kafka's StandardAuthorizer with
         * {@code allow.everyone.if.no.acl.found=false}, for tests of what a client without a
         * permission sees. {@link #SUPER_USER} may do anything; {@link #RESTRICTED_USER}
         * (see {@link EmbeddedKafkaCluster#restrictedUserProperties()}) nothing until granted.
         * The test kit points the JVM-wide {@code java.security.auth.login.config} to its JAAS
         * file; clients that set {@code sasl.jaas.config} are not affected. One broker only.
         */
        public Builder setSaslPlainWithAcls() {
            this.saslPlainWithAcls = true;
            return this;
        }

        /** Number of brokers: 1 (default) or 3 or more for fault tests. */
        public Builder setBrokers(int brokers) {
            this.brokers = brokers;
            return this;
        }

        /** Adds a broker config, applied to every broker; it overrides the defaults. */
        public Builder setBrokerConfig(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("broker config key must not be null or blank");
            }
            if (value == null) {
                throw new IllegalArgumentException("value of broker config '" + key + "' must not be null");
            }
            extraConfigs.put(key, value);
            return this;
        }

        /**
         * Keeps the broker's metadata and logs in {@code dataDirectory} and reuses them on the next
         * start, so topics and records survive a restart (one broker only). Without it the data
         * lives in a temporary directory that {@code close()} deletes. The port is new on every start unless set with {@link #setPort(int)}.
         */
        public Builder setDataDirectory(Path dataDirectory) {
            if (dataDirectory == null) {
                throw new IllegalArgumentException("dataDirectory must not be null");
            }
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** Adds broker configs, applied to every broker; they override the defaults. */
        public Builder setBrokerConfigs(Map<String, String> configs) {
            configs.forEach(this::setBrokerConfig);
            return this;
        }

        public EmbeddedKafkaCluster build() {
            if (brokers != 1 && brokers < 3) {
                throw new IllegalArgumentException(
                        "brokers must be 1 or at least 3 (a quorum for min.insync.replicas=2), but was " + brokers);
            }
            if (saslPlainWithAcls && brokers != 1) {
                throw new IllegalArgumentException(
                        "saslPlainWithAcls is supported with 1 broker only, but brokers is " + brokers);
            }
            if (dataDirectory != null && brokers != 1) {
                throw new IllegalArgumentException(
                        "dataDirectory is supported with 1 broker only, but brokers is " + brokers);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
            }
            if (port != 0 && (brokers != 1 || saslPlainWithAcls)) {
                throw new IllegalArgumentException("port is supported with 1 broker without SASL only, but brokers is "
                        + brokers + (saslPlainWithAcls ? " with SASL" : ""));
            }
            return new EmbeddedKafkaCluster(this);
        }

        private Map<String, String> effectiveConfigs() {
            String replication = brokers == 1 ? "1" : "3";
            String minIsr = brokers == 1 ? "1" : "2";
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put("offsets.topic.replication.factor", replication);
            configs.put("offsets.topic.num.partitions", "5");
            configs.put("transaction.state.log.replication.factor", replication);
            configs.put("transaction.state.log.min.isr", minIsr);
            configs.put("transaction.state.log.num.partitions", "5");
            configs.put("group.initial.rebalance.delay.ms", "0");
            if (port != 0) {
                // The test kit binds its EXTERNAL listener to a socket it opened on a free port, whatever the
                // listeners config says; so clients get their own LOCAL listener on the fixed port.
                configs.put(
                        "listeners",
                        "EXTERNAL://localhost:0,CONTROLLER://localhost:0," + FIXED_PORT_LISTENER + "://localhost:"
                                + port);
                configs.put(
                        "listener.security.protocol.map",
                        "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + FIXED_PORT_LISTENER + ":PLAINTEXT");
            }
            configs.putAll(extraConfigs);
            return configs;
        }
    }
}
