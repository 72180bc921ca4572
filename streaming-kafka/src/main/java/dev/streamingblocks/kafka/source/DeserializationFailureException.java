package dev.streamingblocks.kafka.source;

import java.io.IOException;

/**
 * Thrown (and failing the job) under {@link DeserializationFailurePolicy#FAIL} when a record's
 * value cannot be deserialized. The message names the topic, partition, offset and the cause.
 */
public class DeserializationFailureException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int partition;
    private final long offset;

    public DeserializationFailureException(String topic, int partition, long offset, Throwable cause) {
        super("Cannot deserialize the value of the record at topic '" + topic + "', partition " + partition
                + ", offset " + offset + ": " + cause.getClass().getName() + ": " + cause.getMessage(), cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }
}
