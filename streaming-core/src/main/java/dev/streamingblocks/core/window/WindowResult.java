package dev.streamingblocks.core.window;

import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The result of one window for one key.
 *
 * @param key the key the window belongs to
 * @param windowStart the window's first instant (inclusive)
 * @param windowEnd the instant the window ends (exclusive)
 * @param value the aggregate
 */
public record WindowResult<K, R>(K key, Instant windowStart, Instant windowEnd, R value) {

    /** Flink type information with explicit field types, so the generic record never hits Kryo. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <K, R> TypeInformation<WindowResult<K, R>> typeInfo(
            TypeInformation<K> keyType, TypeInformation<R> valueType) {
        return (TypeInformation) Types.POJO(
                WindowResult.class,
                Map.of("key", keyType, "windowStart", Types.INSTANT, "windowEnd", Types.INSTANT, "value", valueType));
    }
}
