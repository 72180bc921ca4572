package dev.streamingblocks.core.avro;

import static dev.streamingblocks.core.avro.testutils.TestOrders.ORDER_V2;
import static dev.streamingblocks.core.avro.testutils.TestOrders.genericV1;
import static dev.streamingblocks.core.avro.testutils.TestOrders.genericV2;
import static dev.streamingblocks.core.avro.testutils.TestOrders.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.registry.InMemorySchemaRegistryClient;
import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.core.avro.testutils.CountingRegistryClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Kafka Serializer/Deserializer adapters, without a broker: the serde level is what matters. */
class KafkaAvroSerdeTest {

    private static final String TOPIC = "orders";

    private final CountingRegistryClient registry = new CountingRegistryClient(new InMemorySchemaRegistryClient());
    private final Map<String, Object> config = new HashMap<>();

    @BeforeEach
    void setUp() {
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://registry.invalid:8081");
    }

    private KafkaAvroSerializer serializer(boolean isKey) {
        KafkaAvroSerializer serializer = new KafkaAvroSerializer(registry);
        serializer.configure(config, isKey);
        return serializer;
    }

    private KafkaAvroDeserializer deserializer(boolean isKey) {
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer(registry);
        deserializer.configure(config, isKey);
        return deserializer;
    }

    @Test
    void specificAvroReaderReturnsTheGeneratedClass() {
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, "true");

        Object read = deserializer(false).deserialize(TOPIC, serializer(false).serialize(TOPIC, order(1)));

        assertThat(read).isInstanceOf(Order.class).isEqualTo(order(1));
    }

    @Test
    void byDefaultAGenericRecordInTheWriterSchemaComesBack() {
        byte[] bytes = serializer(false).serialize(TOPIC, genericV2(2, "USD"));

        Object read = deserializer(false).deserialize(TOPIC, new RecordHeaders(), bytes);

        assertThat(read).isInstanceOf(GenericData.Record.class);
        GenericRecord record = (GenericRecord) read;
        assertThat(record.getSchema()).isEqualTo(ORDER_V2);
        assertThat(record.get("order_id").toString()).isEqualTo("ord-2");
        assertThat(record.get("currency").toString()).isEqualTo("USD");
    }

    @Test
    void specificReaderResolvesANewerWriterToTheGeneratedClass() {
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
        serializer(false).serialize(TOPIC, order(0));

        Object read = deserializer(false).deserialize(TOPIC, serializer(false).serialize(TOPIC, genericV2(3, "USD")));

        assertThat(read).isEqualTo(order(3));
    }

    @Test
    void kafkaAndFlinkSerializersWriteIdenticalBytes() {
        byte[] kafka = serializer(false).serialize(TOPIC, order(4));
        byte[] flink = AvroRegistrySerializationSchema.forSpecific(Order.class, TOPIC, config, c -> registry)
                .serialize(order(4));

        assertThat(kafka).isEqualTo(flink);
        assertThat(registry.registerCalls.get()).isEqualTo(2);
        assertThat(registry.getSubjects()).containsExactly("orders-value");
    }

    @Test
    void primitiveKeysAreWrittenAsAvroPrimitivesUnderTheKeySubject() {
        KafkaAvroSerializer keys = serializer(true);
        KafkaAvroDeserializer keyReader = deserializer(true);

        // "ord-1" as Avro: magic, id 1, zigzag length 5, the UTF-8 bytes.
        assertThat(keys.serialize("strings", "ord-1")).containsExactly(0, 0, 0, 0, 1, 10, 'o', 'r', 'd', '-', '1');
        assertThat(keyReader.deserialize("strings", keys.serialize("strings", "ord-1")))
                .isEqualTo("ord-1");
        assertThat(keyReader.deserialize("ints", keys.serialize("ints", 42))).isEqualTo(42);
        assertThat(keyReader.deserialize("longs", keys.serialize("longs", 42L))).isEqualTo(42L);
        assertThat(keyReader.deserialize("booleans", keys.serialize("booleans", true)))
                .isEqualTo(true);
        assertThat(keyReader.deserialize("doubles", keys.serialize("doubles", 1.5d)))
                .isEqualTo(1.5d);
        assertThat(keyReader.deserialize("floats", keys.serialize("floats", 2.5f)))
                .isEqualTo(2.5f);
        assertThat(keyReader.deserialize("bytes", keys.serialize("bytes", new byte[] {1, 2})))
                .isEqualTo(ByteBuffer.wrap(new byte[] {1, 2}));
        assertThat(registry.getSubjects())
                .containsExactlyInAnyOrder(
                        "strings-key",
                        "ints-key",
                        "longs-key",
                        "booleans-key",
                        "doubles-key",
                        "floats-key",
                        "bytes-key");
        assertThat(registry.getLatestVersion("bytes-key").schema()).isEqualTo(Schema.create(Schema.Type.BYTES));
    }

    @Test
    void aKeyOfAnotherTypeUnderTheSameSubjectIsRefusedByTheRegistry() {
        KafkaAvroSerializer keys = serializer(true);
        keys.serialize(TOPIC, "ord-1");

        assertThatThrownBy(() -> keys.serialize(TOPIC, 42))
                .isInstanceOf(dev.streamingblocks.core.avro.registry.IncompatibleSchemaException.class)
                .hasMessageStartingWith(
                        "Schema registry rejected the schema for subject 'orders-key' as incompatible under"
                                + " compatibility level BACKWARD")
                .hasMessageEndingWith(" (topic 'orders')");
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(serializer(false).serialize(TOPIC, null)).isNull();
        assertThat(deserializer(false).deserialize(TOPIC, null)).isNull();
        assertThat(deserializer(false).deserialize(TOPIC, new RecordHeaders(), (byte[]) null))
                .isNull();
        assertThat(registry.registerCalls.get()).isZero();
    }

    @Test
    void confluentStrategyClassNamesChooseTheSubject() {
        config.put(
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");
        config.put(
                AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY, "io.confluent.kafka.serializers.subject.RecordNameStrategy");

        serializer(false).serialize(TOPIC, order(1));
        serializer(true).serialize(TOPIC, "k");

        assertThat(registry.getSubjects())
                .containsExactlyInAnyOrder("orders-dev.streamingblocks.core.avro.testing.Order", "string");
    }

    @Test
    void errorsNameTheTopicAndTheNextRecordStillDecodes() {
        KafkaAvroDeserializer deserializer = deserializer(false);
        byte[] good = serializer(false).serialize(TOPIC, genericV1(1));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 9);

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new RecordHeaders(), new byte[] {7, 0, 0, 0, 1}))
                .isInstanceOf(InvalidWireFormatException.class)
                .hasMessage(
                        "Unknown magic byte 0x07 in Avro record: expected 0x00 (Confluent wire format) (topic 'orders')");
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, truncated))
                .isInstanceOf(MalformedAvroDataException.class)
                .hasMessage("Avro record with writer schema id 1 could not be decoded: the body ends early"
                        + " (truncated) (topic 'orders')");
        assertThat(deserializer.deserialize(TOPIC, good)).isEqualTo(genericV1(1));
    }

    @Test
    void specificReaderWithoutTheGeneratedClassSaysWhichClassIsMissing() {
        Schema unknown = SchemaBuilder.record("Refund")
                .namespace("com.acme")
                .fields()
                .requiredString("id")
                .endRecord();
        GenericRecord refund = new GenericData.Record(unknown);
        refund.put("id", "r-1");
        byte[] bytes = serializer(false).serialize(TOPIC, refund);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);

        assertThatThrownBy(() -> deserializer(false).deserialize(TOPIC, bytes))
                .isExactlyInstanceOf(AvroSerdeException.class)
                .hasMessage("specific.avro.reader is true but no generated SpecificRecord class com.acme.Refund for"
                        + " writer schema id 1 is on the classpath (topic 'orders')");
    }

    @Test
    void unsupportedTypesAreRejectedNamingTheType() {
        assertThatThrownBy(() -> serializer(false).serialize(TOPIC, new java.util.Date(0)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("KafkaAvroSerializer cannot write a java.util.Date as a value: it writes SpecificRecord,"
                        + " GenericRecord, Boolean, Integer, Long, Float, Double, CharSequence and byte[]"
                        + " (topic 'orders')");
    }

    @Test
    void unconfiguredSerdesSaySo() {
        assertThatThrownBy(() -> new KafkaAvroSerializer(registry).serialize(TOPIC, order(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("KafkaAvroSerializer is not configured: call configure(config, isKey) first");
        assertThatThrownBy(() -> new KafkaAvroDeserializer(registry).deserialize(TOPIC, new byte[5]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("KafkaAvroDeserializer is not configured: call configure(config, isKey) first");
    }

    @Test
    void anInjectedClientIsNotClosedByTheSerdes() {
        KafkaAvroSerializer serializer = serializer(false);
        KafkaAvroDeserializer deserializer = deserializer(false);

        serializer.close();
        deserializer.close();

        assertThat(registry.closeCalls.get()).isZero();
    }

    @Test
    void sharedInstancesAreSafeAcrossThreadsAndFetchEachIdOnce() throws Exception {
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
        KafkaAvroSerializer serializer = serializer(false);
        KafkaAvroDeserializer deserializer = deserializer(false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 500; i++) {
                        Order expected = order(thread * 1000 + i);
                        Object read = deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, expected));
                        if (expected.equals(read)) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(500);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.byIdCalls.get()).isBetween(1, 4);
    }
}
