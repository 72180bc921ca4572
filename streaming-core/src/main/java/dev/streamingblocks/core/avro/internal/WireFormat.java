package dev.streamingblocks.core.avro.internal;

import dev.streamingblocks.core.avro.InvalidWireFormatException;

/**
 * Confluent's wire format: magic byte {@code 0}, the writer schema id as a 4-byte big-endian int,
 * then the Avro binary body. Every constant and every header read or write lives here.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int ID_SIZE = 4;
    public static final int HEADER_SIZE = 1 + ID_SIZE;

    private WireFormat() {}

    /**
     * Validates the header of {@code bytes} and returns the schema id in it.
     *
     * @param what names the bytes in messages, e.g. "record" or "key"
     */
    public static int readSchemaId(byte[] bytes, String what) {
        if (bytes.length < HEADER_SIZE) {
            throw new InvalidWireFormatException("Avro "
                    + what
                    + " has "
                    + bytes.length
                    + " byte(s), fewer than the "
                    + HEADER_SIZE
                    + " bytes of the Confluent wire-format header (magic byte 0 and a 4-byte schema id)");
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw new InvalidWireFormatException(String.format(
                    "Unknown magic byte 0x%02X in Avro %s: expected 0x00 (Confluent wire format)",
                    bytes[0] & 0xFF, what));
        }
        return ((bytes[1] & 0xFF) << 24) | ((bytes[2] & 0xFF) << 16) | ((bytes[3] & 0xFF) << 8) | (bytes[4] & 0xFF);
    }

    /** Writes the 5-byte header for {@code schemaId} at {@code offset} of {@code target}. */
    public static void writeHeader(byte[] target, int offset, int schemaId) {
        target[offset] = MAGIC_BYTE;
        target[offset + 1] = (byte) (schemaId >>> 24);
        target[offset + 2] = (byte) (schemaId >>> 16);
        target[offset + 3] = (byte) (schemaId >>> 8);
        target[offset + 4] = (byte) schemaId;
    }
}
