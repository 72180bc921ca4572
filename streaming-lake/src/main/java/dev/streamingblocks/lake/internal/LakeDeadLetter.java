package dev.streamingblocks.lake.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.streamingblocks.kafka.sink.SinkDeadLetterHeaders;
import dev.streamingblocks.kafka.sink.SinkDeadLetterText;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.lake.LakeSink;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.sink.HeaderProvider;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record the lake sink could not write, already in the shape of a sink dead letter
 * ({@link SinkDeadLetterHeaders}): the value is the record's description, {@code String.valueOf(record)}
 * (an Avro record's JSON), cut to {@link TypedKafkaSink#MAX_DEAD_LETTER_DESCRIPTION_BYTES}. A Flink
 * POJO, so it travels to the dead-letter sink without Kryo.
 */
public class LakeDeadLetter {

    public static final TypeInformation<LakeDeadLetter> TYPE_INFO = TypeInformation.of(LakeDeadLetter.class);

    /** The value of the dead-letter record. */
    public static final SerializationSchema<LakeDeadLetter> VALUE = LakeDeadLetter::getValue;

    /** The sink dead letter's headers, plus {@link LakeSink#DEAD_LETTER_PATH_HEADER} when the partition is known. */
    public static final HeaderProvider<LakeDeadLetter> HEADERS = LakeDeadLetter::headers;

    private byte[] value;
    private boolean truncated;
    private String path;
    private String errorClass;
    private String errorMessage;

    public LakeDeadLetter() {}

    /** The dead letter for {@code record}, which could not be written for {@code error}. */
    public static LakeDeadLetter of(Object record, String path, Exception error) {
        LakeDeadLetter letter = new LakeDeadLetter();
        SinkDeadLetterText.Utf8Prefix description = SinkDeadLetterText.utf8Prefix(
                SinkDeadLetterText.describe(record), TypedKafkaSink.MAX_DEAD_LETTER_DESCRIPTION_BYTES);
        letter.value = description.bytes();
        letter.truncated = description.truncated();
        letter.path = path;
        letter.errorClass = error.getClass().getName();
        letter.errorMessage = new String(SinkDeadLetterText.errorMessage(error), UTF_8);
        return letter;
    }

    private static Headers headers(LakeDeadLetter letter) {
        Headers headers = new RecordHeaders();
        if (letter.path != null) {
            headers.add(LakeSink.DEAD_LETTER_PATH_HEADER, letter.path.getBytes(UTF_8));
        }
        headers.add(SinkDeadLetterHeaders.ERROR_CLASS, letter.errorClass.getBytes(UTF_8));
        headers.add(SinkDeadLetterHeaders.ERROR_MESSAGE, letter.errorMessage.getBytes(UTF_8));
        headers.add(SinkDeadLetterHeaders.VALUE_KIND, TypedKafkaSink.DEAD_LETTER_VALUE_DESCRIPTION.getBytes(UTF_8));
        headers.add(
                SinkDeadLetterHeaders.VALUE_TRUNCATED,
                Boolean.toString(letter.truncated).getBytes(UTF_8));
        return headers;
    }

    public byte[] getValue() {
        return value;
    }

    public void setValue(byte[] value) {
        this.value = value;
    }

    public boolean isTruncated() {
        return truncated;
    }

    public void setTruncated(boolean truncated) {
        this.truncated = truncated;
    }

    /** The partition directory the record was meant for; {@code null} when its event time is unknown. */
    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getErrorClass() {
        return errorClass;
    }

    public void setErrorClass(String errorClass) {
        this.errorClass = errorClass;
    }

    public String getErrorMessage() {
        return errorMessage;
    }

    public void setErrorMessage(String errorMessage) {
        this.errorMessage = errorMessage;
    }

    /** Sizes only: the record may be large or sensitive. */
    @Override
    public String toString() {
        return "LakeDeadLetter{path='" + path + "', valueBytes=" + (value == null ? 0 : value.length) + ", errorClass='"
                + errorClass + "', errorMessage='" + errorMessage + "'}";
    }
}
