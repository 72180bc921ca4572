package dev.streamingblocks.core.avro;

/**
 * A record could not be serialized: it is {@code null} where a record is required, of a type the
 * serializer cannot write, or does not match its own schema (e.g. a required field is null).
 */
public class InvalidRecordException extends AvroSerdeException {

    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        super(message);
    }

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
