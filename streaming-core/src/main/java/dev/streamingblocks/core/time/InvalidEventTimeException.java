package dev.streamingblocks.core.time;

/**
 * A record whose event time cannot be read: the field is missing, {@code null} or of a type that
 * is not a time. The message names the field and the record's type so the bad producer can be
 * found.
 */
public class InvalidEventTimeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidEventTimeException(String message) {
        super(message);
    }
}
