package dev.streamingblocks.kafka.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.registry.HttpSchemaRegistryClient;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig;
import dev.streamingblocks.kafka.testing.PaymentEvent;
import dev.streamingblocks.kafka.testutils.DeadLetterRecords;
import dev.streamingblocks.kafka.testutils.FlinkTestCluster;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dead-letter path with the real Avro registry serde: good Avro records interleaved with the
 * bad bytes a registry-based topic really meets. Every good record comes out; every bad one lands
 * in the dead-letter topic with its exact bytes and headers; the job finishes normally.
 */
class TypedKafkaSourceAvroDeadLetterITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;
    private static final int UNKNOWN_SCHEMA_ID = 987_654;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.extension();

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final Schema SHIPMENT = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Shipment\",\"namespace\":\"dev.streamingblocks.kafka.testing\","
                    + "\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"qty\",\"type\":\"int\"}]}");

    /** A bad record as written: which kind, its key, its value and the error it must be filed under. */
    private record Bad(String kind, byte[] key, byte[] value, String errorClass) {}

    @Test
    void everyGoodAvroRecordComesOutAndEveryBadOneIsDeadLetteredUnchanged() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("avro-payments");
        String dlq = topic + "-dlq";
        KAFKA.cluster().createTopic(topic, 2);
        KAFKA.cluster().createTopic(dlq, 1);
        Map<String, Object> registryConfig = new HashMap<>();
        registryConfig.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());

        AvroRegistrySerializationSchema<PaymentEvent> paymentWriter = AvroRegistrySerializationSchema.forSpecific(
                PaymentEvent.class,
                topic,
                registryConfig,
                config -> new HttpSchemaRegistryClient(SchemaRegistryClientConfig.fromMap(config)));
        // Registered under the other topic's subject: a real schema id, of the wrong record type.
        AvroRegistrySerializationSchema<GenericRecord> shipmentWriter = AvroRegistrySerializationSchema.forGeneric(
                SHIPMENT,
                topic + "-shipments",
                registryConfig,
                config -> new HttpSchemaRegistryClient(SchemaRegistryClientConfig.fromMap(config)));

        List<PaymentEvent> good = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            good.add(new PaymentEvent("p-" + i, "acc-" + (i % 3), 100L * i, BASE_TIMESTAMP + i));
        }
        List<Bad> bad = badRecords(paymentWriter.serialize(good.get(0)), shipmentWriter);

        List<ProducerRecord<byte[], byte[]>> toSend = new ArrayList<>();
        List<Integer> badIndexes = new ArrayList<>();
        for (int i = 0; i < Math.max(good.size(), bad.size()); i++) {
            if (i < good.size()) {
                PaymentEvent p = good.get(i);
                toSend.add(new ProducerRecord<>(
                        topic,
                        toSend.size() % 2,
                        BASE_TIMESTAMP + toSend.size(),
                        p.getAccount().getBytes(UTF_8),
                        paymentWriter.serialize(p)));
            }
            if (i < bad.size()) {
                badIndexes.add(toSend.size());
                toSend.add(new ProducerRecord<>(
                        topic,
                        toSend.size() % 2,
                        BASE_TIMESTAMP + toSend.size(),
                        bad.get(i).key(),
                        bad.get(i).value()));
            }
        }
        List<RecordMetadata> landed = KAFKA.cluster().produce(toSend);

        TypedKafkaSource<PaymentEvent> source = TypedKafkaSource.<PaymentEvent>builder()
                .setName("avro-payments-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("avro-dlq-test-" + topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .setAvroValue(PaymentEvent.class, registryConfig)
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(dlq)
                .build();
        StreamExecutionEnvironment env = FlinkTestCluster.env(2);
        env.setParallelism(2);

        List<PaymentEvent> out = FlinkTestCluster.collect(source.attach(env).records(), "avro-dlq");
        out.sort(Comparator.comparing(PaymentEvent::getId));
        assertThat(out).containsExactlyElementsOf(good);

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.cluster().consume(dlq, bad.size(), TIMEOUT);
        Map<String, ConsumerRecord<byte[], byte[]>> deadByPosition = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            deadByPosition.put(
                    DeadLetterRecords.header(record, DeadLetterHeaders.SOURCE_PARTITION) + "@"
                            + DeadLetterRecords.header(record, DeadLetterHeaders.SOURCE_OFFSET),
                    record);
        }
        assertThat(deadByPosition).hasSize(bad.size());
        for (int i = 0; i < bad.size(); i++) {
            Bad b = bad.get(i);
            RecordMetadata where = landed.get(badIndexes.get(i));
            ConsumerRecord<byte[], byte[]> record = deadByPosition.get(where.partition() + "@" + where.offset());
            assertThat(record).as("dead letter for %s", b.kind()).isNotNull();
            assertThat(record.key()).as("key of %s", b.kind()).isEqualTo(b.key());
            assertThat(record.value()).as("value of %s", b.kind()).isEqualTo(b.value());
            assertThat(DeadLetterRecords.header(record, DeadLetterHeaders.SOURCE_TOPIC))
                    .isEqualTo(topic);
            assertThat(DeadLetterRecords.header(record, DeadLetterHeaders.SOURCE_TIMESTAMP))
                    .as("timestamp of %s", b.kind())
                    .isEqualTo(Long.toString(BASE_TIMESTAMP + badIndexes.get(i)));
            assertThat(DeadLetterRecords.header(record, DeadLetterHeaders.ERROR_CLASS))
                    .as("error class of %s", b.kind())
                    .isEqualTo(b.errorClass());
            assertThat(DeadLetterRecords.header(record, DeadLetterHeaders.ERROR_MESSAGE))
                    .as("error message of %s", b.kind())
                    .isNotBlank();
        }
        assertThat(DeadLetterRecords.header(
                        deadByPosition.get(positionOf(landed, badIndexes, bad, "unknown schema id")),
                        DeadLetterHeaders.ERROR_MESSAGE))
                .contains(Integer.toString(UNKNOWN_SCHEMA_ID));
    }

    private static String positionOf(
            List<RecordMetadata> landed, List<Integer> badIndexes, List<Bad> bad, String kind) {
        for (int i = 0; i < bad.size(); i++) {
            if (bad.get(i).kind().equals(kind)) {
                RecordMetadata where = landed.get(badIndexes.get(i));
                return where.partition() + "@" + where.offset();
            }
        }
        throw new AssertionError("no bad record of kind " + kind);
    }

    private static List<Bad> badRecords(byte[] goodPayment, AvroRegistrySerializationSchema<GenericRecord> shipments) {
        String avro = "dev.streamingblocks.core.avro.";
        GenericRecord shipment = new GenericData.Record(SHIPMENT);
        shipment.put("sku", "A-1");
        shipment.put("qty", 2);

        byte[] wrongMagic = goodPayment.clone();
        wrongMagic[0] = 1;
        byte[] unknownId = ByteBuffer.allocate(goodPayment.length)
                .put(goodPayment)
                .putInt(1, UNKNOWN_SCHEMA_ID)
                .array();
        byte[] truncated = Arrays.copyOf(goodPayment, goodPayment.length - 4);
        byte[] random = new byte[32];
        new Random(42).nextBytes(random);
        random[0] = 7; // a wrong magic byte whatever the seed gives

        return List.of(
                new Bad("empty value", "k-empty".getBytes(UTF_8), new byte[0], avro + "InvalidWireFormatException"),
                new Bad("wrong magic byte", "k-magic".getBytes(UTF_8), wrongMagic, avro + "InvalidWireFormatException"),
                new Bad(
                        "unknown schema id",
                        null,
                        unknownId,
                        "dev.streamingblocks.core.avro.registry.SchemaNotFoundException"),
                new Bad("truncated body", "k-trunc".getBytes(UTF_8), truncated, avro + "MalformedAvroDataException"),
                new Bad(
                        "valid avro of another schema",
                        "k-other".getBytes(UTF_8),
                        shipments.serialize(shipment),
                        avro + "IncompatibleReaderSchemaException"),
                new Bad("random bytes", new byte[] {0, (byte) 0xff}, random, avro + "InvalidWireFormatException"),
                new Bad("tombstone", "k-tomb".getBytes(UTF_8), null, avro + "TombstoneException"));
    }
}
