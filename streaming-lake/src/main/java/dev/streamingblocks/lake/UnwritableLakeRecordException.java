package dev.streamingblocks.lake;

/**
 * A record the lake sink cannot write: its event time cannot be read, it does not fit the sink's
 * schema or validator, or its partition is already closed. With a dead-letter topic the record goes
 * there with this exception's class and message in its headers; without one it fails the job.
 */
public class UnwritableLakeRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnwritableLakeRecordException(String message) {
        super(message);
    }

    public UnwritableLakeRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
