package dev.streamingblocks.core.avro.subject;

import org.apache.avro.Schema;

/**
 * Subject = {@code <topic>-<full name>}: several record types per topic, each evolving on its
 * own within that topic. Same as Confluent's {@code TopicRecordNameStrategy}.
 *
 * <pre>{@code
 * new TopicRecordNameStrategy().subjectName("orders", false, Order.getClassSchema());
 * // "orders-dev.streamingblocks.core.avro.testing.Order"
 * }</pre>
 */
public final class TopicRecordNameStrategy implements SubjectNameStrategy {

    private static final long serialVersionUID = 1L;

    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException(
                    "TopicRecordNameStrategy needs a topic to name the subject (<topic>-<record name>)");
        }
        return topic + '-' + RecordNameStrategy.fullName(schema);
    }

    @Override
    public String toString() {
        return "TopicRecordNameStrategy";
    }
}
