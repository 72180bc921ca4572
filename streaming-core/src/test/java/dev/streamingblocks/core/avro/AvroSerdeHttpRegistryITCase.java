package dev.streamingblocks.core.avro;

import static dev.streamingblocks.core.avro.testutils.TestOrders.ORDER_NO_DEFAULT;
import static dev.streamingblocks.core.avro.testutils.TestOrders.ORDER_V2;
import static dev.streamingblocks.core.avro.testutils.TestOrders.genericV1;
import static dev.streamingblocks.core.avro.testutils.TestOrders.genericV2;
import static dev.streamingblocks.core.avro.testutils.TestOrders.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.registry.IncompatibleSchemaException;
import dev.streamingblocks.core.avro.registry.SchemaNotFoundException;
import dev.streamingblocks.core.avro.registry.SchemaRegistryUnavailableException;
import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The serdes against a real HTTP registry (the embedded one) through the HTTP client. */
class AvroSerdeHttpRegistryITCase {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        config.put("retries.wait.ms", 10);
        return config;
    }

    @Test
    void flinkSchemasRoundTripAndEvolveWithoutHttpOnTheHotPath() throws Exception {
        String topic = uniqueTopic("orders");
        AvroRegistrySerializationSchema<Order> writer =
                AvroRegistrySerializationSchema.forSpecific(Order.class, topic, config());
        AvroRegistryDeserializationSchema<Order> reader =
                AvroRegistryDeserializationSchema.forSpecific(Order.class, config());
        AvroRegistryDeserializationSchema<GenericRecord> newerReader =
                AvroRegistryDeserializationSchema.forGeneric(ORDER_V2, config());
        writer.open(null);
        reader.open(null);
        newerReader.open(null);

        assertThat(reader.deserialize(writer.serialize(order(0)))).isEqualTo(order(0));
        assertThat(newerReader
                        .deserialize(writer.serialize(order(1)))
                        .get("currency")
                        .toString())
                .isEqualTo("EUR");
        long warm = REGISTRY.registry().requestCount();
        for (int i = 0; i < 200; i++) {
            byte[] bytes = writer.serialize(order(i));
            assertThat(reader.deserialize(bytes)).isEqualTo(order(i));
            assertThat(newerReader.deserialize(bytes).get("order_id").toString())
                    .isEqualTo("ord-" + i);
        }

        assertThat(REGISTRY.registry().requestCount()).isEqualTo(warm);
        writer.close();
        reader.close();
        newerReader.close();
    }

    @Test
    void aNewerWriterIsReadByTheOlderReaderOverHttp() throws Exception {
        String topic = uniqueTopic("orders");
        AvroRegistrySerializationSchema.forSpecific(Order.class, topic, config())
                .serialize(order(0));
        byte[] v2 = AvroRegistrySerializationSchema.forGeneric(ORDER_V2, topic, config())
                .serialize(genericV2(3, "USD"));

        assertThat(AvroRegistryDeserializationSchema.forSpecific(Order.class, config())
                        .deserialize(v2))
                .isEqualTo(order(3));
    }

    @Test
    void kafkaSerdesCreatedReflectivelyWorkFromAConfluentStyleConfig() {
        String topic = uniqueTopic("orders");
        Map<String, Object> producerConfig = config();
        producerConfig.put(
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");
        Map<String, Object> consumerConfig = config();
        consumerConfig.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, "true");

        try (KafkaAvroSerializer serializer = new KafkaAvroSerializer();
                KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            serializer.configure(producerConfig, false);
            deserializer.configure(consumerConfig, false);

            assertThat(deserializer.deserialize(topic, serializer.serialize(topic, order(5))))
                    .isEqualTo(order(5));
            assertThat(deserializer.deserialize(topic, serializer.serialize(topic, genericV1(6))))
                    .isEqualTo(order(6));
        }
        try (var client = new dev.streamingblocks.core.avro.registry.HttpSchemaRegistryClient(
                dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig.fromMap(config()))) {
            assertThat(client.getSubjects()).contains(topic + "-dev.streamingblocks.core.avro.testing.Order");
        }
    }

    @Test
    void anUnknownSchemaIdIsTheClientsSchemaNotFoundWithRecordCoordinates() {
        byte[] bytes = {0, 0, 0x0F, 0x42, 0x3F, 2, 3};

        assertThatThrownBy(() -> AvroRegistryDeserializationSchema.forSpecific(Order.class, config())
                        .deserialize(bytes, "orders-in", 4, 1234L))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessage("Schema registry has no schema with id 999999 (GET /schemas/ids/999999 answered 404,"
                        + " error 40403) (topic 'orders-in', partition 4, offset 1234)");
    }

    @Test
    void anIncompatibleSchemaIsRefusedNamingTheSubject() {
        String topic = uniqueTopic("orders");
        AvroRegistrySerializationSchema.forSpecific(Order.class, topic, config())
                .serialize(order(0));

        assertThatThrownBy(() -> AvroRegistrySerializationSchema.forGeneric(ORDER_NO_DEFAULT, topic, config())
                        .serialize(genericV1(1)))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageStartingWith(
                        "Schema registry rejected the schema for subject '" + topic + "-value' as incompatible")
                .hasMessageEndingWith("(topic '" + topic + "')");
    }

    @Test
    void aTransientRegistryFailureIsRetriedByTheClient() throws Exception {
        String topic = uniqueTopic("orders");
        REGISTRY.registry().failNextRequests(1, 503);

        byte[] bytes = AvroRegistrySerializationSchema.forSpecific(Order.class, topic, config())
                .serialize(order(2));

        assertThat(AvroRegistryDeserializationSchema.forSpecific(Order.class, config())
                        .deserialize(bytes))
                .isEqualTo(order(2));
    }

    @Test
    void anUnreachableRegistryIsUnavailableNamingTheTopic() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:" + closedPort);
        config.put("max.retries", 0);
        String topic = uniqueTopic("orders");

        assertThatThrownBy(() -> AvroRegistrySerializationSchema.forSpecific(Order.class, topic, config)
                        .serialize(order(1)))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("'" + topic + "-value'")
                .hasMessageEndingWith("(topic '" + topic + "')");
    }

    @Test
    void credentialsNeverAppearInSerdeErrors() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://alice:s3cret-pw@127.0.0.1:" + closedPort);
        config.put("max.retries", 0);
        byte[] bytes = {0, 0, 0, 0, 7, 2};

        assertThatThrownBy(() -> AvroRegistryDeserializationSchema.forSpecific(Order.class, config)
                        .deserialize(bytes, "t", 0, 1L))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageEndingWith("(topic 't', partition 0, offset 1)")
                .hasMessageNotContaining("s3cret-pw")
                .hasMessageNotContaining("alice:");
        assertThat(AvroSerdeConfig.fromMap(config).toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void unknownRegistryKeysFailWhenTheSerdeIsBuilt() {
        Map<String, Object> config = config();
        config.put("schema.registry.basic.auth.password", "s3cret");

        assertThatThrownBy(() -> AvroRegistryDeserializationSchema.forSpecific(Order.class, config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "Unknown schema registry configuration key(s) [schema.registry.basic.auth.password];"
                                + " supported keys: [")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> new KafkaAvroSerializer().configure(config, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "Unknown schema registry configuration key(s) [schema.registry.basic.auth.password]");
    }
}
