package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.registry.protocol.RegistryErrorCodes;

/** Thrown when the registry rejects the schema text (Confluent error 42201). */
public class InvalidSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public static final int ERROR_CODE = RegistryErrorCodes.INVALID_SCHEMA;
    public static final int HTTP_STATUS = 422;

    public InvalidSchemaException(String message) {
        super(message, HTTP_STATUS, ERROR_CODE);
    }
}
