package dev.streamingblocks.core.avro;

/**
 * The header was valid but the Avro body could not be decoded with the writer schema it names:
 * truncated, corrupt, trailing bytes, or written with a different schema than its id claims.
 * {@link #schemaId()} is the writer schema id from the header.
 */
public class MalformedAvroDataException extends AvroSerdeException {

    private static final long serialVersionUID = 1L;

    private final int schemaId;

    public MalformedAvroDataException(String message, int schemaId, Throwable cause) {
        super(message, cause);
        this.schemaId = schemaId;
    }

    /** The writer schema id read from the record's header. */
    public int schemaId() {
        return schemaId;
    }
}
