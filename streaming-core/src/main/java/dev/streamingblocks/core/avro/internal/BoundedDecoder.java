package dev.streamingblocks.core.avro.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A decoder over a {@link BinaryDecoder} reading one byte array, which refuses any length or item
 * count larger than the whole body. Avro's own decoder allocates whatever length the data claims
 * (up to 2 GiB), so a corrupt or foreign record could exhaust the heap before failing; bounded by
 * the body, an allocation is never larger than the bytes already in hand. Comparing with the body
 * length (a field) rather than the bytes left keeps the check off Avro's call chain.
 *
 * <p>Consequence: an array or map block of more items than body bytes is rejected even for
 * zero-byte items ({@code null} or empty records), which real data does not do.
 */
public final class BoundedDecoder extends Decoder {

    private BinaryDecoder in;
    private int bodyLength;
    private Utf8 scratch = new Utf8();

    /** Reads from {@code decoder}, which must be backed by a byte array of {@code bodyLength} bytes. */
    public BoundedDecoder reset(BinaryDecoder decoder, int bodyLength) {
        this.in = decoder;
        this.bodyLength = bodyLength;
        return this;
    }

    /** Bytes not yet consumed. */
    public int remaining() throws IOException {
        return in.inputStream().available();
    }

    private int checkedLength(long length, String what) throws IOException {
        if (length < 0) {
            throw new AvroRuntimeException("Malformed data: negative " + what + " length " + length);
        }
        if (length > bodyLength) {
            throw new EOFException(
                    "the " + what + " claims " + length + " byte(s) but the body has only " + bodyLength);
        }
        return (int) length;
    }

    private long checkedCount(long count, String what) throws IOException {
        if (count > bodyLength) {
            throw new EOFException(
                    "the " + what + " block claims " + count + " item(s) but the body has only " + bodyLength + " byte(s)");
        }
        return count;
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = checkedLength(in.readLong(), "string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        if (length != 0) {
            in.readFixed(result.getBytes(), 0, length);
        }
        return result;
    }

    @Override
    public String readString() throws IOException {
        scratch = readString(scratch);
        return scratch.toString();
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(checkedLength(in.readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = checkedLength(in.readLong(), "bytes");
        ByteBuffer result;
        if (old != null && length <= old.capacity()) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate(length);
        }
        in.readFixed(result.array(), result.position(), length);
        result.limit(length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(checkedLength(in.readLong(), "bytes"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        checkedLength(length, "fixed");
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(checkedLength(length, "fixed"));
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkedCount(in.readArrayStart(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkedCount(in.arrayNext(), "array");
    }

    @Override
    public long skipArray() throws IOException {
        return checkedCount(in.skipArray(), "array");
    }

    @Override
    public long readMapStart() throws IOException {
        return checkedCount(in.readMapStart(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return checkedCount(in.mapNext(), "map");
    }

    @Override
    public long skipMap() throws IOException {
        return checkedCount(in.skipMap(), "map");
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
