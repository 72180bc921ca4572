package dev.streamingblocks.core.avro;

/**
 * A {@code null} value (a Kafka tombstone) reached a deserializer that must produce a record.
 * Flink's {@code DeserializationSchema} cannot emit {@code null}, so a topic that carries
 * tombstones needs a source that filters them before the value is decoded.
 */
public class TombstoneException extends AvroSerdeException {

    private static final long serialVersionUID = 1L;

    public TombstoneException(String message) {
        super(message);
    }
}
