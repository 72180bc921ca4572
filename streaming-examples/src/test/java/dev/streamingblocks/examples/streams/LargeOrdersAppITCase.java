package dev.streamingblocks.examples.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroDeserializer;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka Streams example on the embedded broker and registry: the library's Avro serde, set as
 * Kafka Streams' default value serde and configured by it from {@code schema.registry.url}, reads
 * what the library's Kafka serializer wrote; exactly the large orders come out, re-keyed, and a poison
 * pill goes to the dead-letter topic without stopping the app.
 */
class LargeOrdersAppITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    private static Order order(String id, String product, int quantity, double price) {
        return Order.newBuilder()
                .setOrderId(id)
                .setUserId("u")
                .setProductId(product)
                .setQuantity(quantity)
                .setPrice(price)
                .setTimestamp(1_770_000_000_000L)
                .build();
    }

    @Test
    void largeOrdersComeOutKeyedByProductAndAPoisonPillIsDeadLettered() throws Exception {
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(LargeOrdersApp.ORDERS_TOPIC, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(LargeOrdersApp.LARGE_ORDERS_TOPIC, 1, (short) 1, keep);
        KAFKA.cluster().createTopic(LargeOrdersApp.DEAD_LETTER_TOPIC, 1, (short) 1, keep);
        Map<String, Object> registryConfig = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        List<Order> orders = List.of(
                order("o1", "p1", 1, 999.99), // just under $1000
                order("o2", "p2", 2, 500.0), // exactly $1000: large
                order("o3", "p1", 10, 150.0), // $1500: large
                order("o4", "p3", 3, 10.0));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer()) {
            serializer.configure(registryConfig, false);
            for (Order o : orders) {
                records.add(new ProducerRecord<>(
                        LargeOrdersApp.ORDERS_TOPIC,
                        0,
                        bytes(o.getOrderId()),
                        serializer.serialize(LargeOrdersApp.ORDERS_TOPIC, o)));
            }
        }
        records.add(new ProducerRecord<>(LargeOrdersApp.ORDERS_TOPIC, 1, bytes("pill"), new byte[] {7, 0, 0, 0, 1}));
        KAFKA.cluster().produce(records);

        Properties config = LargeOrdersApp.config(KAFKA.bootstrapServers(), REGISTRY.url());
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        try (KafkaStreams streams = new KafkaStreams(LargeOrdersApp.topology(), config)) {
            streams.start();

            List<ConsumerRecord<byte[], byte[]>> large =
                    KAFKA.cluster().consume(LargeOrdersApp.LARGE_ORDERS_TOPIC, 2, TIMEOUT);
            try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
                deserializer.configure(
                        Map.of(
                                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                                REGISTRY.url(),
                                AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG,
                                true),
                        false);
                assertThat(large)
                        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                        .containsExactly("p2", "p1");
                assertThat(large)
                        .extracting(r -> deserializer.deserialize(LargeOrdersApp.LARGE_ORDERS_TOPIC, r.value()))
                        .containsExactly(orders.get(1), orders.get(2));
            }
            List<ConsumerRecord<byte[], byte[]>> dead =
                    KAFKA.cluster().consume(LargeOrdersApp.DEAD_LETTER_TOPIC, 1, TIMEOUT);
            assertThat(dead.get(0).value()).containsExactly(7, 0, 0, 0, 1);
            assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("pill");
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
