package dev.streamingblocks.lake;

/** A record whose event time cannot be read, or that does not fit the sink's Avro schema or validator. */
public class InvalidLakeRecordException extends UnwritableLakeRecordException {

    private static final long serialVersionUID = 1L;

    public InvalidLakeRecordException(String message) {
        super(message);
    }

    public InvalidLakeRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
