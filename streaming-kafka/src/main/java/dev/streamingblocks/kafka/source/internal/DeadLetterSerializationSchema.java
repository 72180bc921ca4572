package dev.streamingblocks.kafka.source.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.streamingblocks.kafka.source.DeadLetter;
import dev.streamingblocks.kafka.source.DeadLetterHeaders;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.HeaderProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a {@link DeadLetter} with its original key and value bytes and the {@link DeadLetterHeaders}.
 *
 * <p>The dead-letter sink itself is an {@code TypedKafkaSink} built from the three parts
 * {@link #KEY}, {@link #VALUE} and {@link #HEADERS}, without element timestamps; {@link #serialize}
 * puts the same parts together the same way.
 */
public final class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    /** The original key bytes, {@code null} for none. */
    public static final SerializationSchema<DeadLetter> KEY = DeadLetter::getKey;

    /** The original value bytes, {@code null} (a tombstone) for none. */
    public static final SerializationSchema<DeadLetter> VALUE = DeadLetter::getValue;

    /** Where the record came from and why it failed. */
    public static final HeaderProvider<DeadLetter> HEADERS = DeadLetterSerializationSchema::headers;

    private final String topic;

    public DeadLetterSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        // No explicit timestamp: the broker stamps "now", so an old bad record is not deleted by
        // retention right after it lands; the original timestamp travels in a header.
        return new ProducerRecord<>(
                topic, null, null, KEY.serialize(letter), VALUE.serialize(letter), HEADERS.getHeaders(letter));
    }

    private static Headers headers(DeadLetter letter) {
        return new RecordHeaders()
                .add(DeadLetterHeaders.SOURCE_TOPIC, bytes(letter.getTopic()))
                .add(DeadLetterHeaders.SOURCE_PARTITION, bytes(Integer.toString(letter.getPartition())))
                .add(DeadLetterHeaders.SOURCE_OFFSET, bytes(Long.toString(letter.getOffset())))
                .add(DeadLetterHeaders.SOURCE_TIMESTAMP, bytes(Long.toString(letter.getTimestamp())))
                .add(DeadLetterHeaders.ERROR_CLASS, bytes(letter.getErrorClass()))
                .add(DeadLetterHeaders.ERROR_MESSAGE, bytes(letter.getErrorMessage()));
    }

    private static byte[] bytes(String value) {
        return (value == null ? "" : value).getBytes(UTF_8);
    }
}
