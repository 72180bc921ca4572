package dev.streamingblocks.core.avro.streams;

import static dev.streamingblocks.core.avro.testutils.TestOrders.genericV1;
import static dev.streamingblocks.core.avro.testutils.TestOrders.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.InvalidWireFormatException;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.core.avro.registry.InMemorySchemaRegistryClient;
import dev.streamingblocks.core.avro.testing.Order;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The Kafka Streams serdes configure like Confluent's and read what our Kafka serializer writes. */
class AvroStreamsSerdesTest {

    private static final String TOPIC = "orders";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    /** Kafka Streams hands its whole config to configure(); the registry keys keep Confluent's names. */
    private static final Map<String, Object> STREAMS_CONFIG = Map.of(
            "application.id", "order-filter",
            "bootstrap.servers", "localhost:9092",
            "schema.registry.url", "http://registry.invalid:8081",
            // Confluent's SpecificAvroSerde ignores this key; so does ours.
            "specific.avro.reader", "false");

    @Test
    void specificSerdeRoundTripsTheGeneratedClassWhateverSpecificAvroReaderSays() {
        try (Serde<Order> serde = new SpecificAvroSerde<>(registry)) {
            serde.configure(STREAMS_CONFIG, false);
            byte[] bytes = serde.serializer().serialize(TOPIC, order(7));

            assertThat(bytes[0]).isZero();
            assertThat(serde.deserializer().deserialize(TOPIC, bytes))
                    .isInstanceOf(Order.class)
                    .isEqualTo(order(7));
            assertThat(registry.getSubjects()).containsExactly("orders-value");
            assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
        }
    }

    @Test
    void specificSerdeReadsWhatThePlainKafkaSerializerWrote() {
        KafkaAvroSerializer producerSide =
                new KafkaAvroSerializer(registry, Map.of("schema.registry.url", "http://registry.invalid:8081"));
        try (SpecificAvroSerde<Order> serde = new SpecificAvroSerde<>(registry)) {
            serde.configure(STREAMS_CONFIG, false);
            assertThat(serde.deserializer().deserialize(TOPIC, producerSide.serialize(TOPIC, order(3))))
                    .isEqualTo(order(3));
        }
    }

    @Test
    void keySerdeUsesTheKeySubject() {
        try (SpecificAvroSerde<Order> serde = new SpecificAvroSerde<>(registry)) {
            serde.configure(STREAMS_CONFIG, true);
            serde.serializer().serialize(TOPIC, order(1));
            assertThat(registry.getSubjects()).containsExactly("orders-key");
        }
    }

    @Test
    void genericSerdeReadsInTheWritersSchema() {
        try (GenericAvroSerde serde = new GenericAvroSerde(registry)) {
            serde.configure(
                    Map.of("schema.registry.url", "http://registry.invalid:8081", "specific.avro.reader", "true"),
                    false);
            GenericRecord read =
                    serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, genericV1(5)));

            assertThat(read).isNotInstanceOf(Order.class).isEqualTo(genericV1(5));
        }
    }

    @Test
    void badBytesAndBadConfigFailWithTheKafkaSerdesMessages() {
        try (SpecificAvroSerde<Order> serde = new SpecificAvroSerde<>(registry)) {
            serde.configure(STREAMS_CONFIG, false);
            assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[] {7, 0, 0, 0, 1}))
                    .isInstanceOf(InvalidWireFormatException.class)
                    .hasMessage("Unknown magic byte 0x07 in Avro record: expected 0x00 (Confluent wire format)"
                            + " (topic 'orders')");
        }
        assertThatThrownBy(() -> new SpecificAvroSerde<Order>().configure(Map.of(), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.url");
    }
}
