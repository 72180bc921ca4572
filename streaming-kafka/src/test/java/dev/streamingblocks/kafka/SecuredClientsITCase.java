package dev.streamingblocks.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.admin.KafkaTopics;
import dev.streamingblocks.kafka.admin.LingeringTransaction;
import dev.streamingblocks.kafka.admin.LingeringTransactions;
import dev.streamingblocks.kafka.admin.TopicSpec;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.sink.TypedKafkaSinkBuilder;
import dev.streamingblocks.kafka.sink.internal.TransactionTimeoutCheck;
import dev.streamingblocks.kafka.sink.testutils.Committed;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.KafkaSourceStreams;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Kafka client of the library against a SASL/PLAIN broker with ACLs, as a user granted only
 * what each one needs, given nothing but the user's security properties: TypedKafkaSource and its
 * dead-letter producer, TypedKafkaSink's transactions and its broker check, KafkaTopics and
 * LingeringTransactions (API and command line with {@code --command-config}).
 */
class SecuredClientsITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA =
            new KafkaClusterExtension(EmbeddedKafkaCluster.builder().setSaslPlainWithAcls());

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final String USER = "User:" + EmbeddedKafkaCluster.RESTRICTED_USER;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void sourceDeadLettersAndTransactionalSinkRunAsTheRestrictedUser() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("secured-in");
        String out = EmbeddedKafkaCluster.uniqueTopicName("secured-out");
        String deadLetters = in + "-dlq";
        String group = in + "-group";
        for (String topic : List.of(in, out, deadLetters)) {
            KAFKA.cluster().createTopic(topic, 1);
        }
        grant(ResourceType.TOPIC, in, PatternType.LITERAL, AclOperation.READ);
        grant(ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.READ);
        grant(ResourceType.TOPIC, deadLetters, PatternType.LITERAL, AclOperation.WRITE);
        grant(ResourceType.TOPIC, out, PatternType.LITERAL, AclOperation.WRITE);
        grant(ResourceType.TRANSACTIONAL_ID, out, PatternType.PREFIXED, AclOperation.WRITE);
        awaitAclsApplied(in);
        KAFKA.cluster().produce(List.of(record(in, "a"), record(in, "bad"), record(in, "b")));

        Map<String, String> security = KAFKA.cluster().restrictedUserProperties();
        TypedKafkaSource.Builder<String> source = TypedKafkaSource.<String>builder()
                .setName("secured-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(in)
                .setGroupId(group)
                .setValueDeserializer(new FailsOnBad())
                .setBoundedToLatest()
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(deadLetters);
        TypedKafkaSinkBuilder<String> sink = TypedKafkaSink.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(out)
                .setValueSerializationSchema(new SimpleStringSchema())
                .setTransactionalIdPrefix(out)
                .setVerifyBrokerOnAttach(false)
                .setVerifyBrokerOnStart(false);
        security.forEach((key, value) -> {
            source.setProperty(key, value);
            sink.setProperty(key, value);
        });
        StreamExecutionEnvironment env = env();
        KafkaSourceStreams<String> streams = source.build().attach(env);
        sink.build().sinkTo(streams.records().map(String::toUpperCase).returns(String.class));

        env.execute("secured-job");

        assertThat(values(out)).containsExactly("A", "B");
        assertThat(values(deadLetters)).containsExactly("bad");
    }

    @Test
    void brokerCheckReadsTheMaximumWithDescribeConfigsAndWarnsOnceWithout() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger logger = (Logger) LogManager.getLogger(TransactionTimeoutCheck.class);
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel() == Level.WARN) {
                    warnings.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        logger.addAppender(capture);
        try {
            Properties producer = new Properties();
            producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
            producer.putAll(KAFKA.cluster().restrictedUserProperties());
            Duration timeout = Duration.ofMillis(600_123);

            assertThat(TransactionTimeoutCheck.checkAgainstBrokers(producer, timeout, Duration.ofSeconds(20)))
                    .isEqualTo(TransactionTimeoutCheck.Outcome.NOT_VERIFIED);
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0))
                    .contains("ClusterAuthorizationException")
                    .doesNotContain(JaasUtils.KAFKA_PLAIN_USER1_PASSWORD);

            grant(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS);
            // The broker applies the new ACL from its metadata log shortly after the controller accepts it.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            TransactionTimeoutCheck.Outcome outcome;
            do {
                warnings.clear();
                outcome = TransactionTimeoutCheck.checkAgainstBrokers(producer, timeout, Duration.ofSeconds(20));
            } while (outcome != TransactionTimeoutCheck.Outcome.WITHIN_MAXIMUM
                    && System.nanoTime() < deadline
                    && pause());
            assertThat(outcome).isEqualTo(TransactionTimeoutCheck.Outcome.WITHIN_MAXIMUM);
            assertThat(warnings).isEmpty();
        } finally {
            logger.removeAppender(capture);
            capture.stop();
        }
    }

    @Test
    void kafkaTopicsAndLingeringTransactionsRunAsTheRestrictedUser(@TempDir Path tmp) throws Exception {
        String prefix = EmbeddedKafkaCluster.uniqueTopicName("secured-admin");
        String topic = prefix + "-topic";
        grant(ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.CREATE);
        grant(ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.DESCRIBE);
        grant(ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.DESCRIBE_CONFIGS);
        grant(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, AclOperation.DESCRIBE);
        grant(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, AclOperation.WRITE);
        Map<String, String> security = KAFKA.cluster().restrictedUserProperties();

        KafkaTopics.Builder topicsBuilder = KafkaTopics.builder().setBootstrapServers(KAFKA.bootstrapServers());
        security.forEach(topicsBuilder::setProperty);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaTopics topics = topicsBuilder.build()) {
            List<String> created = null;
            while (created == null) {
                try {
                    created = topics.ensureTopics(
                            TopicSpec.builder(topic).setPartitions(1).build());
                } catch (RuntimeException notYetAllowed) {
                    // the new ACLs reach the broker shortly after the controller accepted them
                    if (System.nanoTime() > deadline) {
                        throw notYetAllowed;
                    }
                    pause();
                }
            }
            assertThat(created).containsExactly(topic);
            assertThat(topics.ensureTopics(
                            TopicSpec.builder(topic).setPartitions(1).build()))
                    .isEmpty();
        }

        String transactionalId = prefix + "-sink-0-1";
        try (KafkaProducer<byte[], byte[]> dead = KAFKA.cluster()
                .createProducer(Map.of(
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        transactionalId,
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        (int) Duration.ofMinutes(15).toMillis()))) {
            dead.initTransactions();
            dead.beginTransaction();
            dead.send(record(topic, "stuck"));
            dead.flush();

            Map<String, Object> admin = new HashMap<>(security);
            admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
            List<LingeringTransaction> open;
            try (Admin restricted = Admin.create(admin)) {
                open = LingeringTransactions.list(restricted, prefix);
            }
            assertThat(open).extracting(LingeringTransaction::transactionalId).containsExactly(transactionalId);

            Path commandConfig = tmp.resolve("client.properties");
            Properties file = new Properties();
            file.putAll(security);
            try (var writer = Files.newBufferedWriter(commandConfig, StandardCharsets.UTF_8)) {
                file.store(writer, "the restricted user");
            }
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int exit = LingeringTransactions.run(
                    new String[] {
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--prefix",
                        prefix,
                        "--command-config",
                        commandConfig.toString(),
                        "--abort"
                    },
                    new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new PrintStream(stderr, true, StandardCharsets.UTF_8));
            assertThat(stderr.toString(StandardCharsets.UTF_8)).isEmpty();
            assertThat(exit).isZero();
            assertThat(stdout.toString(StandardCharsets.UTF_8))
                    .isEqualTo(LingeringTransactions.table(open) + "Aborted 1 transaction(s)" + System.lineSeparator());
            try (Admin restricted = Admin.create(admin)) {
                assertThat(LingeringTransactions.list(restricted, prefix)).isEmpty();
            }
        }
    }

    /** Turns "bad" into a deserialization failure, so it goes to the dead-letter topic. */
    static final class FailsOnBad extends AbstractDeserializationSchema<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String deserialize(byte[] message) throws IOException {
            String text = new String(message, StandardCharsets.UTF_8);
            if (text.equals("bad")) {
                throw new IOException("not a good record");
            }
            return text;
        }
    }

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(200);
        return env;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> values(String topic) {
        return Committed.readAll(KAFKA.cluster(), topic, Duration.ofSeconds(30)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }

    private static void grant(ResourceType type, String name, PatternType pattern, AclOperation operation)
            throws Exception {
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            admin.createAcls(List.of(new AclBinding(
                            new ResourcePattern(type, name, pattern),
                            new AccessControlEntry(USER, "*", operation, AclPermissionType.ALLOW))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Waits until the restricted user may describe {@code topic}: the broker has the ACLs granted so far. */
    private static void awaitAclsApplied(String topic) throws Exception {
        Map<String, Object> props = new HashMap<>(KAFKA.cluster().restrictedUserProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (Admin restricted = Admin.create(props)) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true) {
                try {
                    restricted.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    pause();
                }
            }
        }
    }

    /** The polling interval of a condition; always true, to sit in a loop condition. */
    private static boolean pause() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(100);
        return true;
    }
}
