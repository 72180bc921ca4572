package dev.streamingblocks.core.avro.subject;

import org.apache.avro.Schema;

/**
 * Subject = the schema's full name (e.g. {@code com.acme.Order}), whatever the topic, so several
 * record types can share a topic and one type keeps one subject across topics. Same as Confluent's
 * {@code RecordNameStrategy}.
 *
 * <pre>{@code
 * new RecordNameStrategy().subjectName("orders", false, Order.getClassSchema());
 * // "dev.streamingblocks.core.avro.testing.Order"
 * }</pre>
 */
public final class RecordNameStrategy implements SubjectNameStrategy {

    private static final long serialVersionUID = 1L;

    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
        return fullName(schema);
    }

    static String fullName(Schema schema) {
        if (schema == null) {
            throw new IllegalArgumentException("A record-name subject strategy needs a schema");
        }
        // For primitives (e.g. a string key) Avro's full name is the type name, as in Confluent.
        return schema.getFullName();
    }

    @Override
    public String toString() {
        return "RecordNameStrategy";
    }
}
