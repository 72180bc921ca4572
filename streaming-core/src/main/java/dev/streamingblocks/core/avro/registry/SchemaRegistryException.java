package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.core.avro.AvroSerdeException;

/**
 * An error answer from the schema registry, or a failure to reach it. {@link #errorCode()} is
 * Confluent's error code (e.g. 40401) when the registry sent one, otherwise the HTTP status, or -1
 * when no answer arrived at all.
 */
public class SchemaRegistryException extends AvroSerdeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the registry's answer, or -1 when none arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's error code from the answer body, the HTTP status if the body had none, or -1. */
    public int errorCode() {
        return errorCode;
    }
}
