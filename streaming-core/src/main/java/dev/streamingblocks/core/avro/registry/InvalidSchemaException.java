package dev.streamingblocks.core.avro.registry;

/** Thrown when the registry rejects the schema text (Confluent error 42201). */
public class InvalidSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public static final int HTTP_STATUS = 422;
    public static final int ERROR_CODE = 42201;

    public InvalidSchemaException(String message) {
        super(message, HTTP_STATUS, ERROR_CODE);
    }
}
