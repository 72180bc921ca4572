package dev.streamingblocks.kafka.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.kafka.sink.UpsertJsonLayout.ColumnType;
import dev.streamingblocks.kafka.sink.testutils.Committed;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Good records with one whose value schema throws and one larger than {@code max.request.size}:
 * with a dead-letter topic the job finishes (restarts are off, so any failure would fail it), the
 * good records are committed in the target topic and the two bad ones in the dead-letter topic
 * with exact headers; without one the job fails naming the topic, type and cause.
 */
class TypedKafkaSinkDeadLetterITCase {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final int GOOD = 20;
    /** Over the producer's default max.request.size of 1 MiB once written as JSON. */
    private static final int BIG_NOTE_CHARS = 1_200_000;

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** A value type written as JSON. */
    public record Measurement(String sensor, long value, String note) {}

    /** JSON, except for the sensor "poison", which it refuses as a real schema refuses bad data. */
    static final class PoisonRefusingSchema implements SerializationSchema<Measurement> {
        private static final long serialVersionUID = 1L;
        private final JsonValueSerializationSchema<Measurement> json =
                new JsonValueSerializationSchema<>(Measurement.class);

        @Override
        public void open(InitializationContext context) {
            json.open(context);
        }

        @Override
        public byte[] serialize(Measurement element) {
            if (element.sensor().equals("poison")) {
                throw new IllegalArgumentException("poison reading " + element.value());
            }
            return json.serialize(element);
        }
    }

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // a restart would show as a failed job
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        return env;
    }

    private static List<Measurement> input(List<Measurement> good, Measurement poison, Measurement big) {
        List<Measurement> all = new ArrayList<>(good);
        all.add(GOOD / 3, poison);
        all.add(2 * GOOD / 3, big);
        return all;
    }

    private static List<Measurement> good() {
        List<Measurement> good = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            good.add(new Measurement("s-" + i, i, "ok"));
        }
        return good;
    }

    private static TypedKafkaSinkBuilder<Measurement> sink(String topic) {
        return TypedKafkaSink.<Measurement>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(topic)
                .setKeyExtractor(Measurement::sensor)
                .setHeaderProvider(m -> new RecordHeaders().add("unit", "celsius".getBytes(UTF_8)))
                .setValueSerializationSchema(new PoisonRefusingSchema())
                .setTransactionalIdPrefix(topic)
                .setTransactionTimeout(Duration.ofMinutes(2))
                .setRestartMargin(Duration.ofMinutes(1));
    }

    @Test
    @Timeout(120)
    void badRecordsGoToTheDeadLetterTopicInTheSameTransactionsAndTheJobFinishes() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-dlq");
        String dlq = topic + "-dlq";
        KAFKA.cluster().createTopic(topic, 2);
        KAFKA.cluster().createTopic(dlq, 1);
        List<Measurement> good = good();
        Measurement poison = new Measurement("poison", 7, "bad");
        Measurement big = new Measurement("big", 8, "x".repeat(BIG_NOTE_CHARS));

        StreamExecutionEnvironment env = env();
        sink(topic).setDeadLetterTopic(dlq).build().sinkTo(env.fromData(input(good, poison, big)));
        JobExecutionResult result = env.execute("eos-dlq");
        assertThat(result.getJobID()).isNotNull();

        List<ConsumerRecord<byte[], byte[]>> written = Committed.readAll(KAFKA.cluster(), topic, READ_TIMEOUT);
        JsonValueSerializationSchema<Measurement> json = new JsonValueSerializationSchema<>(Measurement.class);
        assertThat(written.stream().map(r -> new String(r.key(), UTF_8) + " " + new String(r.value(), UTF_8)))
                .containsExactlyInAnyOrderElementsOf(good.stream()
                        .map(m -> m.sensor() + " " + new String(json.serialize(m), UTF_8))
                        .toList());

        List<ConsumerRecord<byte[], byte[]>> dead = Committed.readAll(KAFKA.cluster(), dlq, READ_TIMEOUT);
        assertThat(dead).hasSize(2);
        ConsumerRecord<byte[], byte[]> poisoned = byKey(dead, "poison");
        assertThat(new String(poisoned.value(), UTF_8)).isEqualTo("Measurement[sensor=poison, value=7, note=bad]");
        assertThat(headers(poisoned))
                .containsExactly(
                        Map.entry("dlq.sink.topic", topic),
                        Map.entry("dlq.error.class", "java.lang.IllegalArgumentException"),
                        Map.entry("dlq.error.message", "poison reading 7"),
                        Map.entry("dlq.value.kind", "description"),
                        Map.entry("dlq.value.truncated", "false"));

        byte[] bigValue = json.serialize(big);
        int bigSize = AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE,
                CompressionType.NONE,
                "big".getBytes(UTF_8),
                bigValue,
                new RecordHeaders().add("unit", "celsius".getBytes(UTF_8)).toArray());
        ConsumerRecord<byte[], byte[]> tooLarge = byKey(dead, "big");
        String description = "Measurement[sensor=big, value=8, note=" + big.note() + "]";
        assertThat(tooLarge.value())
                .isEqualTo(
                        Arrays.copyOf(description.getBytes(UTF_8), TypedKafkaSink.MAX_DEAD_LETTER_DESCRIPTION_BYTES));
        assertThat(headers(tooLarge))
                .containsExactly(
                        Map.entry("dlq.sink.topic", topic),
                        Map.entry("dlq.error.class", "org.apache.kafka.common.errors.RecordTooLargeException"),
                        Map.entry(
                                "dlq.error.message",
                                "The record is " + bigSize + " bytes when serialized (Kafka's upper"
                                        + " estimate for key, value and headers), larger than the maximum record size of 1048576"
                                        + " bytes (max.request.size or setMaxRecordSize(...))"),
                        Map.entry("dlq.value.size", Integer.toString(bigValue.length)),
                        Map.entry("dlq.value.kind", "description"),
                        Map.entry("dlq.value.truncated", "true"));
    }

    @Test
    @Timeout(120)
    void withoutADeadLetterTopicTheJobFailsNamingTopicTypeAndCause() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-no-dlq");
        KAFKA.cluster().createTopic(topic, 1);
        StreamExecutionEnvironment env = env();
        sink(topic).build().sinkTo(env.fromData(List.of(new Measurement("poison", 1, "bad"))));
        assertThatThrownBy(() -> env.execute("eos-no-dlq")).satisfies(e -> {
            Optional<UnwritableRecordException> failure =
                    ExceptionUtils.findThrowable(e, UnwritableRecordException.class);
            assertThat(failure).isPresent();
            assertThat(failure.get().getMessage())
                    .isEqualTo("Cannot write a record of type "
                            + Measurement.class.getName() + " to topic '" + topic
                            + "': java.lang.IllegalArgumentException: poison reading 1. Call setDeadLetterTopic(...)"
                            + " on the TypedKafkaSink builder to send such records to a dead-letter topic"
                            + " instead of failing the job");
        });
    }

    /** A row of an upsert table. */
    public record Note(String userId, String text) {}

    @Test
    @Timeout(120)
    void upsertJsonLayoutRowsTooLargeForTheTopicGoToTheDeadLetterTopic() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("upsert-dlq");
        String dlq = topic + "-dlq";
        KAFKA.cluster().createTopic(topic, 1);
        KAFKA.cluster().createTopic(dlq, 1);
        UpsertJsonLayout<Note> layout = UpsertJsonLayout.<Note>builder()
                .addColumn("user_id", ColumnType.STRING, Note::userId)
                .addColumn("text", ColumnType.STRING, Note::text)
                .setPrimaryKey("user_id")
                .build();
        List<Note> notes =
                List.of(new Note("alice", "hi"), new Note("bob", "y".repeat(20_000)), new Note("carol", "yo"));

        StreamExecutionEnvironment env = env();
        TypedKafkaSink.<Note>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(topic)
                .setUpsertJsonLayout(layout)
                .setDeadLetterTopic(dlq)
                .setMaxRecordSize(10_000) // as for a topic with max.message.bytes=10000
                .setTransactionalIdPrefix(topic)
                .setTransactionTimeout(Duration.ofMinutes(2))
                .setRestartMargin(Duration.ofMinutes(1))
                .build()
                .sinkTo(env.fromData(notes).setParallelism(1))
                .setParallelism(1);
        env.execute("upsert-dlq");

        assertThat(Committed.readAll(KAFKA.cluster(), topic, READ_TIMEOUT).stream()
                        .map(r -> new String(r.key(), UTF_8) + " -> " + new String(r.value(), UTF_8)))
                .containsExactly(
                        "{\"user_id\":\"alice\"} -> {\"user_id\":\"alice\",\"text\":\"hi\"}",
                        "{\"user_id\":\"carol\"} -> {\"user_id\":\"carol\",\"text\":\"yo\"}");
        List<ConsumerRecord<byte[], byte[]>> dead = Committed.readAll(KAFKA.cluster(), dlq, READ_TIMEOUT);
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).key(), UTF_8)).isEqualTo("{\"user_id\":\"bob\"}");
        String value = new String(dead.get(0).value(), UTF_8);
        assertThat("Note[userId=bob, text=" + "y".repeat(20_000) + "]").startsWith(value);
        assertThat(value.length()).isBetween(9_000, 10_000);
        Map<String, String> headers = headers(dead.get(0));
        assertThat(headers)
                .containsOnlyKeys(
                        "dlq.sink.topic",
                        "dlq.error.class",
                        "dlq.error.message",
                        "dlq.value.size",
                        "dlq.value.kind",
                        "dlq.value.truncated");
        assertThat(headers)
                .containsEntry("dlq.sink.topic", topic)
                .containsEntry("dlq.error.class", "org.apache.kafka.common.errors.RecordTooLargeException")
                .containsEntry(
                        "dlq.value.size", Integer.toString("{\"user_id\":\"bob\",\"text\":\"\"}".length() + 20_000))
                .containsEntry("dlq.value.kind", "description")
                .containsEntry("dlq.value.truncated", "true");
        assertThat(headers.get("dlq.error.message"))
                .endsWith(
                        "larger than the maximum record size of 10000 bytes (max.request.size or setMaxRecordSize(...))");
    }

    private static ConsumerRecord<byte[], byte[]> byKey(List<ConsumerRecord<byte[], byte[]>> records, String key) {
        return records.stream()
                .filter(r -> key.equals(new String(r.key(), UTF_8)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no record with key " + key));
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), UTF_8));
        }
        return headers;
    }
}
