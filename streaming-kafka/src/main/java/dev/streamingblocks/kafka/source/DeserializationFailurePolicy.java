package dev.streamingblocks.kafka.source;

/**
 * What a {@link TypedKafkaSource} does with a record whose value cannot be deserialized. The policy
 * covers data errors only: when the value cannot be read for a reason outside the record (the schema
 * registry unavailable after its client's retries), the job fails with
 * {@link DeserializationFailureException#forTransientFailure} whatever the policy, and its restart
 * strategy retries the record.
 */
public enum DeserializationFailurePolicy {

    /**
     * The job fails with a {@link DeserializationFailureException} naming the topic, partition,
     * offset and cause. Safe default: nothing is lost silently.
     */
    FAIL,

    /**
     * The record is dropped and counted in the {@value TypedKafkaSource#DESERIALIZATION_ERRORS_METRIC}
     * metric of the source operator.
     */
    SKIP,

    /**
     * The record goes to the dead-letter topic with its original key and value bytes and the
     * {@link DeadLetterHeaders}; good records keep flowing. It is also counted in
     * {@value TypedKafkaSource#DESERIALIZATION_ERRORS_METRIC}.
     */
    DEAD_LETTER
}
