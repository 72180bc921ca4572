package dev.streamingblocks.testkit.confluent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ConfluentPeerTest {

    static final String ORDER_V1 = """
            {"type": "record", "name": "Order", "namespace": "dev.streamingblocks.core.avro.testing",
             "fields": [
               {"name": "order_id", "type": "string"},
               {"name": "user_id", "type": "string"},
               {"name": "product_id", "type": "string"},
               {"name": "quantity", "type": "int"},
               {"name": "price", "type": "double"},
               {"name": "timestamp", "type": "long"}]}""";

    static final String ORDER_V2 = """
            {"type": "record", "name": "Order", "namespace": "dev.streamingblocks.core.avro.testing",
             "fields": [
               {"name": "order_id", "type": "string"},
               {"name": "user_id", "type": "string"},
               {"name": "product_id", "type": "string"},
               {"name": "quantity", "type": "int"},
               {"name": "price", "type": "double"},
               {"name": "timestamp", "type": "long"},
               {"name": "currency", "type": "string", "default": "EUR"}]}""";

    static final Map<String, Object> ARTICLE_ORDER = articleOrder();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

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
    void writesConfluentWireFormatThatPlainAvroAgreesWithAndReadsItBack() throws Exception {
        long requestsBefore = REGISTRY.registry().requestCount();
        SerializationSchema<Object> serializer = peer.serializer("peer-orders-value", ORDER_V1, REGISTRY.url());
        DeserializationSchema<Object> deserializer = peer.deserializer(ORDER_V1, REGISTRY.url());

        byte[] first = serializer.serialize(peer.newRecord(ORDER_V1, ARTICLE_ORDER));
        byte[] second = serializer.serialize(peer.newRecord(ORDER_V1, ARTICLE_ORDER));

        int registeredId =
                registryGet("/subjects/peer-orders-value/versions/1").get("id").asInt();
        assertThat(first[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(first, 1, 4).getInt()).isEqualTo(registeredId);
        assertThat(Arrays.copyOfRange(first, 5, first.length)).isEqualTo(plainAvroBody(ORDER_V1, ARTICLE_ORDER));
        assertThat(second).isEqualTo(first);

        assertThat(peer.fields(deserializer.deserialize(first))).containsExactlyEntriesOf(ARTICLE_ORDER);
        assertThat(peer.fields(deserializer.deserialize(second))).containsExactlyEntriesOf(ARTICLE_ORDER);

        // Confluent's client caches both directions: one registration, one lookup by id, plus our GET
        assertThat(REGISTRY.registry().requestCount() - requestsBefore).isEqualTo(3);
    }

    @Test
    void readerSchemaWithAnAddedFieldFillsItsDefault() throws Exception {
        byte[] v1Bytes = peer.serializer("peer-evolving-value", ORDER_V1, REGISTRY.url())
                .serialize(peer.newRecord(ORDER_V1, ARTICLE_ORDER));

        Map<String, Object> expected = new LinkedHashMap<>(ARTICLE_ORDER);
        expected.put("currency", "EUR");
        assertThat(peer.fields(peer.deserializer(ORDER_V2, REGISTRY.url()).deserialize(v1Bytes)))
                .containsExactlyEntriesOf(expected);
    }

    @Test
    void keepsThePeersAvroAndFlinkAvroCopiesApartButSharesFlinkInterfaces() throws Exception {
        SerializationSchema<Object> serializer = peer.serializer("peer-isolated-value", ORDER_V1, REGISTRY.url());
        Object record = peer.newRecord(ORDER_V1, ARTICLE_ORDER);

        assertThat(serializer.getClass().getName())
                .isEqualTo("org.apache.flink.formats.avro.registry.confluent.ConfluentRegistryAvroSerializationSchema");
        assertThat(serializer.getClass().getClassLoader()).isSameAs(peer.classLoader());
        assertThat(peer.classLoader().loadClass(SerializationSchema.class.getName()))
                .isSameAs(SerializationSchema.class);
        assertThat(record.getClass().getName())
                .isEqualTo("org.apache.flink.avro.shaded.org.apache.avro.generic.GenericData$Record");
        assertThat(record).isNotInstanceOf(GenericRecord.class);
        assertThat(peer.jar().getPath()).endsWith("/flink-sql-avro-confluent-registry-2.2.0.jar");
    }

    @Test
    void refusesToTakeAFlinkAvroClassFromTheParentWhenItsJarLacksIt() {
        assertThatThrownBy(() -> peer.classLoader().loadClass("org.apache.flink.formats.avro.NoSuchSchema"))
                .isInstanceOf(ClassNotFoundException.class)
                .hasMessage("org.apache.flink.formats.avro.NoSuchSchema is not in " + peer.jar()
                        + " and must not come from the parent class loader, whose copy links against unshaded Avro");
    }

    @Test
    void rejectsARecordWithAFieldTheSchemaDoesNotHave() {
        Map<String, Object> withExtra = new LinkedHashMap<>(ARTICLE_ORDER);
        withExtra.put("coupon", "X");

        assertThatThrownBy(() -> peer.newRecord(ORDER_V1, withExtra))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field 'coupon' is not in schema dev.streamingblocks.core.avro.testing.Order (fields: "
                        + "[order_id, user_id, product_id, quantity, price, timestamp])");
    }

    @Test
    void rejectsARecordMissingAFieldWithoutDefault() {
        Map<String, Object> withoutQuantity = new LinkedHashMap<>(ARTICLE_ORDER);
        withoutQuantity.remove("quantity");

        assertThatThrownBy(() -> peer.newRecord(ORDER_V1, withoutQuantity))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot build a record of schema dev.streamingblocks.core.avro.testing.Order: "
                        + "Field quantity type:INT pos:3 not set and has no default value");
    }

    @Test
    void rejectsSchemaTextThatIsNotAvro() {
        assertThatThrownBy(() -> peer.newRecord("{\"type\": \"recrod\"}", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("schemaJson is not a valid Avro schema: ");
        assertThatThrownBy(() -> peer.deserializer(" ", "http://127.0.0.1:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("readerSchemaJson must not be null or blank");
    }

    @Test
    void rejectsMissingArgumentsByName() {
        assertThatThrownBy(() -> peer.serializer("", ORDER_V1, "http://127.0.0.1:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("subject must not be null or blank");
        assertThatThrownBy(() -> peer.serializer("s", ORDER_V1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("registryUrl must not be null or blank");
    }

    @Test
    void rejectsSomethingThatIsNotAPeerRecord() {
        assertThatThrownBy(() -> peer.fields(ARTICLE_ORDER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("record must be a org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecord"
                        + " of the peer's shaded Avro, but is java.util.LinkedHashMap");
    }

    @Test
    void refusesAJarPathThatIsNotAFile() {
        Path missing = Path.of("/nonexistent/flink-sql-avro-confluent-registry.jar");

        assertThatThrownBy(() -> ConfluentPeer.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jarFile /nonexistent/flink-sql-avro-confluent-registry.jar is not a file");
    }

    @Test
    void loadsFromAnExplicitJarPathToo() throws Exception {
        try (ConfluentPeer explicit = ConfluentPeer.load(Path.of(peer.jar().toURI()))) {
            byte[] bytes = explicit.serializer("peer-explicit-value", ORDER_V1, REGISTRY.url())
                    .serialize(explicit.newRecord(ORDER_V1, ARTICLE_ORDER));

            assertThat(explicit.fields(
                            explicit.deserializer(ORDER_V1, REGISTRY.url()).deserialize(bytes)))
                    .containsExactlyEntriesOf(ARTICLE_ORDER);
            assertThat(explicit.classLoader()).isNotSameAs(peer.classLoader());
        }
    }

    @Test
    void extractsTheJarWhenItIsEmbeddedUnexpandedAsAResource(@TempDir Path resources) throws Exception {
        Path embedded = resources.resolve(ConfluentPeer.EMBEDDED_JAR_RESOURCE);
        Files.createDirectories(embedded.getParent());
        Files.createSymbolicLink(embedded, Path.of(peer.jar().toURI()));
        // a null parent: the searched loader sees the embedded jar but not the marker class
        try (URLClassLoader shadedJarLike =
                        new URLClassLoader(new URL[] {resources.toUri().toURL()}, null);
                ConfluentPeer extracted = ConfluentPeer.load(shadedJarLike, ConfluentPeer.class.getClassLoader())) {
            byte[] bytes = extracted
                    .serializer("peer-embedded-value", ORDER_V1, REGISTRY.url())
                    .serialize(extracted.newRecord(ORDER_V1, ARTICLE_ORDER));

            assertThat(extracted.jar()).isNotEqualTo(peer.jar());
            assertThat(extracted.jar().getPath()).endsWith(".jar").contains("flink-sql-avro-confluent-registry-");
            assertThat(extracted.fields(
                            extracted.deserializer(ORDER_V1, REGISTRY.url()).deserialize(bytes)))
                    .containsExactlyEntriesOf(ARTICLE_ORDER);
        }
    }

    @Test
    void namesBothPlacesItLookedWhenTheJarIsNowhere(@TempDir Path empty) throws Exception {
        try (URLClassLoader nothing =
                new URLClassLoader(new URL[] {empty.toUri().toURL()}, null)) {
            assertThatThrownBy(() -> ConfluentPeer.load(nothing, ConfluentPeer.class.getClassLoader()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "flink-sql-avro-confluent-registry is not on the classpath: found neither "
                                    + "org/apache/flink/formats/avro/registry/confluent/ConfluentRegistryAvroSerializationSchema.class"
                                    + " nor META-INF/streaming-blocks/flink-sql-avro-confluent-registry.jar; add"
                                    + " org.apache.flink:flink-sql-avro-confluent-registry as a test dependency after flink-avro");
        }
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

    /** The Avro binary body as real (unshaded) Avro 1.12 writes it, independent of the peer. */
    private static byte[] plainAvroBody(String schemaJson, Map<String, Object> fields) throws IOException {
        Schema schema = new Schema.Parser().parse(schemaJson);
        GenericData.Record record = new GenericData.Record(schema);
        fields.forEach(record::put);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Map<String, Object> articleOrder() {
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
