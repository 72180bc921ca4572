package dev.streamingblocks.benchmarks.avro;

import java.io.OutputStream;
import java.util.Arrays;

/** An unsynchronised, reusable byte sink, so the raw-Avro floor pays no lock per write. */
final class GrowableBuffer extends OutputStream {

    private byte[] bytes;
    private int size;

    GrowableBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    void reset() {
        size = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    private void ensure(int extra) {
        if (size + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
        }
    }
}
