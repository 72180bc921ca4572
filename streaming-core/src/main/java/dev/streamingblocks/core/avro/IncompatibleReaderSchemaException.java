package dev.streamingblocks.core.avro;

/**
 * The deserializer's reader schema cannot read data written with the record's writer schema
 * (Avro schema resolution fails, e.g. the reader added a field without a default).
 */
public class IncompatibleReaderSchemaException extends AvroSerdeException {

    private static final long serialVersionUID = 1L;

    private final int writerSchemaId;

    public IncompatibleReaderSchemaException(String message, int writerSchemaId) {
        super(message);
        this.writerSchemaId = writerSchemaId;
    }

    /** The writer schema id read from the record's header. */
    public int writerSchemaId() {
        return writerSchemaId;
    }
}
