package dev.streamingblocks.core.avro.subject;

import org.apache.avro.Schema;

/**
 * The default strategy: subject {@code <topic>-key} or {@code <topic>-value}, so one topic carries
 * one schema (and its evolutions). Same as Confluent's {@code TopicNameStrategy}.
 *
 * <pre>{@code
 * new TopicNameStrategy().subjectName("orders", false, schema); // "orders-value"
 * }</pre>
 */
public final class TopicNameStrategy implements SubjectNameStrategy {

    private static final long serialVersionUID = 1L;

    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException(
                    "TopicNameStrategy needs a topic to name the subject (<topic>-" + (isKey ? "key" : "value") + ")");
        }
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    public String toString() {
        return "TopicNameStrategy";
    }
}
