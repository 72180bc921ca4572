package dev.streamingblocks.kafka.sink.internal;

import dev.streamingblocks.kafka.sink.UpsertJsonLayout.Column;
import dev.streamingblocks.kafka.sink.UpsertJsonLayout.ColumnType;
import dev.streamingblocks.kafka.sink.UpsertJsonLayout.DeletePredicate;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.JsonFormatOptions;
import org.apache.flink.formats.json.JsonRowDataSerializationSchema;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * Converts an element to a Flink {@code RowData} column by column and writes it with Flink SQL's
 * own {@link JsonRowDataSerializationSchema}, configured with the json format's defaults, so the
 * bytes equal those of a SQL job.
 */
public final class RowJsonSerializationSchema<T> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final List<Column<T>> columns;
    private final DeletePredicate<? super T> deletedWhen;
    private final boolean key;
    private transient JsonRowDataSerializationSchema json;

    public RowJsonSerializationSchema(List<Column<T>> columns, DeletePredicate<? super T> deletedWhen, boolean key) {
        this.columns = new ArrayList<>(columns);
        this.deletedWhen = deletedWhen;
        this.key = key;
    }

    @Override
    public void open(InitializationContext context) {
        json();
    }

    /** Created on first use too, so the schema also works where open() is not called. */
    private JsonRowDataSerializationSchema json() {
        if (json == null) {
            List<RowType.RowField> fields = new ArrayList<>();
            for (Column<T> column : columns) {
                // Primary-key columns are NOT NULL in SQL; nullability does not change the bytes.
                fields.add(new RowType.RowField(column.name(), logicalType(column.type(), !key)));
            }
            // Defaults of Flink's json format: json.timestamp-format.standard=SQL,
            // json.map-null-key.mode=FAIL, literal "null", encode.decimal-as-plain-number=false,
            // encode.ignore-null-fields=false.
            JsonRowDataSerializationSchema created = new JsonRowDataSerializationSchema(
                    new RowType(fields),
                    TimestampFormat.SQL,
                    JsonFormatOptions.MapNullKeyMode.FAIL,
                    "null",
                    false,
                    false);
            try {
                created.open(null); // it only builds its ObjectMapper and ignores the context
            } catch (Exception e) {
                throw new IllegalStateException("Cannot open Flink's JSON row serializer", e);
            }
            json = created;
        }
        return json;
    }

    @Override
    public byte[] serialize(T element) {
        if (!key && deletedWhen != null && deletedWhen.isDelete(element)) {
            return null;
        }
        GenericRowData row = new GenericRowData(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            Column<T> column = columns.get(i);
            row.setField(i, toInternal(column, column.extract(element)));
        }
        return json().serialize(row);
    }

    private Object toInternal(Column<T> column, Object value) {
        if (value == null) {
            if (key) {
                throw new IllegalArgumentException(
                        "primary-key column '" + column.name() + "' is null; an upsert key must not contain nulls");
            }
            return null;
        }
        if (!column.type().javaType().isInstance(value)) {
            throw new IllegalArgumentException("column '" + column.name() + "' (" + column.type()
                    + ") expects a " + column.type().javaType().getName() + ", but its extractor returned a "
                    + value.getClass().getName());
        }
        switch (column.type()) {
            case STRING:
                return StringData.fromString((String) value);
            case TIMESTAMP_3:
                return TimestampData.fromLocalDateTime((LocalDateTime) value);
            case TIMESTAMP_LTZ_3:
                return TimestampData.fromInstant((Instant) value);
            default:
                return value; // Boolean, Integer, Long, Double are their own internal form
        }
    }

    private static LogicalType logicalType(ColumnType type, boolean nullable) {
        switch (type) {
            case STRING:
                return new VarCharType(nullable, VarCharType.MAX_LENGTH);
            case BOOLEAN:
                return new BooleanType(nullable);
            case INT:
                return new IntType(nullable);
            case BIGINT:
                return new BigIntType(nullable);
            case DOUBLE:
                return new DoubleType(nullable);
            case TIMESTAMP_3:
                return new TimestampType(nullable, 3);
            case TIMESTAMP_LTZ_3:
                return new LocalZonedTimestampType(nullable, 3);
            default:
                throw new IllegalArgumentException("Unsupported column type " + type);
        }
    }
}
