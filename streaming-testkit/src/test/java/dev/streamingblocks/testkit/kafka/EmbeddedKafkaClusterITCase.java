package dev.streamingblocks.testkit.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedKafkaClusterITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @Test
    void readCommittedSeesOnlyCommittedTransactionalRecords() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("tx");
        KAFKA.cluster().createTopic(topic, 2);

        produceCommittedAndAborted(KAFKA.cluster(), topic, "tx-" + topic);

        List<ConsumerRecord<byte[], byte[]>> committed = KAFKA.cluster().consume(topic, 1, TIMEOUT);
        assertThat(committed).extracting(r -> new String(r.value(), UTF_8)).containsExactly("committed");
        assertThat(committed.get(0).key()).isEqualTo("k".getBytes(UTF_8));
    }

    @Test
    void abortedRecordReachesTheLogSoReadUncommittedSeesIt() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("tx-uncommitted");
        KAFKA.cluster().createTopic(topic, 1);

        produceCommittedAndAborted(KAFKA.cluster(), topic, "tx-" + topic);

        try (var consumer =
                KAFKA.cluster().createConsumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"))) {
            var partition = new org.apache.kafka.common.TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<String> values = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (values.size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(new String(r.value(), UTF_8)));
            }
            assertThat(values).containsExactly("committed", "aborted");
        }
    }

    @Test
    void consumeFailsWhenFewerRecordsArrive() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("short");
        KAFKA.cluster().createTopic(topic, 1);
        KAFKA.cluster().produce(List.of(new ProducerRecord<>(topic, null, "only".getBytes(UTF_8))));

        assertThatThrownBy(() -> KAFKA.cluster().consume(topic, 2, Duration.ofSeconds(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expected 2 record(s) in topic '" + topic + "' within PT2S but got 1");
    }

    @Test
    void consumeFailsWhenMoreRecordsArrive() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("long");
        KAFKA.cluster().createTopic(topic, 1);
        List<RecordMetadata> landed = KAFKA.cluster()
                .produce(List.of(
                        new ProducerRecord<>(topic, null, "a".getBytes(UTF_8)),
                        new ProducerRecord<>(topic, null, "b".getBytes(UTF_8))));
        assertThat(landed).extracting(RecordMetadata::offset).containsExactly(0L, 1L);

        assertThatThrownBy(() -> KAFKA.cluster().consume(topic, 1, TIMEOUT))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expected exactly 1 record(s) in topic '" + topic + "' but got 2");
    }

    @Test
    void creatingAnExistingTopicFailsNamingIt() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("dup");
        KAFKA.cluster().createTopic(topic, 1);

        assertThatThrownBy(() -> KAFKA.cluster().createTopic(topic, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Topic '" + topic + "' already exists");
    }

    @Test
    void closeIsIdempotent() {
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().build().start();
        assertThat(cluster.bootstrapServers()).startsWith("localhost:");
        cluster.close();
        cluster.close();
        assertThatThrownBy(cluster::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EmbeddedKafkaCluster is CLOSED; call start() first");
    }

    @Test
    void threeBrokerClusterKeepsTransactionsWorkingWithOneBrokerDownAndTakesItBack() throws Exception {
        try (EmbeddedKafkaCluster cluster =
                EmbeddedKafkaCluster.builder().setBrokers(3).build().start()) {
            assertThat(cluster.brokerIds()).hasSize(3);
            String topic = EmbeddedKafkaCluster.uniqueTopicName("fault");
            cluster.createTopic(topic, 3);
            try (Admin admin = cluster.createAdmin()) {
                TopicDescription description = admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic);
                assertThat(description.partitions())
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            }

            int victim = cluster.brokerIds().iterator().next();
            cluster.stopBroker(victim);

            produceCommittedAndAborted(cluster, topic, "tx-" + topic);
            List<ConsumerRecord<byte[], byte[]>> committed = cluster.consume(topic, 1, TIMEOUT);
            assertThat(committed).extracting(r -> new String(r.value(), UTF_8)).containsExactly("committed");

            // Started again, the broker rejoins every partition's ISR and serves as before.
            cluster.startBroker(victim);
            try (Admin admin = cluster.createAdmin()) {
                assertThat(admin.describeCluster().nodes().get())
                        .extracting(node -> node.id())
                        .containsExactlyInAnyOrderElementsOf(cluster.brokerIds());
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (!admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                        .allMatch(p -> p.isr().size() == 3)) {
                    assertThat(System.nanoTime())
                            .as("ISR of 3 again within " + TIMEOUT)
                            .isLessThan(deadline);
                    TimeUnit.MILLISECONDS.sleep(100); // polling interval of a condition
                }
            }
            cluster.stopBroker(cluster.brokerIds().stream()
                    .filter(id -> id != victim)
                    .findFirst()
                    .orElseThrow());
            produceCommittedAndAborted(cluster, topic, "tx2-" + topic);
            assertThat(cluster.consume(topic, 2, TIMEOUT))
                    .extracting(r -> new String(r.value(), UTF_8))
                    .containsExactly("committed", "committed");
        }
    }

    private static void produceCommittedAndAborted(EmbeddedKafkaCluster cluster, String topic, String txId) {
        try (KafkaProducer<byte[], byte[]> producer =
                cluster.createProducer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "k".getBytes(UTF_8), "committed".getBytes(UTF_8)));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "k".getBytes(UTF_8), "aborted".getBytes(UTF_8)));
            // Without the flush the aborted record never reaches the log at all.
            producer.flush();
            producer.abortTransaction();
        }
    }
}
