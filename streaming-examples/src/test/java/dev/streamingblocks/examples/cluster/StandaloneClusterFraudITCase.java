package dev.streamingblocks.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.examples.Main;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.fraud.TransactionGenerator;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How users run the fraud job beyond one machine: the examples' job jar submitted over REST to a
 * Flink standalone cluster (a JobManager and two TaskManagers, each its own JVM), reading a real
 * Kafka broker; exactly the expected alerts come out.
 */
class StandaloneClusterFraudITCase {

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);

    /**
     * What the fraud job needs beyond a Flink distribution's lib/, by artifactId: what a shaded
     * job jar carries.
     */
    private static final Set<String> JOB_LIBRARIES = Set.of(
            "streaming-core",
            "streaming-kafka",
            "streaming-fraud",
            "streaming-sessions",
            "streaming-testkit",
            "flink-avro",
            "avro",
            "jackson-core",
            "jackson-databind",
            "jackson-annotations",
            "jackson-datatype-jsr310",
            "jackson-datatype-jdk8",
            "kafka-clients",
            "zstd-jni",
            "lz4-java",
            "snappy-java",
            "flink-connector-kafka",
            "flink-json",
            "postgresql",
            "checker-qual");

    private static EmbeddedKafkaCluster kafka;
    private static FlinkStandaloneCluster flink;
    private static Path workDir;

    @BeforeAll
    static void startClusters() throws IOException {
        kafka = EmbeddedKafkaCluster.builder().build().start();
        workDir = Files.createTempDirectory(Path.of("target"), "flink-standalone-fraud-");
        flink = FlinkStandaloneCluster.builder().setWorkDir(workDir).build().start();
    }

    @AfterAll
    static void stopClusters() {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Instant t(long seconds) {
        return BEGINNING.plusSeconds(seconds);
    }

    @Test
    void fraudJobOnAStandaloneClusterRaisesExactlyTheExpectedAlert() throws Exception {
        // Main's fraud command uses fixed topic names; this broker serves only this test.
        Map<String, String> keep = Map.of("retention.ms", "-1");
        kafka.createTopic(FraudJob.TRANSACTIONS_TOPIC, 2, (short) 1, keep);
        kafka.createTopic(FraudJob.ALERTS_TOPIC, 1, (short) 1, keep);
        kafka.createTopic(FraudJob.DEAD_LETTER_TOPIC, 1, (short) 1, keep);

        SerializationSchema<Transaction> serializer = FraudSerdes.transactionSerializer();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // Partition 0: alice has three over $1000 in minute 0 (one alert); carol three at exactly $1000 (none).
        for (Transaction tx : List.of(
                TransactionGenerator.transaction("a1", "alice", 1200.0, t(5)),
                TransactionGenerator.transaction("c1", "carol", 1000.0, t(6)),
                TransactionGenerator.transaction("a2", "alice", 1000.01, t(20)),
                TransactionGenerator.transaction("c2", "carol", 1000.0, t(21)),
                TransactionGenerator.transaction("a3", "alice", 5000.0, t(50)),
                TransactionGenerator.transaction("c3", "carol", 1000.0, t(51)),
                TransactionGenerator.transaction("d1", "dave", 10.0, t(200)))) {
            records.add(record(0, tx, serializer));
        }
        // Partition 1: bob has two over $1000 in minute 0 and a third in minute 1 (none).
        for (Transaction tx : List.of(
                TransactionGenerator.transaction("b1", "bob", 2000.0, t(10)),
                TransactionGenerator.transaction("b2", "bob", 2000.0, t(30)),
                TransactionGenerator.transaction("b3", "bob", 2000.0, t(65)),
                // Moves this partition's event time past minute 1 too, so the window closes.
                TransactionGenerator.transaction("e1", "erin", 10.0, t(200)))) {
            records.add(record(1, tx, serializer));
        }
        kafka.produce(records);

        Path jobJar = jobJar();
        String jobId = flink.submitJar(
                jobJar,
                Main.class.getName(),
                List.of(
                        // Plain Avro and the tumbling rule only, without a registry or rules topic on this cluster.
                        "fraud",
                        "--format",
                        "avro",
                        "--rules",
                        "tumbling",
                        "--rules-topic",
                        "none",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--group-id",
                        "fraud-standalone-it",
                        "--parallelism",
                        "2",
                        "--checkpoint-interval",
                        "1s"),
                2);
        try {
            flink.awaitAllTasksRunning(jobId, JOB_TIMEOUT);

            // read_committed: alerts appear once the checkpoint that covers them commits; any extra fails.
            List<ConsumerRecord<byte[], byte[]>> written = kafka.consume(FraudJob.ALERTS_TOPIC, 1, JOB_TIMEOUT);
            DeserializationSchema<Alert> alerts = FraudSerdes.alertDeserializer();
            assertThat(new String(written.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("alice");
            assertThat(alerts.deserialize(written.get(0).value()))
                    .isEqualTo(Alert.newBuilder()
                            .setUserId("alice")
                            .setAlertType(FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS)
                            .setRuleId(FraudRules.ARTICLE_RULE_ID)
                            .setWindowStart(t(0))
                            .setWindowEnd(t(60))
                            .setTransactionCount(3)
                            .build());
            assertThat(flink.jobState(jobId)).isEqualTo("RUNNING");
            // Its two slots were on different TaskManagers: the keyBy shuffle crossed JVMs.
            assertThat(flink.taskManagersOf(jobId)).hasSize(2);
        } finally {
            flink.cancelJob(jobId, JOB_TIMEOUT);
        }
        assertThat(flink.jobState(jobId)).isEqualTo("CANCELED");
    }

    private static ProducerRecord<byte[], byte[]> record(
            int partition, Transaction tx, SerializationSchema<Transaction> serializer) {
        return new ProducerRecord<>(
                FraudJob.TRANSACTIONS_TOPIC,
                partition,
                tx.getUserId().getBytes(StandardCharsets.UTF_8),
                serializer.serialize(tx));
    }

    /**
     * The examples module's job jar from {@code target/} (the package phase runs before Failsafe):
     * the shaded {@code streaming-examples-<version>-job.jar} as it is; without one, the plain jar
     * with the job's libraries under {@code lib/}, which Flink puts on the job's class path.
     */
    private static Path jobJar() throws IOException {
        List<Path> jars;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jars = files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith("streaming-examples-")
                                && name.endsWith(".jar")
                                && !name.endsWith("-tests.jar")
                                && !name.endsWith("-sources.jar");
                    })
                    .sorted()
                    .toList();
        }
        List<Path> shaded = jars.stream()
                .filter(p -> p.getFileName().toString().endsWith("-job.jar"))
                .toList();
        if (!shaded.isEmpty()) {
            assertThat(shaded).as("one shaded job jar in target/").hasSize(1);
            try (JarFile jar = new JarFile(shaded.get(0).toFile())) {
                assertThat(jar.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class"))
                        .as("the Kafka connector inside " + shaded.get(0))
                        .isNotNull();
            }
            return shaded.get(0);
        }
        assertThat(jars)
                .as("the examples jar in target/ (run through Maven's verify)")
                .hasSize(1);
        Path examplesJar = jars.get(0);
        List<Path> libraries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            String artifactId = artifactIdOf(path);
            if (artifactId != null && JOB_LIBRARIES.contains(artifactId)) {
                libraries.add(path);
            }
        }
        assertThat(libraries).as("job libraries on the test classpath").hasSize(JOB_LIBRARIES.size());
        return TestJobJars.withLibraries(examplesJar, libraries, workDir.resolve("fraud-job.jar"));
    }

    /** The artifactId of a repository jar, a reactor module's jar or a module's target/classes. */
    private static String artifactIdOf(Path path) {
        String name = path.getFileName().toString();
        if (name.equals("classes")
                && path.getParent() != null
                && path.getParent().getParent() != null) {
            return path.getParent().getParent().getFileName().toString();
        }
        if (!name.endsWith(".jar")) {
            return null;
        }
        for (String candidate : JOB_LIBRARIES) {
            if (name.startsWith(candidate + "-") && Character.isDigit(name.charAt(candidate.length() + 1))) {
                return candidate;
            }
        }
        return null;
    }
}
