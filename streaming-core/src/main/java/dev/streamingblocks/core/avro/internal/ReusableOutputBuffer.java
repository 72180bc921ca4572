package dev.streamingblocks.core.avro.internal;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * An unsynchronised, growable byte buffer that an encoder writes into record after record. It
 * reserves room for the wire-format header, so a record costs one copy into its result array.
 * Not thread-safe: one per encoding thread.
 */
public final class ReusableOutputBuffer extends OutputStream {

    private static final int INITIAL_CAPACITY = 256;

    private byte[] buf = new byte[INITIAL_CAPACITY];
    private int count;

    /** Starts a new record: writes the header for {@code schemaId} and positions after it. */
    public void startRecord(int schemaId) {
        WireFormat.writeHeader(buf, 0, schemaId);
        count = WireFormat.HEADER_SIZE;
    }

    @Override
    public void write(int b) {
        ensureCapacity(count + 1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensureCapacity(count + len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /** A copy of the bytes written since {@link #startRecord}, header included. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    public int size() {
        return count;
    }

    private void ensureCapacity(int needed) {
        if (needed > buf.length) {
            // Overflow-safe doubling; a record larger than 1 GiB is not realistic for Kafka anyway.
            int newCapacity = Math.max(needed, buf.length << 1);
            if (newCapacity < 0) {
                newCapacity = Integer.MAX_VALUE - 8;
            }
            buf = Arrays.copyOf(buf, newCapacity);
        }
    }
}
