package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.registry.protocol.RegistryErrorCodes;

/** Thrown when the subject does not exist (Confluent error 40401). */
public class SubjectNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public static final int ERROR_CODE = RegistryErrorCodes.SUBJECT_NOT_FOUND;
    public static final int HTTP_STATUS = 404;

    public SubjectNotFoundException(String message) {
        super(message, HTTP_STATUS, ERROR_CODE);
    }
}
