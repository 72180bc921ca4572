package dev.streamingblocks.core.window;

import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * A window in which at least the threshold number of records matched the predicate.
 *
 * @param key the key the window belongs to
 * @param windowStart the window's first instant (inclusive)
 * @param windowEnd the instant the window ends (exclusive)
 * @param matchCount how many records matched when the breach was emitted
 */
public record ThresholdBreach<K>(K key, Instant windowStart, Instant windowEnd, long matchCount) {

    /** Flink type information with explicit field types, so the generic record never hits Kryo. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <K> TypeInformation<ThresholdBreach<K>> typeInfo(TypeInformation<K> keyType) {
        return (TypeInformation) Types.POJO(
                ThresholdBreach.class,
                Map.of(
                        "key",
                        keyType,
                        "windowStart",
                        Types.INSTANT,
                        "windowEnd",
                        Types.INSTANT,
                        "matchCount",
                        Types.LONG));
    }
}
