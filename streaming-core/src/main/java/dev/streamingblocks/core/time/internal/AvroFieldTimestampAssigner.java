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

    /**
     * The field's position and unit in the schema of the last record, so a stream of records of one
     * schema looks the field up by name once. Replaced whole (one reference, final fields), so a
     * racing reader sees either the old or the new schema's entry, never a mix.
     */
    private transient Resolved resolved;

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
        Resolved field = resolved;
        // Identity, not equals(): a record's schema is one shared instance per reader schema, and
        // comparing whole schemas per record would cost more than the lookup saved.
        if (field == null || field.schema != schema) {
            field = resolve(schema);
            resolved = field;
        }
        Object value = record.get(field.position);
        if (value == null) {
            throw new InvalidEventTimeException(
                    "Avro timestamp field '" + fieldName + "' of record " + schema.getFullName() + " is null");
        }
        if (value instanceof Instant) {
            return ((Instant) value).toEpochMilli();
        }
        if (value instanceof Long) {
            long raw = (Long) value;
            return field.micros ? Math.floorDiv(raw, 1000L) : raw;
        }
        throw new InvalidEventTimeException("Avro timestamp field '" + fieldName + "' of record " + schema.getFullName()
                + " holds a " + value.getClass().getName() + ", expected a long or timestamp-millis");
    }

    private Resolved resolve(Schema schema) {
        Schema.Field field = schema.getField(fieldName);
        if (field == null) {
            throw new InvalidEventTimeException(
                    "Avro record " + schema.getFullName() + " has no timestamp field '" + fieldName + "'");
        }
        return new Resolved(schema, field.pos(), isMicros(field.schema()));
    }

    /** Where the field is in one schema, and whether it counts microseconds. */
    private static final class Resolved {
        final Schema schema;
        final int position;
        final boolean micros;

        Resolved(Schema schema, int position, boolean micros) {
            this.schema = schema;
            this.position = position;
            this.micros = micros;
        }
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
