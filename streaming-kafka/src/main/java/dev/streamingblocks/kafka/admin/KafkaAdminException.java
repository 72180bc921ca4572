package dev.streamingblocks.kafka.admin;

/** Kafka refused an admin operation or did not answer in time; the message says which. */
public class KafkaAdminException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KafkaAdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
