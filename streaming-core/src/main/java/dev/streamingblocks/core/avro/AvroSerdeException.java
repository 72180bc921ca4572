package dev.streamingblocks.core.avro;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Base of every error raised by the Avro serdes and the schema-registry client.
 *
 * <p>The message always names what was wrong and, where known, the subject or schema id. When a
 * serde knows where the bytes came from (a Kafka topic, partition and offset), it attaches that
 * with {@link #attachRecordContext} so the message also says where the bad record is.
 */
public class AvroSerdeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private String topic;
    private int partition = -1;
    private long offset = -1L;

    public AvroSerdeException(String message) {
        super(message);
    }

    public AvroSerdeException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Records where the failing record came from. The first call wins, so a serde deep in the
     * stack and a wrapper above it cannot contradict each other.
     */
    public AvroSerdeException attachRecordContext(String topic, int partition, long offset) {
        if (this.topic == null && topic != null) {
            this.topic = topic;
            this.partition = partition;
            this.offset = offset;
        }
        return this;
    }

    /** The topic of the failing record, or {@code null} when unknown. */
    public String topic() {
        return topic;
    }

    public OptionalInt partition() {
        return partition >= 0 ? OptionalInt.of(partition) : OptionalInt.empty();
    }

    public OptionalLong offset() {
        return offset >= 0 ? OptionalLong.of(offset) : OptionalLong.empty();
    }

    @Override
    public String getMessage() {
        String base = super.getMessage();
        if (topic == null) {
            return base;
        }
        StringBuilder where =
                new StringBuilder(base).append(" (topic '").append(topic).append('\'');
        if (partition >= 0) {
            where.append(", partition ").append(partition);
        }
        if (offset >= 0) {
            where.append(", offset ").append(offset);
        }
        return where.append(')').toString();
    }
}
