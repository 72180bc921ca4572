package dev.streamingblocks.core.window.internal;

import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.types.Either;

/**
 * A partial aggregate of one key and window from one subtask of the local pre-aggregation, on its
 * way to the keyed window operator that merges it into the window's accumulator.
 *
 * @param key the key the window belongs to
 * @param windowStart the window's first millisecond
 * @param windowEnd the window's end (exclusive), in milliseconds
 * @param accumulator the accumulator over this subtask's records of the key and window so far
 */
public record WindowPartial<K, ACC>(K key, long windowStart, long windowEnd, ACC accumulator) {

    /** Explicit field types, so the generic record never falls back to Kryo. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <K, ACC> TypeInformation<WindowPartial<K, ACC>> typeInfo(
            TypeInformation<K> keyType, TypeInformation<ACC> accumulatorType) {
        return (TypeInformation) Types.POJO(
                WindowPartial.class,
                Map.of(
                        "key",
                        keyType,
                        "windowStart",
                        Types.LONG,
                        "windowEnd",
                        Types.LONG,
                        "accumulator",
                        accumulatorType));
    }

    /** What crosses the shuffle: a partial ({@code Left}) or a record the pre-aggregation passed on ({@code Right}). */
    public static <K, ACC, T> TypeInformation<Either<WindowPartial<K, ACC>, T>> envelopeType(
            TypeInformation<K> keyType, TypeInformation<ACC> accumulatorType, TypeInformation<T> recordType) {
        return new EitherTypeInfo<>(typeInfo(keyType, accumulatorType), recordType);
    }
}
