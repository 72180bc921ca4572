package dev.streamingblocks.core.time.internal;

import dev.streamingblocks.core.time.InvalidEventTimeException;
import java.time.Instant;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Reads epoch milliseconds from a named field of an Avro record. Handles a plain {@code long},
 * a {@code timestamp-millis} field (a {@code Long} in generic records, an {@link Instant} in
 * generated SpecificRecords) and {@code timestamp-micros} (converted down to milliseconds).
 */
public final class AvroFieldTimestampAssigner<T> implements SerializableTimestampAssigner<T> {

    private static final long serialVersionUID = 1L;

    private final String fieldName;

    public AvroFieldTimestampAssigner(String fieldName) {
        this.fieldName = fieldName;
    }

    @Override
    public long extractTimestamp(T element, long recordTimestamp) {
        if (!(element instanceof IndexedRecord)) {
            throw new InvalidEventTimeException("Cannot read Avro timestamp field '" + fieldName + "' from a "
                    + (element == null ? "null record" : element.getClass().getName())
                    + ": it is not an Avro record");
        }
        IndexedRecord record = (IndexedRecord) element;
        Schema schema = record.getSchema();
        Schema.Field field = schema.getField(fieldName);
        if (field == null) {
            throw new InvalidEventTimeException(
                    "Avro record " + schema.getFullName() + " has no timestamp field '" + fieldName + "'");
        }
        Object value = record.get(field.pos());
        if (value == null) {
            throw new InvalidEventTimeException(
                    "Avro timestamp field '" + fieldName + "' of record " + schema.getFullName() + " is null");
        }
        if (value instanceof Instant) {
            return ((Instant) value).toEpochMilli();
        }
        if (value instanceof Long) {
            long raw = (Long) value;
            return isMicros(field.schema()) ? Math.floorDiv(raw, 1000L) : raw;
        }
        throw new InvalidEventTimeException("Avro timestamp field '" + fieldName + "' of record " + schema.getFullName()
                + " holds a " + value.getClass().getName() + ", expected a long or timestamp-millis");
    }

    private static boolean isMicros(Schema fieldSchema) {
        Schema effective = fieldSchema;
        if (fieldSchema.getType() == Schema.Type.UNION) {
            for (Schema branch : fieldSchema.getTypes()) {
                if (branch.getType() == Schema.Type.LONG) {
                    effective = branch;
                }
            }
        }
        LogicalType logicalType = effective.getLogicalType();
        return logicalType instanceof LogicalTypes.TimestampMicros;
    }
}
