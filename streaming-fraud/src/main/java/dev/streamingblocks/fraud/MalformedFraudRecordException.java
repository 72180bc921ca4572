package dev.streamingblocks.fraud;

import java.io.IOException;

/**
 * A Kafka value is not plain Avro binary of the fraud schema it should hold: empty, truncated,
 * with bytes left over after the record, or otherwise undecodable. The message names the record
 * type and what was wrong. Sources with a dead-letter policy route the record to the dead-letter
 * topic with it.
 */
public class MalformedFraudRecordException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedFraudRecordException(String message) {
        super(message);
    }

    public MalformedFraudRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
