package dev.streamingblocks.core.avro.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
    /** Bytes of the string being read; grows to the longest string seen, never past the body. */
    private byte[] stringBytes = new byte[64];

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
            throw new EOFException("the " + what + " block claims " + count + " item(s) but the body has only "
                    + bodyLength + " byte(s)");
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
            requireUtf8(result.getBytes(), length);
        }
        return result;
    }

    private static void requireUtf8(byte[] bytes, int length) {
        int bad = firstInvalidUtf8(bytes, length);
        if (bad >= 0) {
            throw new AvroRuntimeException("Malformed data: a string of " + length
                    + " byte(s) is not valid UTF-8 (byte 0x" + Integer.toHexString(bytes[bad] & 0xFF)
                    + " at index " + bad + ")");
        }
    }

    /**
     * Index of the first byte of the first ill-formed UTF-8 sequence (RFC 3629: no overlong forms,
     * no surrogates, nothing above U+10FFFF), or -1. Avro itself would turn such bytes into U+FFFD
     * without a word, so a corrupt string would pass as data. No allocation.
     */
    static int firstInvalidUtf8(byte[] bytes, int length) {
        int i = 0;
        while (i < length) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            int max = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                min = b == 0xE0 ? 0xA0 : 0x80;
                max = b == 0xED ? 0x9F : 0xBF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                min = b == 0xF0 ? 0x90 : 0x80;
                max = b == 0xF4 ? 0x8F : 0xBF;
            } else {
                return i;
            }
            if (i + need >= length) {
                return i;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < min || second > max) {
                return i;
            }
            for (int k = 2; k <= need; k++) {
                int c = bytes[i + k] & 0xFF;
                if (c < 0x80 || c > 0xBF) {
                    return i;
                }
            }
            i += need + 1;
        }
        return -1;
    }

    /**
     * The string built straight from its bytes, without Avro's {@link Utf8} in between (which
     * copies them once more and keeps a cached {@code String}). The bytes are checked first, as
     * in {@link #readString(Utf8)}, so the JDK's replacement of ill-formed input by U+FFFD never
     * applies: ill-formed UTF-8 fails here instead of passing as data.
     */
    @Override
    public String readString() throws IOException {
        int length = checkedLength(in.readLong(), "string");
        if (length == 0) {
            return "";
        }
        byte[] bytes = stringBytes;
        if (bytes.length < length) {
            bytes = new byte[Math.max(length, Math.min(bodyLength, 2 * bytes.length))];
            stringBytes = bytes;
        }
        in.readFixed(bytes, 0, length);
        requireUtf8(bytes, length);
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
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
