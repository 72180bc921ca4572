package dev.streamingblocks.core.avro.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** Strings must be well-formed UTF-8: Avro would otherwise turn bad bytes into U+FFFD silently. */
class BoundedDecoderUtf8Test {

    private static int check(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return BoundedDecoder.firstInvalidUtf8(b, b.length);
    }

    @Test
    void wellFormedTextPasses() {
        byte[] text = "ascii, é, €, 𝄞, 中文".getBytes(StandardCharsets.UTF_8);
        assertThat(BoundedDecoder.firstInvalidUtf8(text, text.length)).isEqualTo(-1);
        assertThat(check(0xF4, 0x8F, 0xBF, 0xBF)).isEqualTo(-1); // U+10FFFF
    }

    @Test
    void illFormedSequencesAreFoundAtTheirFirstByte() {
        assertThat(check('a', 0xFF)).isEqualTo(1); // never in UTF-8
        assertThat(check(0x80)).isEqualTo(0); // lone continuation byte
        assertThat(check('a', 0xC3)).isEqualTo(1); // truncated sequence
        assertThat(check(0xC0, 0xAF)).isEqualTo(0); // overlong '/'
        assertThat(check(0xE0, 0x80, 0xAF)).isEqualTo(0); // overlong
        assertThat(check(0xED, 0xA0, 0x80)).isEqualTo(0); // surrogate U+D800
        assertThat(check(0xF4, 0x90, 0x80, 0x80)).isEqualTo(0); // above U+10FFFF
        assertThat(check(0xE2, 0x82, 'a')).isEqualTo(0); // bad continuation
    }

    @Test
    void onlyTheGivenLengthIsChecked() {
        assertThat(BoundedDecoder.firstInvalidUtf8(new byte[] {'a', (byte) 0xFF}, 1))
                .isEqualTo(-1);
    }

    /** Avro's encoding of {@code strings} (each a length and its bytes) as they are, unchecked. */
    private static byte[] encoded(byte[]... strings) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        for (byte[] s : strings) {
            encoder.writeBytes(s); // the same layout as a string: length, then the bytes
        }
        encoder.flush();
        return out.toByteArray();
    }

    private static BoundedDecoder decoder(byte[] body) {
        return new BoundedDecoder().reset(body, 0, body.length);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readStringBuildsEachStringFromItsBytesIncludingMultiByteAndEmptyOnes() throws IOException {
        String longer = "x".repeat(200) + "€"; // longer than the first scratch buffer, so it grows
        String[] texts = {"ord-1", "", "é", "€uro", "𝄞 clef", "中文", longer, "after-growth", ""};
        byte[][] bytes = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            bytes[i] = utf8(texts[i]);
        }
        BoundedDecoder decoder = decoder(encoded(bytes));
        for (String text : texts) {
            assertThat(decoder.readString()).isEqualTo(text);
        }
        assertThat(decoder.remaining()).isZero();
    }

    @Test
    void readStringAndReadUtf8AgreeOnTheSameBytes() throws IOException {
        byte[] body = encoded(utf8("ascii, é, €, 𝄞, 中文"), utf8("ascii, é, €, 𝄞, 中文"));
        BoundedDecoder decoder = decoder(body);
        assertThat(decoder.readString())
                .isEqualTo(decoder.readString(new Utf8()).toString());
    }

    @Test
    void readStringRefusesIllFormedUtf8InsteadOfReplacingIt() throws IOException {
        // The JDK and Avro's Utf8 would return "a\uFFFDb" for these bytes.
        BoundedDecoder decoder = decoder(encoded(new byte[] {'a', (byte) 0xC3, 'b'}));
        assertThatThrownBy(decoder::readString)
                .isInstanceOf(AvroRuntimeException.class)
                .hasMessage("Malformed data: a string of 3 byte(s) is not valid UTF-8 (byte 0xc3 at index 1)");

        BoundedDecoder surrogate = decoder(encoded(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        assertThatThrownBy(surrogate::readString)
                .isInstanceOf(AvroRuntimeException.class)
                .hasMessage("Malformed data: a string of 3 byte(s) is not valid UTF-8 (byte 0xed at index 0)");
    }

    @Test
    void readStringRefusesALengthBeyondTheBody() throws IOException {
        byte[] body = encoded(utf8("abc"));
        body[0] = 2 * 50; // zig-zag varint for 50: more than the body's 4 bytes
        assertThatThrownBy(decoder(body)::readString)
                .isInstanceOf(EOFException.class)
                .hasMessage("the string claims 50 byte(s) but the body has only 4");
    }
}
