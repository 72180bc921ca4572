package dev.streamingblocks.examples.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.orders.OrderGenerator;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The plain producer and consumer: Avro orders through our serializer and back, offsets committed by hand. */
class ProduceConsumeITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    @Test
    void producedOrdersAreConsumedExactlyAndTheGroupCommitsToTheEnd() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("orders");
        KAFKA.cluster().createTopic(topic, 2, (short) 1, Map.of("retention.ms", "-1"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

        long acked = OrderProducer.builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setSchemaRegistryUrl(REGISTRY.url())
                .setTopic(topic)
                .setCount(50)
                .setSeed(7)
                .setStart(BEGINNING)
                .build()
                .run(out);
        assertThat(acked).isEqualTo(50);
        assertThat(log.toString(StandardCharsets.UTF_8)).endsWith("done: 50 orders acknowledged by '" + topic + "'\n");

        OrderConsumer consumer = new OrderConsumer(KAFKA.bootstrapServers(), REGISTRY.url(), topic, "reader-it");
        List<Order> consumed = consumer.consume(50, Duration.ofSeconds(10), out);
        List<Order> expected = new OrderGenerator(7, BEGINNING, Duration.ofMillis(100)).next(50);
        Comparator<Order> byId = Comparator.comparing(Order::getOrderId);
        assertThat(consumed.stream().sorted(byId).toList())
                .isEqualTo(expected.stream().sorted(byId).toList());

        // Manual commits: the group's committed offsets are the end of each partition ...
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("reader-it")
                    .partitionsToOffsetAndMetadata()
                    .get();
            var ends = admin.listOffsets(Map.of(
                            new TopicPartition(topic, 0), OffsetSpec.latest(),
                            new TopicPartition(topic, 1), OffsetSpec.latest()))
                    .all()
                    .get();
            assertThat(committed).hasSize(2);
            committed.forEach((tp, offset) ->
                    assertThat(offset.offset()).isEqualTo(ends.get(tp).offset()));
        }
        // ... so the same group reads nothing more.
        assertThat(consumer.consume(0, Duration.ofSeconds(3), out)).isEmpty();
    }

    @Test
    void transactionsWithBurstsAndPageViewsReachTheirTopics() throws Exception {
        String transactions = EmbeddedKafkaCluster.uniqueTopicName("transactions");
        String views = EmbeddedKafkaCluster.uniqueTopicName("page-views");
        KAFKA.cluster().createTopic(transactions, 1);
        KAFKA.cluster().createTopic(views, 1);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(OrderProducer.builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setKind(OrderProducer.Kind.TRANSACTIONS)
                        .setTopic(transactions)
                        .setCount(30)
                        .setFraudEvery(10)
                        .setStart(BEGINNING)
                        .build()
                        .run(quiet))
                .isEqualTo(30);
        assertThat(OrderProducer.builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setKind(OrderProducer.Kind.PAGE_VIEWS)
                        .setTopic(views)
                        .setCount(20)
                        .setRatePerSecond(200)
                        .setStart(BEGINNING)
                        .build()
                        .run(quiet))
                .isEqualTo(20);
        assertThat(KAFKA.cluster().consume(transactions, 30, Duration.ofSeconds(10)))
                .hasSize(30);
        assertThat(KAFKA.cluster().consume(views, 20, Duration.ofSeconds(10)))
                .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .startsWith("{\"user_id\":\"user-"));
    }
}
