package dev.streamingblocks.kafka.sink.internal;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.util.function.SerializableFunction;

/** A key as the UTF-8 bytes of an extracted string; a {@code null} string gives no key. */
public final class Utf8KeySerializationSchema<T> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final SerializableFunction<? super T, String> extractor;

    public Utf8KeySerializationSchema(SerializableFunction<? super T, String> extractor) {
        this.extractor = extractor;
    }

    @Override
    public byte[] serialize(T element) {
        String key = extractor.apply(element);
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }
}
