package dev.streamingblocks.cdc;

import java.io.IOException;

/**
 * A record that is not a Debezium change event this library can read, or whose row does not fit the
 * row type: the message names the field (e.g. {@code 'op'}, {@code 'after.price'}) and what was wrong.
 * Under {@code TypedKafkaSource}'s dead-letter policy such a record goes to the dead-letter topic with
 * this message in {@code dlq.error.message}, and topic, partition and offset in the other headers.
 */
public class MalformedChangeEventException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedChangeEventException(String message) {
        super(message);
    }

    public MalformedChangeEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
