package dev.streamingblocks.core.avro.subject;

import java.io.Serializable;
import org.apache.avro.Schema;

/**
 * Chooses the schema-registry subject a schema is registered under, with the same meaning as
 * Confluent's {@code io.confluent.kafka.serializers.subject.strategy.SubjectNameStrategy}.
 *
 * <p>Implementations must be stateless (or at least thread-safe) and serializable, since Flink
 * ships them to task managers inside the serialization schema. Custom implementations need a
 * public no-argument constructor to be named in configuration.
 *
 * <pre>{@code
 * SubjectNameStrategy strategy = new TopicNameStrategy();
 * strategy.subjectName("orders", false, Order.getClassSchema()); // "orders-value"
 * }</pre>
 */
@FunctionalInterface
public interface SubjectNameStrategy extends Serializable {

    /**
     * The subject for {@code schema} written as the key ({@code isKey}) or value of a record on
     * {@code topic}. {@code topic} may be {@code null} for strategies that do not use it.
     *
     * @throws IllegalArgumentException when the strategy needs something missing, e.g. a topic
     */
    String subjectName(String topic, boolean isKey, Schema schema);
}
