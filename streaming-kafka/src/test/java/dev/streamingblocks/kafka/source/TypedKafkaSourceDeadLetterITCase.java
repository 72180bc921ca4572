package dev.streamingblocks.kafka.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.kafka.testutils.DeadLetterRecords;
import dev.streamingblocks.kafka.testutils.FlinkTestCluster;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Good records interleaved with many kinds of bad bytes: every good one comes out, every bad one
 * lands in the dead-letter topic unchanged with its headers, and the job finishes normally.
 */
class TypedKafkaSourceDeadLetterITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.extension();

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    /** A bad record as written: which kind, its key and its value. */
    private record Bad(String kind, byte[] key, byte[] value) {}

    @Test
    void everyGoodRecordComesOutAndEveryBadOneIsDeadLetteredUnchanged() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("payments");
        String dlq = topic + "-dlq";
        KAFKA.cluster().createTopic(topic, 2);
        KAFKA.cluster().createTopic(dlq, 1);

        List<Payment> good = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            good.add(new Payment("p-" + i, "acc-" + (i % 3), 100L * i, BASE_TIMESTAMP + i));
        }
        List<Bad> bad = badRecords();

        // Interleave good and bad across both partitions, each record with a known timestamp.
        List<ProducerRecord<byte[], byte[]>> toSend = new ArrayList<>();
        List<Bad> sentBad = new ArrayList<>();
        List<Integer> badIndexes = new ArrayList<>();
        int goodIndex = 0;
        int badIndex = 0;
        while (goodIndex < good.size() || badIndex < bad.size()) {
            if (goodIndex < good.size()) {
                Payment p = good.get(goodIndex);
                toSend.add(new ProducerRecord<>(
                        topic,
                        toSend.size() % 2,
                        BASE_TIMESTAMP + toSend.size(),
                        p.account().getBytes(UTF_8),
                        p.toJson()));
                goodIndex++;
            }
            if (badIndex < bad.size()) {
                Bad b = bad.get(badIndex);
                badIndexes.add(toSend.size());
                sentBad.add(b);
                toSend.add(new ProducerRecord<>(
                        topic, toSend.size() % 2, BASE_TIMESTAMP + toSend.size(), b.key(), b.value()));
                badIndex++;
            }
        }
        List<RecordMetadata> landed = KAFKA.cluster().produce(toSend);

        TypedKafkaSource<Payment> source = TypedKafkaSource.<Payment>builder()
                .setName("payments-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("dlq-test-" + topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .setJsonValue(Payment.class)
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(dlq)
                .build();
        StreamExecutionEnvironment env = FlinkTestCluster.env(2);
        KafkaSourceStreams<Payment> streams = source.attach(env);
        assertThat(streams.deadLetterSink()).isPresent();

        List<Payment> out = FlinkTestCluster.collect(streams.records(), "dead-letter-test");
        out.sort(Comparator.comparing(Payment::id, Comparator.comparingInt(id -> Integer.parseInt(id.substring(2)))));
        assertThat(out).containsExactlyElementsOf(good);

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.cluster().consume(dlq, sentBad.size(), TIMEOUT);
        Map<String, ConsumerRecord<byte[], byte[]>> deadByPosition = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            deadByPosition.put(
                    DeadLetterRecords.header(record, DeadLetterHeaders.SOURCE_PARTITION) + "@"
                            + DeadLetterRecords.header(record, DeadLetterHeaders.SOURCE_OFFSET),
                    record);
        }
        assertThat(deadByPosition).hasSize(sentBad.size());
        for (int i = 0; i < sentBad.size(); i++) {
            Bad b = sentBad.get(i);
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
                    .isEqualTo(expectedErrorClass(b.kind()));
            assertThat(DeadLetterRecords.header(record, DeadLetterHeaders.ERROR_MESSAGE))
                    .as("error message of %s", b.kind())
                    .isNotBlank();
        }
    }

    @Test
    void failPolicyFailsTheJobNamingTopicPartitionOffsetAndCause() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("payments-fail");
        KAFKA.cluster().createTopic(topic, 1);
        Payment ok = new Payment("p-1", "acc-1", 100, BASE_TIMESTAMP);
        KAFKA.cluster()
                .produce(List.of(
                        new ProducerRecord<>(topic, 0, null, ok.toJson()),
                        new ProducerRecord<>(topic, 0, null, new byte[0])));

        TypedKafkaSource<Payment> source = TypedKafkaSource.<Payment>builder()
                .setName("payments-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("fail-test-" + topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .setJsonValue(Payment.class)
                .build();
        StreamExecutionEnvironment env = FlinkTestCluster.env(2);
        source.attach(env).records().sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());

        assertThatThrownBy(() -> env.execute("fail-test")).satisfies(e -> {
            DeserializationFailureException failure = ExceptionUtils.findThrowable(
                            e, DeserializationFailureException.class)
                    .orElseThrow(() -> new AssertionError("no DeserializationFailureException in", e));
            assertThat(failure.getMessage())
                    .isEqualTo("Cannot deserialize the value of the record at topic '" + topic + "', partition 0,"
                            + " offset 1: " + failure.getCause().getClass().getName() + ": "
                            + failure.getCause().getMessage());
            assertThat(failure.getCause().getClass().getName())
                    .isEqualTo(
                            "org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.exc.MismatchedInputException");
        });
    }

    @Test
    void skipPolicyDropsBadRecordsAndKeepsGoodOnes() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("payments-skip");
        KAFKA.cluster().createTopic(topic, 2);
        List<Payment> good = List.of(
                new Payment("p-1", "acc-1", 100, BASE_TIMESTAMP),
                new Payment("p-2", "acc-2", 200, BASE_TIMESTAMP + 1),
                new Payment("p-3", "acc-1", 300, BASE_TIMESTAMP + 2));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Payment p : good) {
            records.add(new ProducerRecord<>(topic, records.size() % 2, null, p.toJson()));
            records.add(new ProducerRecord<>(topic, records.size() % 2, null, "not json".getBytes(UTF_8)));
        }
        KAFKA.cluster().produce(records);

        TypedKafkaSource<Payment> source = TypedKafkaSource.<Payment>builder()
                .setName("payments-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("skip-test-" + topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .setJsonValue(Payment.class)
                .setOnDeserializationError(DeserializationFailurePolicy.SKIP)
                .build();
        KafkaSourceStreams<Payment> streams = source.attach(FlinkTestCluster.env(2));
        assertThat(streams.deadLetterSink()).isEmpty();

        List<Payment> out = FlinkTestCluster.collect(streams.records(), "skip-test");
        out.sort(Comparator.comparing(Payment::id));
        assertThat(out).containsExactlyElementsOf(good);
    }

    private static String expectedErrorClass(String kind) {
        String jackson = "org.apache.flink.shaded.jackson2.com.fasterxml.jackson.";
        switch (kind) {
            case "tombstone":
                return "java.lang.IllegalArgumentException";
            case "empty value":
                return jackson + "databind.exc.MismatchedInputException";
            case "truncated body":
                return jackson + "core.io.JsonEOFException";
            case "valid avro of another schema":
                // 00 00 00 01 makes Jackson's encoding detection guess UTF-32.
                return "java.io.CharConversionException";
            case "json of another type":
                return jackson + "databind.exc.UnrecognizedPropertyException";
            default:
                return jackson + "core.JsonParseException";
        }
    }

    private static List<Bad> badRecords() throws IOException {
        Payment template = new Payment("p-x", "acc-x", 1, BASE_TIMESTAMP);
        byte[] full = template.toJson();
        byte[] truncated = new byte[full.length / 2];
        System.arraycopy(full, 0, truncated, 0, truncated.length);

        byte[] random = new byte[32];
        new Random(42).nextBytes(random);
        random[0] = (byte) 0xC3; // not a JSON start byte, whatever the seed gives

        return List.of(
                new Bad("empty value", "k-empty".getBytes(UTF_8), new byte[0]),
                new Bad("wrong magic byte", "k-magic".getBytes(UTF_8), new byte[] {1, 0, 0, 0, 1, 2, 'x'}),
                new Bad("unknown schema id", null, confluentFramed(9999, new byte[] {2, 'A'})),
                new Bad("truncated body", "k-trunc".getBytes(UTF_8), truncated),
                new Bad("valid avro of another schema", "k-avro".getBytes(UTF_8), confluentFramed(1, otherAvro())),
                new Bad("random bytes", new byte[] {0, (byte) 0xff}, random),
                new Bad(
                        "json of another type",
                        "k-json".getBytes(UTF_8),
                        "{\"sku\":\"A-1\",\"qty\":2}".getBytes(UTF_8)),
                new Bad("tombstone", "k-tomb".getBytes(UTF_8), null));
    }

    /** Confluent wire format: magic byte 0, a 4-byte schema id, then the body. */
    private static byte[] confluentFramed(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length)
                .put((byte) 0)
                .putInt(schemaId)
                .put(body)
                .array();
    }

    private static byte[] otherAvro() throws IOException {
        Schema schema = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"Shipment\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},"
                        + "{\"name\":\"qty\",\"type\":\"int\"}]}");
        GenericRecord record = new GenericData.Record(schema);
        record.put("sku", "A-1");
        record.put("qty", 2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }
}
