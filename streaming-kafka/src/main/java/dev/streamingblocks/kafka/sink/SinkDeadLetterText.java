package dev.streamingblocks.kafka.sink;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;

/**
 * The text of a sink dead letter ({@link SinkDeadLetterHeaders}): how the record that could not be
 * written is described and how the error's message is cut. {@link TypedKafkaSink} and every other
 * sink that writes dead letters in this shape (the lake sink) use it, so a consumer of dead-letter
 * topics meets one format.
 */
public final class SinkDeadLetterText {

    private SinkDeadLetterText() {}

    /** A UTF-8 prefix of a text, and whether the text was longer. */
    public record Utf8Prefix(byte[] bytes, boolean truncated) {}

    /** {@code String.valueOf(record)}, or a note naming its class when its {@code toString()} throws. */
    public static String describe(Object record) {
        try {
            return String.valueOf(record);
        } catch (RuntimeException e) {
            return "<" + record.getClass().getName() + ": toString() threw "
                    + e.getClass().getName() + ">";
        }
    }

    /** The error's message in UTF-8, empty when it has none, cut to {@value TypedKafkaSink#MAX_DEAD_LETTER_ERROR_MESSAGE_BYTES} bytes. */
    public static byte[] errorMessage(Throwable error) {
        String message = error.getMessage() == null ? "" : error.getMessage();
        return utf8Prefix(message, TypedKafkaSink.MAX_DEAD_LETTER_ERROR_MESSAGE_BYTES)
                .bytes();
    }

    /** The longest prefix of the text whose UTF-8 encoding fits {@code maxBytes}, never splitting a character. */
    public static Utf8Prefix utf8Prefix(String text, int maxBytes) {
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
        return new Utf8Prefix(Arrays.copyOf(out.array(), out.position()), truncated);
    }
}
