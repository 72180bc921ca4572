package dev.streamingblocks.kafka.source;

import java.io.IOException;

/**
 * A record was deserialized but its {@link RecordValidator} found a problem (a negative amount, a
 * blank id...). The message is the validator's description, naming the field and the value.
 * Handled by the source's {@link DeserializationFailurePolicy}; under {@code FAIL} it is the cause
 * of the {@link DeserializationFailureException}.
 */
public class InvalidRecordException extends IOException {

    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String problem) {
        super(problem);
    }
}
