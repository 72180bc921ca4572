package dev.streamingblocks.core.avro.registry;

/** Thrown when the subject's compatibility level rejects the schema (HTTP 409). */
public class IncompatibleSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public static final int HTTP_STATUS = 409;
    public static final int ERROR_CODE = 409;

    public IncompatibleSchemaException(String message) {
        super(message, HTTP_STATUS, ERROR_CODE);
    }
}
