package dev.streamingblocks.kafka.source;

import java.io.IOException;

/**
 * Thrown (and failing the job) under {@link DeserializationFailurePolicy#FAIL} when a record's
 * value cannot be deserialized, fails the source's {@link RecordValidator}, or its event time cannot be read or is
 * rejected by the {@code EventTimeGuard} of the source's watermark strategy; and under every policy when the value
 * cannot be read for a transient reason outside the record ({@link #forTransientFailure}). The message names the topic,
 * partition, offset and the cause.
 */
public class DeserializationFailureException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int partition;
    private final long offset;

    public DeserializationFailureException(String topic, int partition, long offset, Throwable cause) {
        this("Cannot deserialize the value", topic, partition, offset, cause);
    }

    private DeserializationFailureException(String what, String topic, int partition, long offset, Throwable cause) {
        this(what, topic, partition, offset, "", cause);
    }

    private DeserializationFailureException(String topic, int partition, long offset, String why, Throwable cause) {
        this("Cannot deserialize the value", topic, partition, offset, why, cause);
    }

    private DeserializationFailureException(
            String what, String topic, int partition, long offset, String why, Throwable cause) {
        super(
                what + " of the record at topic '" + topic + "', partition " + partition + ", offset " + offset + why
                        + ": " + cause.getClass().getName() + ": " + cause.getMessage(),
                cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /**
     * For a record whose value was read but whose event time cannot be read or is rejected:
     * {@code Cannot accept the event time of the record at topic 't', partition p, offset o: <cause>}.
     */
    public static DeserializationFailureException forEventTime(
            String topic, int partition, long offset, Throwable cause) {
        return new DeserializationFailureException("Cannot accept the event time", topic, partition, offset, cause);
    }

    /**
     * For a record whose value was read but failed the source's {@link RecordValidator}:
     * {@code Cannot accept the value of the record at topic 't', partition p, offset o: <cause>}.
     */
    public static DeserializationFailureException forInvalidRecord(
            String topic, int partition, long offset, Throwable cause) {
        return new DeserializationFailureException("Cannot accept the value", topic, partition, offset, cause);
    }

    /**
     * For a record that could not be read for a reason outside it, such as the schema registry being
     * unavailable: {@code Cannot deserialize the value of the record at topic 't', partition p,
     * offset o for now (a transient failure, not a data error: the record is not dead-lettered or
     * skipped; the job fails and its restart strategy tries again): <cause>}. Thrown whatever the
     * {@link DeserializationFailurePolicy}.
     */
    public static DeserializationFailureException forTransientFailure(
            String topic, int partition, long offset, Throwable cause) {
        return new DeserializationFailureException(
                topic,
                partition,
                offset,
                " for now (a transient failure,"
                        + " not a data error: the record is not dead-lettered or skipped; the job fails and its restart"
                        + " strategy tries again)",
                cause);
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
