package dev.streamingblocks.kafka.sink;

import dev.streamingblocks.kafka.source.DeadLetterHeaders;

/**
 * Names of the headers on a dead-letter record written by an {@link TypedKafkaSink} with
 * {@link TypedKafkaSinkBuilder#setDeadLetterTopic(String)}. They follow the source's
 * {@link DeadLetterHeaders} and share its error headers. Values are UTF-8 strings, numbers in decimal.
 */
public final class SinkDeadLetterHeaders {

    /** The topic the record was meant for; absent when the topic selector failed. */
    public static final String SINK_TOPIC = "dlq.sink.topic";

    /** The fully qualified class name of the exception; the same header as a source dead letter's. */
    public static final String ERROR_CLASS = DeadLetterHeaders.ERROR_CLASS;

    /**
     * The exception's message, cut to {@link TypedKafkaSink#MAX_DEAD_LETTER_ERROR_MESSAGE_BYTES};
     * empty when it had none. The same header as a source dead letter's.
     */
    public static final String ERROR_MESSAGE = DeadLetterHeaders.ERROR_MESSAGE;

    /** The size in bytes of the value the value schema produced; absent when it produced none. */
    public static final String VALUE_SIZE = "dlq.value.size";

    /**
     * What the dead letter's value is: {@value TypedKafkaSink#DEAD_LETTER_VALUE_SERIALIZED}
     * (the serialized value, unchanged) or {@value TypedKafkaSink#DEAD_LETTER_VALUE_DESCRIPTION}
     * ({@code String.valueOf(element)} in UTF-8, because no value was produced or it does not fit).
     */
    public static final String VALUE_KIND = "dlq.value.kind";

    /** {@code true} when the description was cut to fit, else {@code false}. */
    public static final String VALUE_TRUNCATED = "dlq.value.truncated";

    /** {@code true}, present only when the key alone was too large and was left out. */
    public static final String KEY_OMITTED = "dlq.key.omitted";

    private SinkDeadLetterHeaders() {}
}
