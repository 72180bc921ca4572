package dev.streamingblocks.core.avro;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.avro.registry.HttpSchemaRegistryClient;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig;
import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.testkit.confluent.ConfluentPeer;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Our serdes against Flink's {@code ConfluentRegistryAvro(De)SerializationSchema}, which run
 * Confluent's own registry client, both talking HTTP to one embedded registry: each side reads what
 * the other wrote, byte for byte the same output for the same schema id, and schema evolution in
 * both directions.
 */
class ConfluentCompatibilityITCase {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    /** The schema of the generated class, as a Java Confluent user with the same class would send it. */
    static final String ORDER_V1 = Order.getClassSchema().toString();

    /** v1 plus a field with a default: BACKWARD compatible, so the registry accepts it as version 2. */
    static final String ORDER_V2 = """
            {"type": "record", "name": "Order", "namespace": "dev.streamingblocks.core.avro.testing",
             "fields": [
               {"name": "order_id", "type": {"type": "string", "avro.java.string": "String"}},
               {"name": "user_id", "type": {"type": "string", "avro.java.string": "String"}},
               {"name": "product_id", "type": {"type": "string", "avro.java.string": "String"}},
               {"name": "quantity", "type": "int"},
               {"name": "price", "type": "double"},
               {"name": "timestamp", "type": "long"},
               {"name": "currency", "type": {"type": "string", "avro.java.string": "String"}, "default": "EUR"}]}""";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ConfluentPeer peer;

    @BeforeAll
    static void loadPeer() {
        peer = ConfluentPeer.load();
    }

    @AfterAll
    static void closePeer() {
        peer.close();
    }

    @Test
    void peerReadsWhatOursWrites() throws Exception {
        String topic = uniqueTopic("ours-to-peer");
        byte[] bytes = oursSpecificSerializer(topic).serialize(articleOrder());

        Object read = peer.deserializer(ORDER_V1, REGISTRY.url()).deserialize(bytes);

        assertThat(peer.fields(read)).containsExactlyEntriesOf(articleOrderFields());
    }

    @Test
    void oursReadsWhatPeerWritesIntoTheGeneratedClass() throws Exception {
        String topic = uniqueTopic("peer-to-ours-specific");
        byte[] bytes = peerSerializer(topic, ORDER_V1).serialize(peer.newRecord(ORDER_V1, articleOrderFields()));

        Order read = oursSpecificDeserializer().deserialize(bytes);

        assertThat(read).isEqualTo(articleOrder());
    }

    @Test
    void oursReadsWhatPeerWritesAsGenericRecord() throws Exception {
        String topic = uniqueTopic("peer-to-ours-generic");
        byte[] bytes = peerSerializer(topic, ORDER_V1).serialize(peer.newRecord(ORDER_V1, articleOrderFields()));

        GenericRecord read = oursGenericDeserializer(Order.getClassSchema()).deserialize(bytes);

        assertThat(genericFields(read)).containsExactlyEntriesOf(articleOrderFields());
    }

    @Test
    void bothWriteIdenticalBytesUnderTheSameSubjectAndId() throws Exception {
        String topic = uniqueTopic("same-bytes");
        String subject = topic + "-value";

        byte[] ours = oursSpecificSerializer(topic).serialize(articleOrder());
        byte[] theirs = peerSerializer(subject, ORDER_V1).serialize(peer.newRecord(ORDER_V1, articleOrderFields()));

        assertThat(theirs).isEqualTo(ours);
        assertThat(ours[0]).isEqualTo((byte) 0);
        int id = schemaId(ours);
        assertThat(registryGet("/subjects/" + subject + "/versions").toString()).isEqualTo("[1]");
        assertThat(registryGet("/subjects/" + subject + "/versions/1").get("id").asInt()).isEqualTo(id);
        assertThat(subjects()).containsOnlyOnce(subject).doesNotContain(topic + "-key");
    }

    @Test
    void ourV1ReaderReadsWhatPeerWritesWithAnAddedField() throws Exception {
        String topic = uniqueTopic("peer-v2-to-ours-v1");
        String subject = topic + "-value";
        byte[] v1 = oursSpecificSerializer(topic).serialize(articleOrder());
        Map<String, Object> v2Fields = new LinkedHashMap<>(articleOrderFields());
        v2Fields.put("currency", "USD");

        byte[] v2 = peerSerializer(subject, ORDER_V2).serialize(peer.newRecord(ORDER_V2, v2Fields));

        assertThat(schemaId(v2)).isNotEqualTo(schemaId(v1));
        assertThat(registryGet("/subjects/" + subject + "/versions").toString()).isEqualTo("[1,2]");
        assertThat(registryGet("/subjects/" + subject + "/versions/2").get("id").asInt()).isEqualTo(schemaId(v2));
        assertThat(oursSpecificDeserializer().deserialize(v2)).isEqualTo(articleOrder());
        assertThat(genericFields(oursGenericDeserializer(Order.getClassSchema()).deserialize(v2)))
                .containsExactlyEntriesOf(articleOrderFields());
    }

    @Test
    void peerV2ReaderFillsTheDefaultIntoWhatOursWritesWithV1() throws Exception {
        String topic = uniqueTopic("ours-v1-to-peer-v2");
        byte[] v1 = oursSpecificSerializer(topic).serialize(articleOrder());

        Object read = peer.deserializer(ORDER_V2, REGISTRY.url()).deserialize(v1);

        Map<String, Object> expected = new LinkedHashMap<>(articleOrderFields());
        expected.put("currency", "EUR");
        assertThat(peer.fields(read)).containsExactlyEntriesOf(expected);
    }

    /** The real HTTP client; the serdes cache ids and writers/readers themselves. */
    private static final SchemaRegistryClientProvider HTTP_CLIENT =
            config -> new HttpSchemaRegistryClient(SchemaRegistryClientConfig.fromMap(config));

    private static Map<String, Object> config() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    }

    private static AvroRegistrySerializationSchema<Order> oursSpecificSerializer(String topic) {
        return open(AvroRegistrySerializationSchema.forSpecific(Order.class, topic, config(), HTTP_CLIENT));
    }

    private static AvroRegistryDeserializationSchema<Order> oursSpecificDeserializer() {
        return open(AvroRegistryDeserializationSchema.forSpecific(Order.class, config(), HTTP_CLIENT));
    }

    private static AvroRegistryDeserializationSchema<GenericRecord> oursGenericDeserializer(Schema reader) {
        return open(AvroRegistryDeserializationSchema.forGeneric(reader, config(), HTTP_CLIENT));
    }

    private static SerializationSchema<Object> peerSerializer(String subject, String schemaJson) {
        return peer.serializer(subject, schemaJson, REGISTRY.url());
    }

    /** Opens the schema as a Flink task would before first use (ours ignore the context). */
    private static <S extends SerializationSchema<?>> S open(S schema) {
        try {
            schema.open(null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return schema;
    }

    private static <S extends DeserializationSchema<?>> S open(S schema) {
        try {
            schema.open(null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return schema;
    }

    private static int schemaId(byte[] message) {
        return ByteBuffer.wrap(message, 1, 4).getInt();
    }

    private static JsonNode registryGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(REGISTRY.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> subjects() throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        registryGet("/subjects").forEach(node -> out.add(node.asText()));
        return out;
    }

    private static Map<String, Object> genericFields(GenericRecord record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.name());
            out.put(field.name(), value instanceof CharSequence chars ? chars.toString() : value);
        }
        return out;
    }

    private static String uniqueTopic(String purpose) {
        return "compat-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Order articleOrder() {
        return Order.newBuilder()
                .setOrderId("ord-123")
                .setUserId("user-456")
                .setProductId("prod-789")
                .setQuantity(2)
                .setPrice(49.99)
                .setTimestamp(1707235200000L)
                .build();
    }

    static Map<String, Object> articleOrderFields() {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("order_id", "ord-123");
        order.put("user_id", "user-456");
        order.put("product_id", "prod-789");
        order.put("quantity", 2);
        order.put("price", 49.99);
        order.put("timestamp", 1707235200000L);
        return order;
    }
}
