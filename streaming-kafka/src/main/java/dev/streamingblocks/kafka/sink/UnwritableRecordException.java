package dev.streamingblocks.kafka.sink;

/**
 * An element that an {@link TypedKafkaSink} without a dead-letter topic cannot write: its
 * topic selector, key or value schema or header provider failed, or the serialized record is
 * larger than the producer may send. The message names the topic (when known), the element type
 * and the cause; the original exception is the cause. With
 * {@link TypedKafkaSinkBuilder#setDeadLetterTopic(String)} such elements go to the
 * dead-letter topic instead and the job goes on.
 */
public class UnwritableRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String elementType;

    public UnwritableRecordException(String topic, String elementType, Throwable cause) {
        super(
                "Cannot write a record of type " + elementType + " to "
                        + (topic == null ? "Kafka (the topic selector failed)" : "topic '" + topic + "'") + ": "
                        + cause.getClass().getName() + ": " + cause.getMessage()
                        + ". Call setDeadLetterTopic(...) on the TypedKafkaSink builder to send such records to a"
                        + " dead-letter topic instead of failing the job",
                cause);
        this.topic = topic;
        this.elementType = elementType;
    }

    /** The intended topic; {@code null} when the topic selector failed. */
    public String getTopic() {
        return topic;
    }

    /** The element's class name, or {@code "null"}. */
    public String getElementType() {
        return elementType;
    }
}
