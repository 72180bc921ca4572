package dev.streamingblocks.core.avro.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
}
