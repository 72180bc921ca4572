package dev.streamingblocks.kafka.source.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;

import dev.streamingblocks.kafka.source.DeadLetter;
import dev.streamingblocks.kafka.source.DeadLetterHeaders;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** Writes a {@link DeadLetter} with its original key and value bytes and the {@link DeadLetterHeaders}. */
public final class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        List<Header> headers = List.of(
                header(DeadLetterHeaders.SOURCE_TOPIC, letter.getTopic()),
                header(DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(letter.getPartition())),
                header(DeadLetterHeaders.SOURCE_OFFSET, Long.toString(letter.getOffset())),
                header(DeadLetterHeaders.SOURCE_TIMESTAMP, Long.toString(letter.getTimestamp())),
                header(DeadLetterHeaders.ERROR_CLASS, letter.getErrorClass()),
                header(DeadLetterHeaders.ERROR_MESSAGE, letter.getErrorMessage()));
        // No explicit timestamp: the broker stamps "now", so an old bad record is not deleted by
        // retention right after it lands; the original timestamp travels in a header.
        return new ProducerRecord<>(topic, null, null, letter.getKey(), letter.getValue(), headers);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, (value == null ? "" : value).getBytes(UTF_8));
    }
}
