package dev.streamingblocks.sessions;

import java.io.IOException;

/**
 * A record could not be read as a page view; the message names the field and what was wrong.
 * Kafka sources with a dead-letter policy route the record to the dead-letter topic with it.
 */
public class MalformedPageViewException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedPageViewException(String message) {
        super(message);
    }

    public MalformedPageViewException(String message, Throwable cause) {
        super(message, cause);
    }
}
