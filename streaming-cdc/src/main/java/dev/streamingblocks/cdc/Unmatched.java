package dev.streamingblocks.cdc;

import java.lang.reflect.Field;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;

/**
 * A record of {@link LatestVersionJoin}'s left side that found no version to join with, and why.
 *
 * @param left the record, unchanged
 * @param eventTime its event time, the time the version was looked up at
 * @param reason why it has no match
 */
public record Unmatched<L>(L left, Instant eventTime, Reason reason) {

    /** Why a record found no version. */
    public enum Reason {
        /** No version valid at the event time: the key never existed, did not exist yet, or was deleted. */
        NO_VERSION,
        /** The record came after the watermark had passed its event time; the versions it needs may be gone. */
        LATE
    }

    public Unmatched {
        Objects.requireNonNull(left, "left must not be null");
        Objects.requireNonNull(eventTime, "eventTime must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
    }

    /** Flink's POJO type for unmatched records of {@code leftType} (never Kryo). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <L> TypeInformation<Unmatched<L>> typeInfo(TypeInformation<L> leftType) {
        Objects.requireNonNull(leftType, "leftType must not be null");
        List<PojoField> fields = new ArrayList<>();
        fields.add(new PojoField(field("left"), leftType));
        fields.add(new PojoField(field("eventTime"), BasicTypeInfo.INSTANT_TYPE_INFO));
        fields.add(new PojoField(field("reason"), Types.ENUM(Reason.class)));
        return (TypeInformation) new PojoTypeInfo<>(Unmatched.class, fields);
    }

    private static Field field(String name) {
        try {
            return Unmatched.class.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("Unmatched has no field " + name, e);
        }
    }
}
