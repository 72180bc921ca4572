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
 * One row change from a Debezium envelope, typed: the {@link ChangeKind}, the row it refers to
 * (the new row of an insert or update-after, the old row of an update-before or delete), when the
 * database committed it and where in the database's log it is.
 *
 * <pre>{@code
 * DataStream<ChangeRecord<Product>> changes = ...;   // from DebeziumJsonDeserializationSchema
 * changes.filter(c -> c.kind() == ChangeKind.DELETE).map(c -> c.row().id());
 * }</pre>
 *
 * @param kind what the change does to {@code row}
 * @param row the row image; for a delete (or an update-before) under PostgreSQL's default
 *     {@code REPLICA IDENTITY}, only its key columns are set, so prefer {@code REPLICA IDENTITY FULL}
 * @param sourceTimestamp when the database committed the change (Debezium's {@code source.ts_ms});
 *     for the initial snapshot, when the row was read
 * @param lsn PostgreSQL's log sequence number of the change ({@code source.lsn}), increasing per row
 *     in commit order; {@value #NO_LSN} when the envelope has none (other databases)
 * @param snapshot whether the change comes from the connector's initial snapshot
 */
public record ChangeRecord<T>(ChangeKind kind, T row, Instant sourceTimestamp, long lsn, boolean snapshot) {

    /** The {@code lsn} of a change whose envelope carries none. */
    public static final long NO_LSN = -1L;

    public ChangeRecord {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(row, "row must not be null");
        Objects.requireNonNull(sourceTimestamp, "sourceTimestamp must not be null");
    }

    /**
     * Flink's type for change records of rows of {@code rowType}: a POJO type (never Kryo), so the
     * records can be keyed, kept in state and sent between tasks with generic types disabled.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T> TypeInformation<ChangeRecord<T>> typeInfo(TypeInformation<T> rowType) {
        Objects.requireNonNull(rowType, "rowType must not be null");
        List<PojoField> fields = new ArrayList<>();
        fields.add(new PojoField(field("kind"), Types.ENUM(ChangeKind.class)));
        fields.add(new PojoField(field("row"), rowType));
        fields.add(new PojoField(field("sourceTimestamp"), BasicTypeInfo.INSTANT_TYPE_INFO));
        fields.add(new PojoField(field("lsn"), Types.LONG));
        fields.add(new PojoField(field("snapshot"), Types.BOOLEAN));
        return (TypeInformation) new PojoTypeInfo<>(ChangeRecord.class, fields);
    }

    private static Field field(String name) {
        try {
            return ChangeRecord.class.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("ChangeRecord has no field " + name, e);
        }
    }
}
