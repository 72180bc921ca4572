package dev.streamingblocks.core.avro;

/**
 * The bytes are not in the Confluent wire format: too short for the 5-byte header, or a first
 * byte other than the magic byte {@code 0}. Usually a record written by another serializer
 * (plain Avro, JSON, a string) landed on an Avro topic.
 */
public class InvalidWireFormatException extends AvroSerdeException {

    private static final long serialVersionUID = 1L;

    public InvalidWireFormatException(String message) {
        super(message);
    }
}
