package dev.streamingblocks.kafka.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Writes Java records and POJOs as one UTF-8 JSON object per element, with Jackson. A {@code null}
 * element gives a tombstone ({@code null} bytes).
 *
 * <pre>{@code
 * record Order(String orderId, long cents, Instant placedAt) {}
 * SerializationSchema<Order> values = new JsonValueSerializationSchema<>(Order.class);
 * // {"orderId":"o-1","cents":1250,"placedAt":"2026-11-24T08:00:00Z"}
 *
 * // Generic types need no raw cast: pass the stream's type, or a TypeHint
 * DataStream<WindowResult<String, Long>> counts = ...;
 * SerializationSchema<WindowResult<String, Long>> json = new JsonValueSerializationSchema<>(counts.getType());
 * // {"key":"u-1","windowStart":"2026-11-24T08:00:00Z","windowEnd":"2026-11-24T08:01:00Z","value":3}
 * }</pre>
 *
 * <p>What it writes:
 * <ul>
 *   <li>record components and POJO getters as fields, in declaration order, named as in Java;</li>
 *   <li>{@code java.time} values as ISO-8601 text, as their {@code toString()} gives it
 *       ({@code "2026-11-24T08:00:00Z"}, {@code "2026-11-24T08:00:00.500Z"}), never as numbers;</li>
 *   <li>numbers as JSON numbers (a {@code long} stays exact; {@code NaN} and infinities as the strings
 *       {@code "NaN"}, {@code "Infinity"}), {@code null} fields as {@code null};</li>
 *   <li>generic fields (the key and value of a {@code WindowResult}) by their runtime type, so the type
 *       argument only saves the cast.</li>
 * </ul>
 * A value Jackson cannot write fails with an {@link IllegalArgumentException} naming the type; the
 * exactly-once sink sends it to its dead-letter topic when one is set.
 */
public final class JsonValueSerializationSchema<T> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final Class<?> type;
    private transient ObjectMapper mapper;

    /** For a non-generic record or POJO type. */
    public JsonValueSerializationSchema(Class<T> type) {
        this.type = requireType(type);
    }

    /** For any type Flink knows, e.g. {@code stream.getType()} or {@code WindowResult.typeInfo(...)}. */
    public JsonValueSerializationSchema(TypeInformation<T> type) {
        this.type = requireType(type == null ? null : type.getTypeClass());
    }

    /** For a generic type written out: {@code new TypeHint<WindowResult<String, Long>>() {}}. */
    public JsonValueSerializationSchema(TypeHint<T> type) {
        this(type == null ? null : type.getTypeInfo());
    }

    private static Class<?> requireType(Class<?> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        return type;
    }

    @Override
    public void open(InitializationContext context) {
        mapper = newMapper();
    }

    static ObjectMapper newMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    @Override
    public byte[] serialize(T element) {
        if (element == null) {
            return null;
        }
        if (mapper == null) {
            mapper = newMapper(); // open() is skipped by some callers, e.g. plain unit tests
        }
        try {
            return mapper.writerFor(type).writeValueAsBytes(element);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "Cannot write a " + type.getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
