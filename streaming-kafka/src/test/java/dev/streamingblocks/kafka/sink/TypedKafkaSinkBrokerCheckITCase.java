package dev.streamingblocks.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.sink.internal.TransactionTimeoutCheck;
import dev.streamingblocks.kafka.sink.testutils.Committed;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker check against a broker with ACLs, as on a locked-down managed Kafka: a user without
 * DescribeConfigs gets one warning and a running job, not a restart loop; the job-start check runs
 * once, not per subtask, and not at all when turned off.
 */
class TypedKafkaSinkBrokerCheckITCase {

    private static final Duration BROKER_MAX = Duration.ofMinutes(10);
    private static final String READING = "Reading transaction.max.timeout.ms from the Kafka brokers at ";

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension(EmbeddedKafkaCluster.builder()
            .setSaslPlainWithAcls()
            .setBrokerConfig("transaction.max.timeout.ms", Long.toString(BROKER_MAX.toMillis())));

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private final List<String> infos = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) LogManager.getLogger(TransactionTimeoutCheck.class);
    private final AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            String message = event.getMessage().getFormattedMessage();
            if (event.getLevel() == Level.WARN) {
                warnings.add(message);
            } else if (event.getLevel() == Level.INFO) {
                infos.add(message);
            }
        }
    };

    @BeforeEach
    void captureLogs() {
        capture.start();
        logger.addAppender(capture);
    }

    @AfterEach
    void stopCapturing() {
        logger.removeAppender(capture);
        capture.stop();
    }

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        return env;
    }

    /** A sink with a timeout no other test of this JVM uses, so the per-JVM memory of checks is fresh. */
    private static TypedKafkaSinkBuilder<String> sink(String topic, Duration timeout, Map<?, ?> security) {
        TypedKafkaSinkBuilder<String> builder = TypedKafkaSink.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(topic)
                .setValueSerializationSchema(new SimpleStringSchema())
                .setTransactionalIdPrefix(topic)
                .setTransactionTimeout(timeout)
                .setAdminTimeout(Duration.ofSeconds(20));
        security.forEach((k, v) -> {
            if (!CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG.equals(k)) {
                builder.setProperty((String) k, (String) v);
            }
        });
        return builder;
    }

    private List<String> checksOf(Duration timeout) {
        return infos.stream()
                .filter(m -> m.startsWith(READING + KAFKA.bootstrapServers() + " to check transaction.timeout.ms ("
                        + timeout.toMillis() + " ms)"))
                .collect(Collectors.toList());
    }

    private static List<String> numbers(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).collect(Collectors.toList());
    }

    /** Write access to the topic and its transactional ids, and nothing on the cluster. */
    private static void grantWritesTo(String topic) throws Exception {
        String user = "User:" + EmbeddedKafkaCluster.RESTRICTED_USER;
        AccessControlEntry all = new AccessControlEntry(user, "*", AclOperation.ALL, AclPermissionType.ALLOW);
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            admin.createAcls(List.of(
                            new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), all),
                            new AclBinding(
                                    new ResourcePattern(ResourceType.TRANSACTIONAL_ID, topic, PatternType.PREFIXED),
                                    all)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        // The broker applies new ACLs from its metadata log shortly after the controller accepts them.
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.putAll(KAFKA.cluster().restrictedUserProperties());
        try (Admin restricted = Admin.create(props)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    restricted.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }
        }
    }

    @Test
    void withoutDescribeConfigsAttachWarnsOnceInsteadOfFailing() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-acl-attach");
        KAFKA.cluster().createTopic(topic, 1);
        Duration timeout = Duration.ofMillis(540_001);
        StreamExecutionEnvironment env = env();

        sink(topic, timeout, KAFKA.cluster().restrictedUserProperties()).build().sinkTo(env.fromData("a"));

        assertThat(checksOf(timeout)).hasSize(1);
        assertThat(warnings)
                .containsExactly("Could not check the Kafka sink's transaction.timeout.ms (540001 ms)"
                        + " against the brokers' transaction.max.timeout.ms when the sink was attached (bootstrap servers "
                        + KAFKA.bootstrapServers()
                        + "): ClusterAuthorizationException: Cluster authorization failed. (the"
                        + " client may not read the broker configuration; it needs DescribeConfigs on the cluster"
                        + " resource). Check by hand that transaction.timeout.ms = 540001 ms is <="
                        + " transaction.max.timeout.ms of every broker (a stock broker allows 900000 ms), or the first"
                        + " transaction fails with InvalidTxnTimeoutException. The job goes on. To skip this check, call"
                        + " setVerifyBrokerOnAttach(false) on the TypedKafkaSink builder.");
        assertThat(String.join("\n", warnings)).doesNotContain("plain-user1-secret");
    }

    @Test
    void withoutDescribeConfigsTheJobRunsAndCommitsAfterOneWarning() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-acl-job");
        KAFKA.cluster().createTopic(topic, 2);
        grantWritesTo(topic);
        Duration timeout = Duration.ofMillis(540_002);
        StreamExecutionEnvironment env = env();
        sink(topic, timeout, KAFKA.cluster().restrictedUserProperties())
                .setVerifyBrokerOnAttach(false)
                .build()
                .sinkTo(env.fromData(numbers(100)));

        env.execute("eos-acl-job");

        assertThat(checksOf(timeout)).hasSize(1).allSatisfy(m -> assertThat(m).endsWith(" at job start"));
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0))
                .startsWith("Could not check the Kafka sink's transaction.timeout.ms"
                        + " (540002 ms) against the brokers' transaction.max.timeout.ms at job start")
                .contains("ClusterAuthorizationException")
                .endsWith("call setVerifyBrokerOnStart(false) on the" + " TypedKafkaSink builder.");
        assertThat(Committed.readAll(KAFKA.cluster(), topic, Duration.ofSeconds(30)))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrderElementsOf(numbers(100));
    }

    @Test
    void theStartCheckRunsOnceForTheJobNotPerSubtask() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-start-once");
        KAFKA.cluster().createTopic(topic, 2);
        Duration timeout = Duration.ofMillis(540_003);
        StreamExecutionEnvironment env = env();
        sink(topic, timeout, KAFKA.cluster().clientProperties())
                .setVerifyBrokerOnAttach(false)
                .build()
                .sinkTo(env.fromData(numbers(10)))
                .setParallelism(2);

        env.execute("eos-start-once");

        assertThat(checksOf(timeout))
                .containsExactly(READING + KAFKA.bootstrapServers()
                        + " to check transaction.timeout.ms (540003 ms) at job start");
        assertThat(warnings).isEmpty();
        assertThat(Committed.readAll(KAFKA.cluster(), topic, Duration.ofSeconds(30)))
                .hasSize(10);
    }

    @Test
    void verifyBrokerOnStartFalseMakesNoAdminCall() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-no-check");
        KAFKA.cluster().createTopic(topic, 2);
        Duration timeout = Duration.ofMillis(540_004);
        StreamExecutionEnvironment env = env();
        sink(topic, timeout, KAFKA.cluster().clientProperties())
                .setVerifyBrokerOnAttach(false)
                .setVerifyBrokerOnStart(false)
                .build()
                .sinkTo(env.fromData(numbers(10)));

        env.execute("eos-no-check");

        assertThat(checksOf(timeout)).isEmpty();
        assertThat(infos).noneMatch(m -> m.startsWith(READING));
        assertThat(Committed.readAll(KAFKA.cluster(), topic, Duration.ofSeconds(30)))
                .hasSize(10);
    }
}
