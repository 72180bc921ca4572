package dev.streamingblocks.core.avro.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.InvalidNumberEncodingException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link BoundedDecoder} reads the body itself; it must read exactly what Avro's {@code
 * BinaryDecoder} reads, for every type and both block encodings, with and without schema
 * resolution (which skips), and fail on a cut body instead of reading past it.
 */
class BoundedDecoderTest {

    private static final Schema FIXED = SchemaBuilder.fixed("Tag").size(3);
    private static final Schema ENUM = SchemaBuilder.enumeration("Colour").symbols("RED", "GREEN", "BLUE");
    private static final Schema INNER = SchemaBuilder.record("Inner")
            .fields()
            .requiredLong("id")
            .optionalString("note")
            .endRecord();
    private static final Schema WRITER = SchemaBuilder.record("Everything")
            .fields()
            .requiredBoolean("flag")
            .requiredInt("i")
            .requiredLong("l")
            .requiredFloat("f")
            .requiredDouble("d")
            .requiredString("s")
            .requiredBytes("b")
            .name("tag")
            .type(FIXED)
            .noDefault()
            .name("colour")
            .type(ENUM)
            .noDefault()
            .name("ints")
            .type()
            .array()
            .items()
            .intType()
            .noDefault()
            .name("inners")
            .type()
            .array()
            .items(INNER)
            .noDefault()
            .name("attrs")
            .type()
            .map()
            .values()
            .stringType()
            .noDefault()
            .optionalDouble("maybe")
            .requiredLong("last")
            .endRecord();
    /** Keeps a few fields: the resolving decoder skips the others through skip*. */
    private static final Schema READER = SchemaBuilder.record("Everything")
            .fields()
            .requiredInt("i")
            .requiredLong("last")
            .optionalDouble("maybe")
            .endRecord();

    @Test
    void readsWhatAvrosDecoderReadsForRandomRecordsInBothBlockEncodings() throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        for (int n = 0; n < 2_000; n++) {
            GenericRecord record = randomRecord(random);
            for (boolean blocking : new boolean[] {false, true}) {
                byte[] body = encode(record, blocking);
                assertThat(decodeOurs(WRITER, WRITER, body, 0, body.length))
                        .as("record %d, blocking %s", n, blocking)
                        .isEqualTo(decodeAvro(WRITER, WRITER, body));
                assertThat(decodeOurs(WRITER, READER, body, 0, body.length))
                        .as("record %d resolved, blocking %s", n, blocking)
                        .isEqualTo(decodeAvro(WRITER, READER, body));
            }
        }
    }

    @Test
    void readsABodyInsideALargerArrayAndNeverPastItsEnd() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 300; n++) {
            GenericRecord record = randomRecord(random);
            byte[] body = encode(record, n % 2 == 0);
            byte[] framed = new byte[5 + body.length + 20];
            Arrays.fill(framed, (byte) 0x7F);
            System.arraycopy(body, 0, framed, 5, body.length);
            BoundedDecoder decoder = new BoundedDecoder().reset(framed, 5, body.length);
            assertThat(new GenericDatumReader<GenericRecord>(WRITER).read(null, decoder))
                    .isEqualTo(decodeAvro(WRITER, WRITER, body));
            assertThat(decoder.remaining()).isZero();

            // every cut of the body fails, though the bytes after it would have been readable
            for (int cut = 0; cut < body.length; cut++) {
                BoundedDecoder cutDecoder = new BoundedDecoder().reset(framed, 5, cut);
                int at = cut;
                try {
                    new GenericDatumReader<GenericRecord>(WRITER).read(null, cutDecoder);
                    fail("a body cut at %d of %d bytes was read", at, body.length);
                } catch (IOException | AvroRuntimeException expected) {
                    // EOFException, or a length or count beyond the cut body
                }
            }
        }
    }

    @Test
    void numbersAreZigZagVarintsAndLittleEndianFloats() throws IOException {
        long[] longs = {0, -1, 1, 63, -64, 64, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        for (long l : longs) {
            encoder.writeLong(l);
            encoder.writeInt((int) l);
            encoder.writeFloat((float) l / 3);
            encoder.writeDouble((double) l / 7);
            encoder.writeBoolean(l % 2 == 0);
        }
        encoder.flush();
        byte[] bytes = out.toByteArray();
        BoundedDecoder ours = new BoundedDecoder().reset(bytes, 0, bytes.length);
        var avro = DecoderFactory.get().binaryDecoder(bytes, null);
        for (long l : longs) {
            assertThat(ours.readLong()).isEqualTo(avro.readLong()).isEqualTo(l);
            assertThat(ours.readInt()).isEqualTo(avro.readInt()).isEqualTo((int) l);
            assertThat(ours.readFloat()).isEqualTo(avro.readFloat()).isEqualTo((float) l / 3);
            assertThat(ours.readDouble()).isEqualTo(avro.readDouble()).isEqualTo((double) l / 7);
            assertThat(ours.readBoolean()).isEqualTo(avro.readBoolean()).isEqualTo(l % 2 == 0);
        }
        assertThat(ours.remaining()).isZero();
    }

    @Test
    void overlongVarintsAreInvalidAsInAvro() {
        byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        assertThatThrownBy(() -> new BoundedDecoder().reset(sixBytes, 0, 6).readInt())
                .isInstanceOf(InvalidNumberEncodingException.class)
                .hasMessage("Invalid int encoding");
        byte[] elevenBytes = new byte[11];
        Arrays.fill(elevenBytes, (byte) 0x80);
        elevenBytes[10] = 1;
        assertThatThrownBy(() -> new BoundedDecoder().reset(elevenBytes, 0, 11).readLong())
                .isInstanceOf(InvalidNumberEncodingException.class)
                .hasMessage("Invalid long encoding");
    }

    @Test
    void readingPastTheBodyIsAnEofWithoutMessageAsInAvro() throws IOException {
        byte[] bytes = {0x02, (byte) 0x80, 1, 2, 3};
        // a varint whose continuation byte is the last of the body
        assertThatThrownBy(() -> {
                    BoundedDecoder decoder = new BoundedDecoder().reset(bytes, 0, 2);
                    decoder.readLong();
                    decoder.readLong();
                })
                .isExactlyInstanceOf(EOFException.class)
                .hasMessage(null);
        assertThatThrownBy(() -> new BoundedDecoder().reset(bytes, 2, 3).readDouble())
                .isExactlyInstanceOf(EOFException.class)
                .hasMessage(null);
        assertThatThrownBy(() -> new BoundedDecoder().reset(bytes, 0, 6)).isInstanceOf(IndexOutOfBoundsException.class);

        // the array goes on after the body: its bytes must not be read
        byte[] framed = {9, 9, 0x06, 'a', 'b', 'c', 1, 2, 3, 4, 5, 6, 7, 8};
        assertThat(new BoundedDecoder().reset(framed, 2, 4).readString()).isEqualTo("abc");
        assertThatThrownBy(() -> new BoundedDecoder().reset(framed, 2, 3).readString())
                .isExactlyInstanceOf(EOFException.class)
                .hasMessage(null);
        assertThatThrownBy(() -> new BoundedDecoder().reset(framed, 2, 3).readString(null))
                .isExactlyInstanceOf(EOFException.class)
                .hasMessage(null);
        assertThatThrownBy(() -> new BoundedDecoder().reset(framed, 6, 7).readDouble())
                .isExactlyInstanceOf(EOFException.class)
                .hasMessage(null);
    }

    private static GenericRecord randomRecord(SplittableRandom random) {
        GenericRecord r = new GenericData.Record(WRITER);
        r.put("flag", random.nextBoolean());
        r.put("i", random.nextInt());
        r.put("l", random.nextLong() >> random.nextInt(64));
        r.put("f", (float) random.nextDouble(-1e6, 1e6));
        r.put("d", random.nextDouble(-1e12, 1e12));
        r.put("s", randomText(random));
        byte[] b = new byte[random.nextInt(20)];
        random.nextBytes(b);
        r.put("b", ByteBuffer.wrap(b));
        byte[] tag = new byte[3];
        random.nextBytes(tag);
        r.put("tag", new GenericData.Fixed(FIXED, tag));
        r.put("colour", new GenericData.EnumSymbol(ENUM, ENUM.getEnumSymbols().get(random.nextInt(3))));
        List<Integer> ints = new ArrayList<>();
        for (int k = random.nextInt(40); k > 0; k--) {
            ints.add(random.nextInt(-1000, 1000));
        }
        r.put("ints", ints);
        List<GenericRecord> inners = new ArrayList<>();
        for (int k = random.nextInt(5); k > 0; k--) {
            GenericRecord inner = new GenericData.Record(INNER);
            inner.put("id", random.nextLong());
            inner.put("note", random.nextBoolean() ? null : randomText(random));
            inners.add(inner);
        }
        r.put("inners", inners);
        Map<String, String> attrs = new HashMap<>();
        for (int k = random.nextInt(6); k > 0; k--) {
            attrs.put(randomText(random) + k, randomText(random));
        }
        r.put("attrs", attrs);
        r.put("maybe", random.nextBoolean() ? null : random.nextDouble());
        r.put("last", random.nextLong());
        return r;
    }

    private static String randomText(SplittableRandom random) {
        String alphabet = "abcXYZ019 -é€𝄞中";
        StringBuilder text = new StringBuilder();
        for (int k = random.nextInt(12); k > 0; k--) {
            text.appendCodePoint(alphabet.codePointAt(
                    alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
        }
        return text.toString();
    }

    /** Avro's binary encoding; {@code blocking} writes arrays and maps in blocks with negative counts and byte sizes. */
    private static byte[] encode(GenericRecord record, boolean blocking) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = blocking
                ? new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null)
                : EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(WRITER).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord decodeOurs(Schema writer, Schema reader, byte[] bytes, int offset, int length)
            throws IOException {
        BoundedDecoder decoder = new BoundedDecoder().reset(bytes, offset, length);
        GenericRecord record = new GenericDatumReader<GenericRecord>(writer, reader).read(null, decoder);
        assertThat(decoder.remaining()).as("bytes left").isZero();
        return record;
    }

    private static GenericRecord decodeAvro(Schema writer, Schema reader, byte[] bytes) throws IOException {
        return new GenericDatumReader<GenericRecord>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
