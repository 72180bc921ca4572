package dev.streamingblocks.core.avro.registry;

/**
 * Thrown when no registry URL answered usefully within the configured retries: connection refused,
 * timeouts, or 5xx answers on every attempt. The message names the operation, the subject or id,
 * the number of attempts and the last cause, and never a credential.
 */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public SchemaRegistryUnavailableException(String message, int lastHttpStatus, Throwable cause) {
        super(message, lastHttpStatus, lastHttpStatus, cause);
    }
}
