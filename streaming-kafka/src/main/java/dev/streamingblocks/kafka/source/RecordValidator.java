package dev.streamingblocks.kafka.source;

import java.io.Serializable;
import java.util.Optional;

/**
 * Checks a value a {@link TypedKafkaSource} has deserialized, before its event time is read. A
 * value with a problem is handled by the source's {@link DeserializationFailurePolicy} like one that
 * cannot be deserialized: under {@code DEAD_LETTER} it goes to the dead-letter topic with its
 * original bytes, {@code dlq.error.class} {@link InvalidRecordException} and the problem as
 * {@code dlq.error.message}, and is counted in {@value TypedKafkaSource#DESERIALIZATION_ERRORS_METRIC}.
 *
 * <pre>{@code
 * RecordValidator<Order> validator = order -> order.getQuantity() > 0
 *         ? Optional.empty()
 *         : Optional.of("field 'quantity' must be positive, but was " + order.getQuantity());
 * }</pre>
 *
 * <p>It runs on every record in the source task, so keep it cheap and free of I/O; it is
 * serialized with the job graph. Name the field and the offending value in the problem, but
 * never a secret, and cut long values short.
 */
@FunctionalInterface
public interface RecordValidator<T> extends Serializable {

    /** The problem with {@code record}, or empty if it is valid. Never called with {@code null}. */
    Optional<String> problem(T record);
}
