package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.registry.protocol.RegistryErrorCodes;

/**
 * Thrown when no schema matches: an unknown id, or a schema not registered under the subject
 * (Confluent error 40403).
 */
public class SchemaNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public static final int ERROR_CODE = RegistryErrorCodes.SCHEMA_NOT_FOUND;
    public static final int HTTP_STATUS = 404;

    public SchemaNotFoundException(String message) {
        super(message, HTTP_STATUS, ERROR_CODE);
    }
}
