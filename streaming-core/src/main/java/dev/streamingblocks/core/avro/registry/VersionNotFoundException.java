package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.registry.protocol.RegistryErrorCodes;

/** Thrown when the subject exists but has no such version (Confluent error 40402). */
public class VersionNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public static final int ERROR_CODE = RegistryErrorCodes.VERSION_NOT_FOUND;
    public static final int HTTP_STATUS = 404;

    public VersionNotFoundException(String message) {
        super(message, HTTP_STATUS, ERROR_CODE);
    }
}
