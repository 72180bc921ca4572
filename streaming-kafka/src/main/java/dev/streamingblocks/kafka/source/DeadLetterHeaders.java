package dev.streamingblocks.kafka.source;

/**
 * Names of the headers on a dead-letter record. Values are UTF-8 strings; numbers are in
 * decimal, the timestamp in epoch milliseconds, so tools like {@code kcat} show them as they are.
 */
public final class DeadLetterHeaders {

    /** The topic the bad record was read from. */
    public static final String SOURCE_TOPIC = "dlq.source.topic";

    /** Its partition. */
    public static final String SOURCE_PARTITION = "dlq.source.partition";

    /** Its offset. */
    public static final String SOURCE_OFFSET = "dlq.source.offset";

    /** Its Kafka timestamp, epoch milliseconds. */
    public static final String SOURCE_TIMESTAMP = "dlq.source.timestamp";

    /** The fully qualified class name of the exception the deserializer threw. */
    public static final String ERROR_CLASS = "dlq.error.class";

    /** The exception's message; empty when it had none. */
    public static final String ERROR_MESSAGE = "dlq.error.message";

    private DeadLetterHeaders() {}
}
