package dev.streamingblocks.core.avro.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.InvalidNumberEncodingException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A decoder of Avro's binary encoding that reads one record's body straight from a byte array and
 * refuses any length or item count larger than the whole body. Avro's own decoder allocates
 * whatever length the data claims (up to 2 GiB), so a corrupt or foreign record could exhaust the
 * heap before failing; bounded by the body, an allocation is never larger than the bytes already in
 * hand. Comparing with the body length (a field) rather than the bytes left keeps the check off the
 * call chain.
 *
 * <p>It reads the array itself rather than through Avro's {@code BinaryDecoder}, which copies the
 * last bytes of every body into a new small buffer as soon as fewer than ten are left (its varint
 * reads ask for ten), i.e. once per record. What it reads is what {@code BinaryDecoder} reads: the
 * same zig-zag varints (an int of more than 5 bytes or a long of more than 10 is {@link
 * InvalidNumberEncodingException}), little-endian floats and doubles, booleans as one byte (1 is
 * true), blocks with negative counts followed by their byte size. Reading past the body is an
 * {@link EOFException} without a message, as there; it never reads bytes after the body in the
 * array.
 *
 * <p>Consequence: an array or map block of more items than body bytes is rejected even for
 * zero-byte items ({@code null} or empty records), which real data does not do.
 */
public final class BoundedDecoder extends Decoder {

    private byte[] buf = new byte[0];
    private int pos;
    private int limit;
    private int bodyLength;

    /** Reads the body of {@code length} bytes at {@code offset} in {@code bytes}. */
    public BoundedDecoder reset(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        this.buf = bytes;
        this.pos = offset;
        this.limit = offset + length;
        this.bodyLength = length;
        return this;
    }

    /** Bytes not yet consumed. */
    public int remaining() {
        return limit - pos;
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

    /** Moves past {@code length} bytes (at most the body's length) and returns where they start. */
    private int take(int length) throws EOFException {
        int at = pos;
        if (length > limit - at) {
            pos = limit;
            throw new EOFException();
        }
        pos = at + length;
        return at;
    }

    private int nextByte() throws EOFException {
        if (pos >= limit) {
            throw new EOFException();
        }
        return buf[pos++] & 0xFF;
    }

    @Override
    public void readNull() {}

    @Override
    public boolean readBoolean() throws IOException {
        return nextByte() == 1;
    }

    @Override
    public int readInt() throws IOException {
        int n = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            int b = nextByte();
            n |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (n >>> 1) ^ -(n & 1);
            }
        }
        throw new InvalidNumberEncodingException("Invalid int encoding");
    }

    @Override
    public long readLong() throws IOException {
        long n = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = nextByte();
            n |= (b & 0x7FL) << shift;
            if ((b & 0x80) == 0) {
                return (n >>> 1) ^ -(n & 1);
            }
        }
        throw new InvalidNumberEncodingException("Invalid long encoding");
    }

    @Override
    public float readFloat() throws IOException {
        int at = take(4);
        byte[] b = buf;
        return Float.intBitsToFloat(
                (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24);
    }

    @Override
    public double readDouble() throws IOException {
        int at = take(8);
        byte[] b = buf;
        int low = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
        int high = (b[at + 4] & 0xFF) | (b[at + 5] & 0xFF) << 8 | (b[at + 6] & 0xFF) << 16 | (b[at + 7] & 0xFF) << 24;
        return Double.longBitsToDouble((low & 0xFFFFFFFFL) | ((long) high << 32));
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = checkedLength(readLong(), "string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        if (length != 0) {
            int at = take(length);
            requireUtf8(buf, at, length);
            System.arraycopy(buf, at, result.getBytes(), 0, length);
        }
        return result;
    }

    private static void requireUtf8(byte[] bytes, int offset, int length) {
        int bad = firstInvalidUtf8(bytes, offset, length);
        if (bad >= 0) {
            throw new AvroRuntimeException("Malformed data: a string of " + length
                    + " byte(s) is not valid UTF-8 (byte 0x" + Integer.toHexString(bytes[offset + bad] & 0xFF)
                    + " at index " + bad + ")");
        }
    }

    /**
     * Index of the first byte of the first ill-formed UTF-8 sequence (RFC 3629: no overlong forms,
     * no surrogates, nothing above U+10FFFF), or -1. Avro itself would turn such bytes into U+FFFD
     * without a word, so a corrupt string would pass as data. No allocation.
     */
    static int firstInvalidUtf8(byte[] bytes, int length) {
        return firstInvalidUtf8(bytes, 0, length);
    }

    /** As {@link #firstInvalidUtf8(byte[], int)} for the {@code length} bytes at {@code offset}; the index is relative to it. */
    static int firstInvalidUtf8(byte[] bytes, int offset, int length) {
        int i = 0;
        while (i < length) {
            int b = bytes[offset + i] & 0xFF;
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
            int second = bytes[offset + i + 1] & 0xFF;
            if (second < min || second > max) {
                return i;
            }
            for (int k = 2; k <= need; k++) {
                int c = bytes[offset + i + k] & 0xFF;
                if (c < 0x80 || c > 0xBF) {
                    return i;
                }
            }
            i += need + 1;
        }
        return -1;
    }

    /**
     * The string built straight from the body's bytes, without Avro's {@link Utf8} in between
     * (which copies them once more and keeps a cached {@code String}). The bytes are checked first, as
     * in {@link #readString(Utf8)}, so the JDK's replacement of ill-formed input by U+FFFD never
     * applies: ill-formed UTF-8 fails here instead of passing as data.
     */
    @Override
    public String readString() throws IOException {
        int length = checkedLength(readLong(), "string");
        if (length == 0) {
            return "";
        }
        int at = take(length);
        requireUtf8(buf, at, length);
        return new String(buf, at, length, StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        take(checkedLength(readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = checkedLength(readLong(), "bytes");
        ByteBuffer result;
        if (old != null && length <= old.capacity()) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate(length);
        }
        System.arraycopy(buf, take(length), result.array(), result.position(), length);
        result.limit(length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        take(checkedLength(readLong(), "bytes"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        checkedLength(length, "fixed");
        System.arraycopy(buf, take(length), bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        take(checkedLength(length, "fixed"));
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkedCount(readItemCount(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkedCount(readItemCount(), "array");
    }

    @Override
    public long skipArray() throws IOException {
        return checkedCount(skipItems(), "array");
    }

    @Override
    public long readMapStart() throws IOException {
        return checkedCount(readItemCount(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return checkedCount(readItemCount(), "map");
    }

    @Override
    public long skipMap() throws IOException {
        return checkedCount(skipItems(), "map");
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    /** A block's item count; a negative count is followed by the block's size in bytes, not needed here. */
    private long readItemCount() throws IOException {
        long count = readLong();
        if (count < 0) {
            readLong();
            count = -count;
        }
        return count;
    }

    /**
     * Skips every block that gives its size in bytes and returns the item count of the first that
     * does not (its items must be skipped one by one), or 0 at the end of the array or map.
     */
    private long skipItems() throws IOException {
        long count = readLong();
        while (count < 0) {
            take(checkedLength(readLong(), "block"));
            count = readLong();
        }
        return count;
    }
}
