package dev.streamingblocks.lake.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;

/** UTF-8 prefixes that never split a character, for the size limits of dead-letter values and headers. */
final class Utf8 {

    private Utf8() {}

    record Prefix(byte[] bytes, boolean truncated) {}

    static Prefix prefix(String text, int maxBytes) {
        CharsetEncoder encoder = UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer out = ByteBuffer.allocate(Math.min(maxBytes, text.length() * 3));
        CharBuffer in = CharBuffer.wrap(text);
        encoder.encode(in, out, true);
        boolean truncated = in.hasRemaining();
        if (!truncated) {
            encoder.flush(out);
        }
        return new Prefix(Arrays.copyOf(out.array(), out.position()), truncated);
    }
}
