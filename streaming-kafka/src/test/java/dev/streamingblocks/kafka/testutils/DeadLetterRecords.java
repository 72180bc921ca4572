package dev.streamingblocks.kafka.testutils;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.source.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Reads and checks the records a {@code TypedKafkaSource} writes to its dead-letter topic, so
 * every ITCase asserts the same {@link DeadLetterHeaders} the same way.
 */
public final class DeadLetterRecords {

    private DeadLetterRecords() {}

    /** The last header {@code name} as UTF-8, or {@code null} if the record has none. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }

    /** As {@link #header}, asserting the record has the header. */
    public static String requiredHeader(ConsumerRecord<?, ?> record, String name) {
        assertThat(record.headers().lastHeader(name)).as(name).isNotNull();
        return header(record, name);
    }

    /**
     * Asserts where a dead letter came from and why: its source topic, partition and offset, and
     * the exact error class and message.
     */
    public static void assertDeadLetter(
            ConsumerRecord<?, ?> record,
            String sourceTopic,
            int partition,
            long offset,
            String errorClass,
            String errorMessage) {
        assertThat(header(record, DeadLetterHeaders.SOURCE_TOPIC))
                .as("source topic")
                .isEqualTo(sourceTopic);
        assertThat(header(record, DeadLetterHeaders.SOURCE_PARTITION))
                .as("source partition")
                .isEqualTo(Integer.toString(partition));
        assertThat(header(record, DeadLetterHeaders.SOURCE_OFFSET))
                .as("source offset")
                .isEqualTo(Long.toString(offset));
        assertThat(header(record, DeadLetterHeaders.ERROR_CLASS))
                .as("error class")
                .isEqualTo(errorClass);
        assertThat(header(record, DeadLetterHeaders.ERROR_MESSAGE))
                .as("error message")
                .isEqualTo(errorMessage);
    }
}
