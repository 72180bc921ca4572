package dev.streamingblocks.kafka.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.sink.testutils.Committed;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer that "died" inside a transaction blocks read_committed consumers; the command finds it
 * by prefix, aborts it, and the consumers advance. A transaction under another prefix is untouched.
 */
class LingeringTransactionsITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    /** Longer than the test, so only the tool (not the broker's timeout) can end the transaction. */
    private static final int TRANSACTION_TIMEOUT_MS =
            (int) Duration.ofMinutes(15).toMillis();

    private static KafkaProducer<byte[], byte[]> openTransaction(
            String transactionalId, String topic, String... values) {
        KafkaProducer<byte[], byte[]> producer = KAFKA.cluster()
                .createProducer(Map.of(
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS));
        producer.initTransactions();
        producer.beginTransaction();
        for (String value : values) {
            producer.send(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush(); // the records must reach the log for the transaction to block readers
        return producer;
    }

    private static List<String> committedValues(String topic) {
        return Committed.readAll(KAFKA.cluster(), topic, Duration.ofSeconds(30)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }

    @Test
    void findsAndAbortsTheOpenTransactionSoReadCommittedConsumersAdvance(@TempDir Path tmp) throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("lingering");
        String otherTopic = EmbeddedKafkaCluster.uniqueTopicName("lingering-other");
        KAFKA.cluster().createTopic(topic, 1);
        KAFKA.cluster().createTopic(otherTopic, 1);
        String prefix = topic + ".sink";
        String otherPrefix = otherTopic + ".sink";

        try (KafkaProducer<byte[], byte[]> dead = openTransaction(prefix + "-0-3", topic, "stuck-1", "stuck-2");
                KafkaProducer<byte[], byte[]> other = openTransaction(otherPrefix + "-0-1", otherTopic, "other")) {
            KAFKA.cluster()
                    .produce(List.of(new ProducerRecord<>(topic, 0, null, "after".getBytes(StandardCharsets.UTF_8))));
            // Stuck: the committed record behind the open transaction is invisible to read_committed.
            assertThat(committedValues(topic)).isEmpty();

            List<LingeringTransaction> open;
            try (Admin admin = KAFKA.cluster().createAdmin()) {
                open = LingeringTransactions.list(admin, prefix);
            }
            assertThat(open).hasSize(1);
            LingeringTransaction found = open.get(0);
            assertThat(found.transactionalId()).isEqualTo(prefix + "-0-3");
            assertThat(found.state()).isEqualTo(TransactionState.ONGOING);
            assertThat(found.partitions()).containsExactly(new TopicPartition(topic, 0));
            assertThat(found.startTime()).isPresent();

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Path clientConfig = tmp.resolve("client.properties");
            Files.writeString(clientConfig, "security.protocol=PLAINTEXT\nrequest.timeout.ms=20000\n");
            int exit = LingeringTransactions.run(
                    new String[] {
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--prefix",
                        prefix,
                        "--command-config",
                        clientConfig.toString(),
                        "--abort"
                    },
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
            assertThat(exit).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .isEqualTo(LingeringTransactions.table(open) + "Aborted 1 transaction(s)" + System.lineSeparator());

            // The consumer advances past the aborted records to the committed one.
            assertThat(committedValues(topic)).containsExactly("after");
            try (Admin admin = KAFKA.cluster().createAdmin()) {
                assertThat(LingeringTransactions.list(admin, prefix)).isEmpty();
                assertThat(LingeringTransactions.list(admin, otherPrefix))
                        .extracting(LingeringTransaction::transactionalId)
                        .containsExactly(otherPrefix + "-0-1");
            }
            assertThat(committedValues(otherTopic)).isEmpty();
        }
    }
}
