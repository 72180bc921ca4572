package dev.streamingblocks.kafka.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Writes Java records and POJOs as JSON with Jackson; {@code java.time} values as ISO-8601 text
 * (e.g. {@code "2026-11-24T08:00:00Z"}), not as numbers. A {@code null} element gives a tombstone.
 *
 * <pre>{@code
 * record Order(String orderId, long cents, Instant placedAt) {}
 * SerializationSchema<Order> values = new JsonValueSerializationSchema<>(Order.class);
 * // {"orderId":"o-1","cents":1250,"placedAt":"2026-11-24T08:00:00Z"}
 * }</pre>
 */
public final class JsonValueSerializationSchema<T> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private transient ObjectMapper mapper;

    public JsonValueSerializationSchema(Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        this.type = type;
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
            throw new IllegalArgumentException("Cannot write a " + type.getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }
}
