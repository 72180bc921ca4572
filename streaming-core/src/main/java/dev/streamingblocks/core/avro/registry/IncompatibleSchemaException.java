package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.registry.protocol.RegistryErrorCodes;

/** Thrown when the subject's compatibility level rejects the schema (HTTP 409). */
public class IncompatibleSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public static final int ERROR_CODE = RegistryErrorCodes.INCOMPATIBLE_SCHEMA;
    public static final int HTTP_STATUS = 409;

    public IncompatibleSchemaException(String message) {
        super(message, HTTP_STATUS, ERROR_CODE);
    }
}
