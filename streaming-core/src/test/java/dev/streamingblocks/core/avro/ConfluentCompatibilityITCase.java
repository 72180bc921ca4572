package dev.streamingblocks.core.avro;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.testkit.confluent.ConfluentPeer;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Our serdes against Flink's {@code ConfluentRegistryAvro(De)SerializationSchema}, which run
 * Confluent's own registry client, both talking HTTP to one embedded registry: each side reads what
 * the other wrote, both write the same bytes under the same subject and id, and schema evolution
 * works in both directions. The peer runs in its own class loader ({@link ConfluentPeer}) because
 * its jar carries a second, relocated copy of flink-avro.
 */
class ConfluentCompatibilityITCase {

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    @RegisterExtension
    static final SchemaRegistryExtension SECURED_REGISTRY =
            new SchemaRegistryExtension(EmbeddedSchemaRegistry.builder().setBasicAuth("alice", "s3cret"));

    /** One map for both sides, in Confluent's key names: the config a user moves over unchanged. */
    static final Map<String, String> CONFLUENT_BASIC_AUTH = Map.of(
            "basic.auth.credentials.source", "USER_INFO",
            "basic.auth.user.info", "alice:s3cret");

    /** The generated class's schema, as a Java Confluent user with the same class registers it. */
    static final String ORDER_V1 = Order.getClassSchema().toString();

    /** The seed article's schema text as its Python producer sends it: no namespace, no Java props. */
    static final String ARTICLE_ORDER_SCHEMA = """
            {"type": "record", "name": "Order",
             "fields": [
               {"name": "order_id", "type": "string"},
               {"name": "user_id", "type": "string"},
               {"name": "product_id", "type": "string"},
               {"name": "quantity", "type": "int"},
               {"name": "price", "type": "double"},
               {"name": "timestamp", "type": "long"}]}""";

    /** v1 plus a field with a default: BACKWARD compatible, so the registry takes it as version 2. */
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

    private final List<Runnable> closers = new ArrayList<>();

    @BeforeAll
    static void loadPeer() {
        peer = ConfluentPeer.load();
    }

    @AfterAll
    static void closePeer() {
        peer.close();
    }

    @AfterEach
    void closeOurSerdes() {
        closers.forEach(Runnable::run);
    }

    @Test
    void peerReadsWhatOursWrites() throws Exception {
        byte[] bytes = oursSerializer(uniqueTopic("ours-to-peer")).serialize(articleOrder());

        Object read = peer.deserializer(ORDER_V1, REGISTRY.url()).deserialize(bytes);

        assertThat(peer.fields(read)).containsExactlyEntriesOf(articleOrderFields());
    }

    @Test
    void oursReadsWhatPeerWritesIntoTheGeneratedClass() throws Exception {
        byte[] bytes = peerWrites(uniqueTopic("peer-to-ours-specific") + "-value", ORDER_V1, articleOrderFields());

        assertThat(oursSpecificDeserializer().deserialize(bytes)).isEqualTo(articleOrder());
    }

    @Test
    void oursReadsWhatPeerWritesAsGenericRecord() throws Exception {
        byte[] bytes = peerWrites(uniqueTopic("peer-to-ours-generic") + "-value", ORDER_V1, articleOrderFields());

        GenericRecord read = oursGenericDeserializer(Order.getClassSchema()).deserialize(bytes);

        assertThat(genericFields(read)).containsExactlyEntriesOf(articleOrderFields());
    }

    @Test
    void oursReadsWhatPeerWritesWithTheArticlesPlainSchema() throws Exception {
        byte[] bytes = peerWrites(uniqueTopic("article-schema") + "-value", ARTICLE_ORDER_SCHEMA, articleOrderFields());

        assertThat(oursSpecificDeserializer().deserialize(bytes)).isEqualTo(articleOrder());
        assertThat(genericFields(oursGenericDeserializer(Order.getClassSchema()).deserialize(bytes)))
                .containsExactlyEntriesOf(articleOrderFields());
    }

    @Test
    void peerReusesTheIdOursRegisteredAndWritesIdenticalBytes() throws Exception {
        String topic = uniqueTopic("ours-first");
        String subject = topic + "-value";

        byte[] ours = oursSerializer(topic).serialize(articleOrder());
        byte[] theirs = peerWrites(subject, ORDER_V1, articleOrderFields());

        assertThat(theirs).isEqualTo(ours);
        assertThat(ours[0]).isEqualTo((byte) 0);
        assertThat(versionsOf(subject)).isEqualTo("[1]");
        assertThat(idOf(subject, 1)).isEqualTo(schemaId(ours));
        assertThat(subjects()).containsOnlyOnce(subject).doesNotContain(topic + "-key", topic);
    }

    @Test
    void oursReusesTheIdPeerRegisteredAndWritesIdenticalBytes() throws Exception {
        String topic = uniqueTopic("peer-first");
        String subject = topic + "-value";

        byte[] theirs = peerWrites(subject, ORDER_V1, articleOrderFields());
        byte[] ours = oursSerializer(topic).serialize(articleOrder());

        assertThat(ours).isEqualTo(theirs);
        assertThat(versionsOf(subject)).isEqualTo("[1]");
        assertThat(idOf(subject, 1)).isEqualTo(schemaId(theirs));
    }

    @Test
    void ourV1ReaderReadsWhatPeerWritesWithAnAddedField() throws Exception {
        String topic = uniqueTopic("peer-v2-to-ours-v1");
        String subject = topic + "-value";
        byte[] v1 = oursSerializer(topic).serialize(articleOrder());
        Map<String, Object> v2Fields = new LinkedHashMap<>(articleOrderFields());
        v2Fields.put("currency", "USD");

        byte[] v2 = peerWrites(subject, ORDER_V2, v2Fields);

        assertThat(versionsOf(subject)).isEqualTo("[1,2]");
        assertThat(idOf(subject, 1)).isEqualTo(schemaId(v1));
        assertThat(idOf(subject, 2)).isEqualTo(schemaId(v2)).isNotEqualTo(schemaId(v1));
        assertThat(oursSpecificDeserializer().deserialize(v2)).isEqualTo(articleOrder());
        assertThat(genericFields(oursGenericDeserializer(Order.getClassSchema()).deserialize(v2)))
                .containsExactlyEntriesOf(articleOrderFields());
        // and the peer itself reads its v2 bytes back with the added field
        assertThat(peer.fields(peer.deserializer(ORDER_V2, REGISTRY.url()).deserialize(v2)))
                .containsExactlyEntriesOf(v2Fields);
    }

    @Test
    void peerV2ReaderFillsTheDefaultIntoWhatOursWritesWithV1() throws Exception {
        byte[] v1 = oursSerializer(uniqueTopic("ours-v1-to-peer-v2")).serialize(articleOrder());

        Object read = peer.deserializer(ORDER_V2, REGISTRY.url()).deserialize(v1);

        Map<String, Object> expected = new LinkedHashMap<>(articleOrderFields());
        expected.put("currency", "EUR");
        assertThat(peer.fields(read)).containsExactlyEntriesOf(expected);
    }

    @Test
    void peerAndOursEachUseTheirOwnCopyOfFlinkAvroOnOneClasspath() throws Exception {
        String name = "org.apache.flink.formats.avro.AvroSerializationSchema";
        Class<?> ourCopy = Class.forName(name);
        Class<?> peerCopy = peer.classLoader().loadClass(name);

        assertThat(peerCopy).isNotSameAs(ourCopy);
        assertThat(ourCopy.getProtectionDomain().getCodeSource().getLocation().getPath())
                .endsWith("/flink-avro-2.2.1.jar");
        assertThat(peerCopy.getProtectionDomain().getCodeSource().getLocation().getPath())
                .endsWith("/flink-sql-avro-confluent-registry-2.2.0.jar");
        assertThat(peerCopy.getMethod("getSchema").getReturnType().getName())
                .isEqualTo("org.apache.flink.avro.shaded.org.apache.avro.Schema");
        assertThat(ourCopy.getMethod("getSchema").getReturnType()).isSameAs(Schema.class);
    }

    @Test
    void bothTakeTheSameConfluentBasicAuthConfigAgainstASecuredRegistry() throws Exception {
        String topic = uniqueTopic("basic-auth");
        Map<String, Object> oursConfig = new LinkedHashMap<>(CONFLUENT_BASIC_AUTH);
        oursConfig.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, SECURED_REGISTRY.url());

        AvroRegistrySerializationSchema<Order> serializer =
                AvroRegistrySerializationSchema.forSpecific(Order.class, topic, oursConfig);
        AvroRegistryDeserializationSchema<Order> deserializer =
                AvroRegistryDeserializationSchema.forSpecific(Order.class, oursConfig);
        closers.add(serializer::close);
        closers.add(deserializer::close);
        byte[] ours = serializer.serialize(articleOrder());
        byte[] theirs = peer.serializer(topic + "-value", ORDER_V1, SECURED_REGISTRY.url(), CONFLUENT_BASIC_AUTH)
                .serialize(peer.newRecord(ORDER_V1, articleOrderFields()));

        assertThat(theirs).isEqualTo(ours);
        assertThat(deserializer.deserialize(theirs)).isEqualTo(articleOrder());
        assertThat(peer.fields(peer.deserializer(ORDER_V1, SECURED_REGISTRY.url(), CONFLUENT_BASIC_AUTH)
                        .deserialize(ours)))
                .containsExactlyEntriesOf(articleOrderFields());
        // the registry really is secured: without credentials it answers 401
        HttpResponse<String> anonymous = HTTP.send(
                HttpRequest.newBuilder(URI.create(SECURED_REGISTRY.url() + "/subjects"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private static Map<String, Object> config() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    }

    /** With the default (HTTP) registry client; opened as a Flink task would, closed after the test. */
    private AvroRegistrySerializationSchema<Order> oursSerializer(String topic) {
        AvroRegistrySerializationSchema<Order> serializer =
                AvroRegistrySerializationSchema.forSpecific(Order.class, topic, config());
        serializer.open(null);
        closers.add(serializer::close);
        return serializer;
    }

    private AvroRegistryDeserializationSchema<Order> oursSpecificDeserializer() {
        AvroRegistryDeserializationSchema<Order> deserializer =
                AvroRegistryDeserializationSchema.forSpecific(Order.class, config());
        deserializer.open(null);
        closers.add(deserializer::close);
        return deserializer;
    }

    private AvroRegistryDeserializationSchema<GenericRecord> oursGenericDeserializer(Schema reader) {
        AvroRegistryDeserializationSchema<GenericRecord> deserializer =
                AvroRegistryDeserializationSchema.forGeneric(reader, config());
        deserializer.open(null);
        closers.add(deserializer::close);
        return deserializer;
    }

    private static byte[] peerWrites(String subject, String schemaJson, Map<String, Object> fields) {
        return peer.serializer(subject, schemaJson, REGISTRY.url()).serialize(peer.newRecord(schemaJson, fields));
    }

    private static int schemaId(byte[] message) {
        return ByteBuffer.wrap(message, 1, 4).getInt();
    }

    private static String versionsOf(String subject) throws IOException, InterruptedException {
        return registryGet("/subjects/" + subject + "/versions").toString();
    }

    private static int idOf(String subject, int version) throws IOException, InterruptedException {
        return registryGet("/subjects/" + subject + "/versions/" + version)
                .get("id")
                .asInt();
    }

    private static List<String> subjects() throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        registryGet("/subjects").forEach(node -> out.add(node.asText()));
        return out;
    }

    private static JsonNode registryGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(REGISTRY.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
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

    private static Order articleOrder() {
        return Order.newBuilder()
                .setOrderId("ord-123")
                .setUserId("user-456")
                .setProductId("prod-789")
                .setQuantity(2)
                .setPrice(49.99)
                .setTimestamp(1707235200000L)
                .build();
    }

    private static Map<String, Object> articleOrderFields() {
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
