package dev.streamingblocks.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.window.WindowResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;

/** The JSON the class Javadoc promises, for generic and plain types. */
class JsonValueSerializationSchemaTest {

    private static final WindowResult<String, Long> COUNT =
            new WindowResult<>("u-1", Instant.parse("2026-11-24T08:00:00Z"), Instant.parse("2026-11-24T08:01:00Z"), 3L);
    private static final String COUNT_JSON = "{\"key\":\"u-1\",\"windowStart\":\"2026-11-24T08:00:00Z\","
            + "\"windowEnd\":\"2026-11-24T08:01:00Z\",\"value\":3}";

    record Measurement(String sensor, double value, Long count, Instant at) {}

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void genericWindowResultFromTypeInformationNeedsNoCast() {
        TypeInformation<WindowResult<String, Long>> type = WindowResult.typeInfo(Types.STRING, Types.LONG);
        SerializationSchema<WindowResult<String, Long>> json = new JsonValueSerializationSchema<>(type);
        assertThat(text(json.serialize(COUNT))).isEqualTo(COUNT_JSON);
    }

    @Test
    void genericWindowResultFromTypeHint() {
        SerializationSchema<WindowResult<String, Long>> json =
                new JsonValueSerializationSchema<>(new TypeHint<WindowResult<String, Long>>() {});
        assertThat(text(json.serialize(COUNT))).isEqualTo(COUNT_JSON);
        assertThat(json.serialize(null)).isNull();
    }

    @Test
    void numbersNullsAndFractionsAsDocumented() {
        JsonValueSerializationSchema<Measurement> json = new JsonValueSerializationSchema<>(Measurement.class);
        assertThat(text(json.serialize(
                        new Measurement("s-1", Double.NaN, null, Instant.parse("2026-11-24T08:00:00.5Z")))))
                .isEqualTo("{\"sensor\":\"s-1\",\"value\":\"NaN\",\"count\":null,"
                        + "\"at\":\"2026-11-24T08:00:00.500Z\"}");
        assertThat(text(json.serialize(
                        new Measurement("s-2", 1.25, Long.MAX_VALUE, Instant.parse("2026-11-24T08:00:00Z")))))
                .isEqualTo("{\"sensor\":\"s-2\",\"value\":1.25,\"count\":9223372036854775807,"
                        + "\"at\":\"2026-11-24T08:00:00Z\"}");
    }

    @Test
    void nullTypesAreRejectedWithOneMessage() {
        assertThatThrownBy(() -> new JsonValueSerializationSchema<>((TypeInformation<Measurement>) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type must not be null");
        assertThatThrownBy(() -> new JsonValueSerializationSchema<>((TypeHint<Measurement>) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type must not be null");
    }

    @Test
    void aValueJacksonCannotWriteNamesTheType() {
        record Opaque(Object payload) {}
        JsonValueSerializationSchema<Opaque> json = new JsonValueSerializationSchema<>(Opaque.class);
        assertThatThrownBy(() -> json.serialize(new Opaque(new Object())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot write a " + Opaque.class.getName() + " as JSON: "
                        + "No serializer found for class java.lang.Object");
    }
}
