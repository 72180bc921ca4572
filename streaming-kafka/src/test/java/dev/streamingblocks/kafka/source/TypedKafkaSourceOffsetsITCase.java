package dev.streamingblocks.kafka.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.testutils.FlinkTestCluster;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where the source starts and stops, which transactions it sees, and an exactly-once dead-letter sink. */
class TypedKafkaSourceOffsetsITCase {

    private static final Instant BEGINNING = Instant.parse("2026-01-01T00:00:00Z");

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.extension();

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private static long t(int minutes) {
        return BEGINNING.plusSeconds(60L * minutes).toEpochMilli();
    }

    private static TypedKafkaSource.Builder<Payment> source(String topic) {
        return TypedKafkaSource.<Payment>builder()
                .setName("payments-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("offsets-test-" + topic)
                .setJsonValue(Payment.class);
    }

    private static List<String> ids(List<Payment> payments) {
        List<String> ids = new ArrayList<>();
        payments.stream().sorted(Comparator.comparing(Payment::id)).forEach(p -> ids.add(p.id()));
        return ids;
    }

    /** Six payments p-0..p-5 in one partition, Kafka timestamps t(0)..t(5). */
    private static String topicWithSixPayments() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("payments-offsets");
        KAFKA.cluster().createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(new ProducerRecord<>(topic, 0, t(i), null, new Payment("p-" + i, "a", 1, t(i)).toJson()));
        }
        KAFKA.cluster().produce(records);
        return topic;
    }

    @Test
    void startsAtATimestampAndStopsAtAnother() throws Exception {
        String topic = topicWithSixPayments();

        TypedKafkaSource<Payment> source = source(topic)
                .setStartingOffsets(StartingOffsets.timestamp(Instant.ofEpochMilli(t(2))))
                .setBoundedAt(Instant.ofEpochMilli(t(4)))
                .build();

        assertThat(ids(FlinkTestCluster.collect(
                        source.attach(FlinkTestCluster.env(2)).records(), "timestamps")))
                .containsExactly("p-2", "p-3");
    }

    @Test
    void startsAtTheGroupsCommittedOffset() throws Exception {
        String topic = topicWithSixPayments();
        String group = "offsets-test-" + topic;
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(4)))
                    .all()
                    .get();
        }

        TypedKafkaSource<Payment> source = source(topic)
                .setStartingOffsets(StartingOffsets.committedOrEarliest())
                .setBoundedToLatest()
                .build();

        assertThat(ids(FlinkTestCluster.collect(
                        source.attach(FlinkTestCluster.env(2)).records(), "committed")))
                .containsExactly("p-4", "p-5");
    }

    @Test
    void withoutACommittedOffsetTheFallbackApplies() throws Exception {
        String topic = topicWithSixPayments();

        TypedKafkaSource<Payment> source = source(topic)
                .setStartingOffsets(StartingOffsets.committedOrEarliest())
                .setBoundedToLatest()
                .build();

        assertThat(ids(FlinkTestCluster.collect(
                        source.attach(FlinkTestCluster.env(2)).records(), "fallback")))
                .containsExactly("p-0", "p-1", "p-2", "p-3", "p-4", "p-5");
    }

    @Test
    void readsOnlyCommittedTransactionsByDefault() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("payments-tx");
        KAFKA.cluster().createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer =
                KAFKA.cluster().createProducer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, new Payment("p-committed", "a", 1, t(0)).toJson()));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, new Payment("p-aborted", "a", 1, t(1)).toJson()));
            producer.flush();
            producer.abortTransaction();
            // A last committed record, so "latest" lies beyond the aborted one.
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, new Payment("p-last", "a", 1, t(2)).toJson()));
            producer.commitTransaction();
        }

        TypedKafkaSource<Payment> committed = source(topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        assertThat(ids(FlinkTestCluster.collect(
                        committed.attach(FlinkTestCluster.env(2)).records(), "committed-tx")))
                .containsExactly("p-committed", "p-last");

        TypedKafkaSource<Payment> uncommitted = source(topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .setIsolationLevel(IsolationLevel.READ_UNCOMMITTED)
                .build();
        assertThat(ids(FlinkTestCluster.collect(
                        uncommitted.attach(FlinkTestCluster.env(2)).records(), "all-tx")))
                .containsExactly("p-aborted", "p-committed", "p-last");
    }

    @Test
    @Timeout(120)
    void exactlyOnceDeadLettersAreCommittedWithTheCheckpoint() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("payments-eos");
        String dlq = topic + "-dlq";
        KAFKA.cluster().createTopic(topic, 1);
        KAFKA.cluster().createTopic(dlq, 1);
        byte[] bad = "{\"id\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        KAFKA.cluster()
                .produce(List.of(
                        new ProducerRecord<>(topic, 0, null, new Payment("p-1", "a", 1, t(0)).toJson()),
                        new ProducerRecord<>(topic, 0, null, bad)));

        TypedKafkaSource<Payment> source = source(topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(dlq)
                .setDeadLetterDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .build();
        StreamExecutionEnvironment env = FlinkTestCluster.env(2);
        env.enableCheckpointing(200);

        assertThat(ids(FlinkTestCluster.collect(source.attach(env).records(), "eos")))
                .containsExactly("p-1");
        // consume() reads with read_committed: the dead letter is visible only once its transaction committed.
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.cluster().consume(dlq, 1, java.time.Duration.ofSeconds(60));
        assertThat(dead.get(0).value()).isEqualTo(bad);
    }
}
