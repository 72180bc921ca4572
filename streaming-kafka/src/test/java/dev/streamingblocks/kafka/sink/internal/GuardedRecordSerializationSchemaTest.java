package dev.streamingblocks.kafka.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.registry.SchemaRegistryUnavailableException;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.sink.UnwritableRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

class GuardedRecordSerializationSchemaTest {

    private static GuardedRecordSerializationSchema<String> schema() {
        return new GuardedRecordSerializationSchema<>(
                s -> s.startsWith("a") ? "topic-a" : s.startsWith("-") ? null : "topic-b",
                new Utf8KeySerializationSchema<String>(s -> s.equals("b0") ? null : "k-" + s),
                new SimpleStringSchema() {
                    @Override
                    public byte[] serialize(String element) {
                        if (element.contains("boom")) {
                            throw new IllegalStateException("cannot serialize " + element);
                        }
                        return element.endsWith("!") ? null : super.serialize(element);
                    }
                },
                s -> new RecordHeaders().add("len", Integer.toString(s.length()).getBytes(StandardCharsets.UTF_8)),
                null,
                new Properties(),
                Duration.ofSeconds(1));
    }

    @Test
    void buildsRecordFromSelectorKeyValueHeadersAndTimestamp() {
        ProducerRecord<byte[], byte[]> record = schema().serialize("aé", null, 42L);
        assertThat(record.topic()).isEqualTo("topic-a");
        assertThat(record.partition()).isNull();
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("k-aé");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("aé");
        assertThat(record.timestamp()).isEqualTo(42L);
        assertThat(record.headers().lastHeader("len").value()).isEqualTo("2".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nullKeyNullValueAndNegativeTimestamp() {
        ProducerRecord<byte[], byte[]> record = schema().serialize("b0", null, Long.MIN_VALUE);
        assertThat(record.topic()).isEqualTo("topic-b");
        assertThat(record.key()).isNull();
        assertThat(record.timestamp()).isNull();
        ProducerRecord<byte[], byte[]> tombstone = schema().serialize("b1!", null, null);
        assertThat(tombstone.value()).isNull();
        assertThat(new String(tombstone.key(), StandardCharsets.UTF_8)).isEqualTo("k-b1!");
        assertThat(tombstone.timestamp()).isNull();
    }

    @Test
    void withoutADeadLetterTopicAMissingTopicFailsNamingTypeCauseAndTheSetter() {
        assertThatThrownBy(() -> schema().serialize("-x", null, 1L))
                .isInstanceOf(UnwritableRecordException.class)
                .hasMessage("Cannot write a record of type java.lang.String to Kafka (the topic selector failed):"
                        + " java.lang.IllegalArgumentException: The topic selector returned no topic for a record of"
                        + " type java.lang.String. Call setDeadLetterTopic(...) on the TypedKafkaSink builder"
                        + " to send such records to a dead-letter topic instead of failing the job")
                .cause()
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutADeadLetterTopicAFailingValueSchemaFailsNamingTheTopic() {
        assertThatThrownBy(() -> schema().serialize("boom", null, 1L))
                .isInstanceOf(UnwritableRecordException.class)
                .hasMessage("Cannot write a record of type java.lang.String to topic 'topic-b':"
                        + " java.lang.IllegalStateException: cannot serialize boom. Call setDeadLetterTopic(...) on"
                        + " the TypedKafkaSink builder to send such records to a dead-letter topic instead of"
                        + " failing the job");
    }

    @Test
    void withoutADeadLetterTopicATooLargeRecordFailsBeforeTheProducer() {
        String big = "b".repeat(300);
        int size = estimate(
                ("k-" + big).getBytes(StandardCharsets.UTF_8),
                big.getBytes(StandardCharsets.UTF_8),
                new RecordHeaders().add("len", "300".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> schema().withRecordHandling(null, 500, true).serialize(big, null, 1L))
                .isInstanceOf(UnwritableRecordException.class)
                .hasMessageStartingWith("Cannot write a record of type java.lang.String to topic 'topic-b':"
                        + " org.apache.kafka.common.errors.RecordTooLargeException: The record is " + size
                        + " bytes when serialized (Kafka's upper estimate for key, value and headers), larger than"
                        + " the maximum record size of 500 bytes (max.request.size or setMaxRecordSize(...)).");
    }

    @Test
    void aFailingValueSchemaGivesADeadLetterWithKeyDescriptionAndHeaders() {
        ProducerRecord<byte[], byte[]> record =
                schema().withRecordHandling("dlq", 1024 * 1024, true).serialize("aboom", null, 42L);
        assertThat(record.topic()).isEqualTo("dlq");
        assertThat(record.partition()).isNull();
        assertThat(record.timestamp())
                .as("the producer's time, so retention keeps it")
                .isNull();
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("k-aboom");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("aboom");
        assertThat(headers(record))
                .containsExactly(
                        Map.entry("dlq.sink.topic", "topic-a"),
                        Map.entry("dlq.error.class", "java.lang.IllegalStateException"),
                        Map.entry("dlq.error.message", "cannot serialize aboom"),
                        Map.entry("dlq.value.kind", "description"),
                        Map.entry("dlq.value.truncated", "false"));
    }

    @Test
    void aFailingHeaderProviderKeepsTheSerializedValue() {
        GuardedRecordSerializationSchema<String> schema = new GuardedRecordSerializationSchema<String>(
                        s -> "out",
                        null,
                        new SimpleStringSchema(),
                        s -> {
                            throw new IllegalArgumentException("no headers for " + s);
                        },
                        null,
                        new Properties(),
                        Duration.ofSeconds(1))
                .withRecordHandling("dlq", 1024 * 1024, true);
        ProducerRecord<byte[], byte[]> record = schema.serialize("héllo", null, 1L);
        assertThat(record.key()).isNull();
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("héllo");
        assertThat(headers(record))
                .containsExactly(
                        Map.entry("dlq.sink.topic", "out"),
                        Map.entry("dlq.error.class", "java.lang.IllegalArgumentException"),
                        Map.entry("dlq.error.message", "no headers for héllo"),
                        Map.entry("dlq.value.size", "6"),
                        Map.entry("dlq.value.kind", "serialized"),
                        Map.entry("dlq.value.truncated", "false"));
    }

    @Test
    void aTooLargeValueIsReplacedByItsDescriptionCutToTheRoomLeft() {
        String big = "a".repeat(600);
        GuardedRecordSerializationSchema<String> schema = new GuardedRecordSerializationSchema<String>(
                        s -> "out", null, new SimpleStringSchema(), null, null, new Properties(), Duration.ofSeconds(1))
                .withRecordHandling("dlq", 500, true);
        ProducerRecord<byte[], byte[]> record = schema.serialize(big, null, 1L);
        assertThat(record.key()).isNull();
        String value = new String(record.value(), StandardCharsets.UTF_8);
        assertThat(big).startsWith(value);
        assertThat(value).isNotEmpty();
        assertThat(estimate(record.key(), record.value(), record.headers())).isLessThanOrEqualTo(500);
        Map<String, String> headers = headers(record);
        assertThat(headers)
                .containsEntry("dlq.error.class", "org.apache.kafka.common.errors.RecordTooLargeException")
                .containsEntry("dlq.value.size", "600")
                .containsEntry("dlq.value.kind", "description")
                .containsEntry("dlq.value.truncated", "true");
        assertThat(headers.get("dlq.error.message")).startsWith("The record is ");
    }

    @Test
    void aKeyThatAloneDoesNotFitIsOmitted() {
        String big = "a".repeat(5000);
        ProducerRecord<byte[], byte[]> record =
                schema().withRecordHandling("dlq", 1000, true).serialize(big, null, 1L);
        assertThat(record.key()).isNull();
        assertThat(estimate(record.key(), record.value(), record.headers())).isLessThanOrEqualTo(1000);
        assertThat(headers(record))
                .containsEntry("dlq.key.omitted", "true")
                .containsEntry("dlq.value.size", "5000")
                .containsEntry("dlq.value.truncated", "true");
    }

    @Test
    void descriptionsAreCutToTheNamedLimitOnACharacterBoundary() {
        String big = "é".repeat(TypedKafkaSink.MAX_DEAD_LETTER_DESCRIPTION_BYTES); // 2 bytes each
        ProducerRecord<byte[], byte[]> record =
                schema().withRecordHandling("dlq", 1024 * 1024, true).serialize("boom" + big, null, 1L);
        assertThat(record.value()).hasSize(TypedKafkaSink.MAX_DEAD_LETTER_DESCRIPTION_BYTES);
        assertThat(new String(record.value(), StandardCharsets.UTF_8))
                .isEqualTo("boom" + "é".repeat((TypedKafkaSink.MAX_DEAD_LETTER_DESCRIPTION_BYTES - 4) / 2));
        assertThat(headers(record)).containsEntry("dlq.value.truncated", "true");
    }

    @Test
    void errorMessagesAreBounded() {
        GuardedRecordSerializationSchema<String> schema = new GuardedRecordSerializationSchema<String>(
                        s -> "out",
                        null,
                        new SimpleStringSchema() {
                            @Override
                            public byte[] serialize(String element) {
                                throw new IllegalStateException("x".repeat(10_000));
                            }
                        },
                        null,
                        null,
                        new Properties(),
                        Duration.ofSeconds(1))
                .withRecordHandling("dlq", 1 << 20, true);
        assertThat(headers(schema.serialize("e", null, 1L)).get("dlq.error.message"))
                .isEqualTo("x".repeat(TypedKafkaSink.MAX_DEAD_LETTER_ERROR_MESSAGE_BYTES));
    }

    @Test
    void transientFailuresAreRethrownNotDeadLettered() {
        GuardedRecordSerializationSchema<String> schema = new GuardedRecordSerializationSchema<String>(
                        s -> "out",
                        null,
                        new SimpleStringSchema() {
                            @Override
                            public byte[] serialize(String element) {
                                throw new SchemaRegistryUnavailableException("registry down", 503, null);
                            }
                        },
                        null,
                        null,
                        new Properties(),
                        Duration.ofSeconds(1))
                .withRecordHandling("dlq", 1 << 20, true);
        assertThatThrownBy(() -> schema.serialize("e", null, 1L))
                .isInstanceOf(SchemaRegistryUnavailableException.class);
    }

    @Test
    void elementTimestampsCanBeLeftToTheProducer() {
        ProducerRecord<byte[], byte[]> record =
                schema().withRecordHandling(null, 1 << 20, false).serialize("aé", null, 42L);
        assertThat(record.timestamp()).isNull();
    }

    @Test
    void maxRequestSizeComesFromTheProducerProperties() {
        Properties properties = new Properties();
        assertThat(GuardedRecordSerializationSchema.maxRequestSize(properties)).isEqualTo(1_048_576);
        properties.setProperty("max.request.size", "2000");
        assertThat(GuardedRecordSerializationSchema.maxRequestSize(properties)).isEqualTo(2000);
        properties.put("max.request.size", 3000);
        assertThat(GuardedRecordSerializationSchema.maxRequestSize(properties)).isEqualTo(3000);
        properties.setProperty("max.request.size", "1MB");
        assertThatThrownBy(() -> GuardedRecordSerializationSchema.maxRequestSize(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("property 'max.request.size' must be a positive whole number of bytes, but is '1MB'");
    }

    private static int estimate(byte[] key, byte[] value, Headers headers) {
        return AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value, headers.toArray());
    }

    private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    @Test
    void deadLettersAreCountedInTheMetric() throws Exception {
        Map<String, Counter> counters = new LinkedHashMap<>();
        MetricGroup group = new UnregisteredMetricsGroup() {
            @Override
            public Counter counter(String name) {
                return counters.computeIfAbsent(name, n -> new SimpleCounter());
            }
        };
        GuardedRecordSerializationSchema<String> schema = schema().withRecordHandling("dlq", 1 << 20, true);
        schema.open(
                new SerializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return group;
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
                    }
                },
                null);
        schema.serialize("aboom", null, 1L);
        schema.serialize("fine", null, 1L);
        schema.serialize("bboom", null, 1L);
        assertThat(counters).containsOnlyKeys("deadLetterRecords");
        assertThat(counters.get("deadLetterRecords").getCount()).isEqualTo(2);
    }
}
