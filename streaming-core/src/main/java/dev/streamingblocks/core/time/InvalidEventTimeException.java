package dev.streamingblocks.core.time;

/**
 * A record whose event time cannot be read or cannot be trusted: the field is missing, {@code null}
 * or of a type that is not a time, the extractor failed, or (as {@link EventTimeOutOfBoundsException})
 * the time lies outside the bounds of an {@link EventTimeGuard}. The message names what was wrong
 * so the bad producer can be found.
 */
public class InvalidEventTimeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidEventTimeException(String message) {
        super(message);
    }

    public InvalidEventTimeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Without a stack trace: for rejections that are expected data errors, cheap to create. */
    protected InvalidEventTimeException(String message, boolean writableStackTrace) {
        super(message, null, false, writableStackTrace);
    }
}
