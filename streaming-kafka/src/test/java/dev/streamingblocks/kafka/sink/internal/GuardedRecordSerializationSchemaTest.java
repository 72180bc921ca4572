package dev.streamingblocks.kafka.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class GuardedRecordSerializationSchemaTest {

    private static GuardedRecordSerializationSchema<String> schema() {
        return new GuardedRecordSerializationSchema<>(
                s -> s.startsWith("a") ? "topic-a" : s.startsWith("-") ? null : "topic-b",
                new Utf8KeySerializationSchema<String>(s -> s.equals("b0") ? null : "k-" + s),
                new SimpleStringSchema() {
                    @Override
                    public byte[] serialize(String element) {
                        return element.endsWith("!") ? null : super.serialize(element);
                    }
                },
                s -> new RecordHeaders().add("len", Integer.toString(s.length()).getBytes(StandardCharsets.UTF_8)),
                null, new Properties(), Duration.ofSeconds(1));
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
    void missingTopicIsNamed() {
        assertThatThrownBy(() -> schema().serialize("-x", null, 1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The topic selector returned no topic for a record of type java.lang.String");
    }
}
