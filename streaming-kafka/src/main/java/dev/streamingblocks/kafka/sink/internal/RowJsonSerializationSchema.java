package dev.streamingblocks.kafka.sink.internal;

import dev.streamingblocks.kafka.sink.UpsertJsonLayout.Column;
import dev.streamingblocks.kafka.sink.UpsertJsonLayout.ColumnType;
import dev.streamingblocks.kafka.sink.UpsertJsonLayout.DeletePredicate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Writes an element as the JSON object Flink SQL's json format writes for the same row, byte for
 * byte, so a DataStream job and a SQL job can feed one topic.
 *
 * <p>Rows whose values are all plain (strings without control characters, quotes, backslashes or
 * surrogates; finite doubles; timestamps in years 0-9999; numbers, booleans, nulls) are written
 * directly into a reused buffer: this is the sink's per-row cost, and Flink's serializer spends most
 * of it building a JSON tree and formatting timestamps through {@code DateTimeFormatter}. Any other
 * row goes through Flink's own {@link JsonRowDataSerializationSchema}, configured with the json
 * format's defaults. {@code RowJsonSerializationSchemaTest} holds both to the same bytes on random
 * rows.
 */
public final class RowJsonSerializationSchema<T> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

    private final List<Column<T>> columns;
    private final DeletePredicate<? super T> deletedWhen;
    private final boolean key;
    private transient JsonRowDataSerializationSchema json;
    /** Each column's {@code "name":} (with the separating comma from the second on), or null: always use Flink's. */
    private transient byte[][] fieldPrefixes;

    private transient byte[] buffer;
    private transient int length;
    /** The last timestamp each column formatted, and its text: window bounds repeat row after row. */
    private transient Object[] lastTimestamps;

    private transient byte[][] lastTimestampBytes;

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
        Object[] values = values(element);
        byte[] direct = writeDirectly(values);
        return direct != null ? direct : writeWithFlink(values);
    }

    /** Flink's serializer on the whole row, as rows the direct writer cannot take go; for tests. */
    byte[] serializeWithFlink(T element) {
        return writeWithFlink(values(element));
    }

    /** The element's column values, each checked against its column. */
    private Object[] values(T element) {
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            Column<T> column = columns.get(i);
            Object value = column.extract(element);
            check(column, value);
            values[i] = value;
        }
        return values;
    }

    private byte[] writeWithFlink(Object[] values) {
        GenericRowData row = new GenericRowData(values.length);
        for (int i = 0; i < values.length; i++) {
            row.setField(i, toInternal(columns.get(i), values[i]));
        }
        return json().serialize(row);
    }

    private void check(Column<T> column, Object value) {
        if (value == null) {
            if (key) {
                throw new IllegalArgumentException(
                        "primary-key column '" + column.name() + "' is null; an upsert key must not contain nulls");
            }
        } else if (!column.type().javaType().isInstance(value)) {
            throw new IllegalArgumentException("column '" + column.name() + "' (" + column.type()
                    + ") expects a " + column.type().javaType().getName() + ", but its extractor returned a "
                    + value.getClass().getName());
        }
    }

    /** The row's JSON written directly, or null when one of its values needs Flink's serializer. */
    private byte[] writeDirectly(Object[] values) {
        if (fieldPrefixes == null) {
            prepareDirectWriting();
        }
        if (fieldPrefixes.length == 0) {
            return null;
        }
        length = 0;
        append((byte) '{');
        for (int i = 0; i < values.length; i++) {
            append(fieldPrefixes[i]);
            Object value = values[i];
            if (value == null) {
                append(NULL);
                continue;
            }
            boolean written;
            switch (columns.get(i).type()) {
                case STRING:
                    written = appendPlainString((String) value);
                    break;
                case BOOLEAN:
                    append((Boolean) value ? TRUE : FALSE);
                    written = true;
                    break;
                case INT:
                case BIGINT:
                    appendAscii(value.toString());
                    written = true;
                    break;
                case DOUBLE:
                    double d = (Double) value;
                    written = Double.isFinite(d);
                    if (written) {
                        appendAscii(Double.toString(d));
                    }
                    break;
                case TIMESTAMP_3:
                case TIMESTAMP_LTZ_3:
                    written = appendTimestamp(i, value);
                    break;
                default:
                    written = false;
            }
            if (!written) {
                return null;
            }
        }
        append((byte) '}');
        return Arrays.copyOf(buffer, length);
    }

    private void prepareDirectWriting() {
        buffer = new byte[256];
        lastTimestamps = new Object[columns.size()];
        lastTimestampBytes = new byte[columns.size()][];
        byte[][] prefixes = new byte[columns.size()][];
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i).name();
            if (!isPlain(name)) {
                fieldPrefixes = new byte[0][]; // a name Jackson would escape: leave every row to Flink
                return;
            }
            prefixes[i] = ((i == 0 ? "\"" : ",\"") + name + "\":").getBytes(StandardCharsets.UTF_8);
        }
        fieldPrefixes = prefixes;
    }

    /** Whether Jackson writes {@code text} as it is: no control character, quote, backslash or surrogate. */
    private static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private boolean appendPlainString(String text) {
        int start = length;
        append((byte) '"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (c < 0x20 || c == '"' || c == '\\') {
                    length = start;
                    return false;
                }
                append((byte) c);
            } else if (c < 0x800) {
                append((byte) (0xC0 | (c >> 6)));
                append((byte) (0x80 | (c & 0x3F)));
            } else if (Character.isSurrogate(c)) {
                length = start;
                return false;
            } else {
                append((byte) (0xE0 | (c >> 12)));
                append((byte) (0x80 | ((c >> 6) & 0x3F)));
                append((byte) (0x80 | (c & 0x3F)));
            }
        }
        append((byte) '"');
        return true;
    }

    /**
     * A timestamp as Flink's SQL timestamp format writes it: {@code "yyyy-MM-dd HH:mm:ss"}, the
     * fraction of a second only when there is one and without trailing zeros, {@code Z} after a
     * {@code TIMESTAMP_LTZ}. Years outside 0-9999 are left to Flink's formatter.
     */
    private boolean appendTimestamp(int column, Object value) {
        if (value.equals(lastTimestamps[column])) {
            append(lastTimestampBytes[column]);
            return true;
        }
        LocalDateTime time = value instanceof Instant instant
                ? LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC)
                : (LocalDateTime) value;
        int year = time.getYear();
        if (year < 0 || year > 9999) {
            return false;
        }
        StringBuilder text = new StringBuilder(32).append('"');
        pad(text, year, 4).append('-');
        pad(text, time.getMonthValue(), 2).append('-');
        pad(text, time.getDayOfMonth(), 2).append(' ');
        pad(text, time.getHour(), 2).append(':');
        pad(text, time.getMinute(), 2).append(':');
        pad(text, time.getSecond(), 2);
        int nanos = time.getNano();
        if (nanos != 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            pad(text.append('.'), nanos, digits);
        }
        if (value instanceof Instant) {
            text.append('Z');
        }
        byte[] bytes = text.append('"').toString().getBytes(StandardCharsets.US_ASCII);
        lastTimestamps[column] = value;
        lastTimestampBytes[column] = bytes;
        append(bytes);
        return true;
    }

    private static StringBuilder pad(StringBuilder text, int value, int digits) {
        String number = Integer.toString(value);
        for (int i = number.length(); i < digits; i++) {
            text.append('0');
        }
        return text.append(number);
    }

    private void appendAscii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            buffer[length++] = (byte) text.charAt(i);
        }
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void append(byte b) {
        ensure(1);
        buffer[length++] = b;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private static Object toInternal(Column<?> column, Object value) {
        if (value == null) {
            return null;
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
