package dev.streamingblocks.kafka.admin;

/**
 * An existing topic differs from its {@link TopicSpec} in a way that matters (too few partitions,
 * another cleanup policy). The message names the topic, what was expected and what was found.
 */
public class TopicMismatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public TopicMismatchException(String topic, String message) {
        super(message);
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
