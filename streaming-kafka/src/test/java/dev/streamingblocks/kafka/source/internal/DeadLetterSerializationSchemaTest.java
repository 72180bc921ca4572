package dev.streamingblocks.kafka.source.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.source.DeadLetter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DeadLetterSerializationSchemaTest {

    @Test
    void writesOriginalBytesAndAllHeaders() {
        byte[] key = {0, 1, 2};
        byte[] value = {(byte) 0xff, 0, 42};
        DeadLetter letter =
                new DeadLetter(key, value, "payments", 2, 17L, 1_700_000_000_000L, "java.io.EOFException", "truncated");

        ProducerRecord<byte[], byte[]> record =
                new DeadLetterSerializationSchema("payments-dlq").serialize(letter, null, 5L);

        assertThat(record.topic()).isEqualTo("payments-dlq");
        assertThat(record.partition()).isNull();
        assertThat(record.timestamp()).isNull();
        assertThat(record.key()).isEqualTo(key);
        assertThat(record.value()).isEqualTo(value);
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), UTF_8));
        }
        assertThat(headers)
                .containsExactly(
                        Map.entry("dlq.source.topic", "payments"),
                        Map.entry("dlq.source.partition", "2"),
                        Map.entry("dlq.source.offset", "17"),
                        Map.entry("dlq.source.timestamp", "1700000000000"),
                        Map.entry("dlq.error.class", "java.io.EOFException"),
                        Map.entry("dlq.error.message", "truncated"));
    }

    @Test
    void nullKeyAndValueStayNull() {
        DeadLetter letter = new DeadLetter(null, null, "t", 0, 0L, 0L, "java.lang.IllegalArgumentException", "");
        ProducerRecord<byte[], byte[]> record = new DeadLetterSerializationSchema("dlq").serialize(letter, null, null);
        assertThat(record.key()).isNull();
        assertThat(record.value()).isNull();
        assertThat(new String(record.headers().lastHeader("dlq.error.message").value(), UTF_8))
                .isEmpty();
    }
}
