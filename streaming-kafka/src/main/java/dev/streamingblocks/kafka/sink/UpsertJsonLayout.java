package dev.streamingblocks.kafka.sink;

import dev.streamingblocks.kafka.sink.internal.RowJsonSerializationSchema;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The key and value layout that Flink SQL's {@code upsert-kafka} connector writes with
 * {@code key.format = json}, {@code value.format = json} and the default
 * {@code value.fields-include = ALL}, so a DataStream job and a SQL job can feed one topic:
 * the key is a JSON object of the primary-key columns, the value a JSON object of all columns in
 * table order, and a deleted row is written as a tombstone (its key with a {@code null} value).
 *
 * <pre>{@code
 * // CREATE TABLE totals (user_id STRING, window_end TIMESTAMP(3), total BIGINT,
 * //     PRIMARY KEY (user_id, window_end) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', ...)
 * UpsertJsonLayout<Total> layout = UpsertJsonLayout.<Total>builder()
 *         .addColumn("user_id", UpsertJsonLayout.ColumnType.STRING, Total::userId)
 *         .addColumn("window_end", UpsertJsonLayout.ColumnType.TIMESTAMP_3, Total::windowEnd)
 *         .addColumn("total", UpsertJsonLayout.ColumnType.BIGINT, Total::total)
 *         .setPrimaryKey("user_id", "window_end")
 *         .setDeletedWhen(Total::retracted)
 *         .build();
 * TypedKafkaSink.<Total>builder().setUpsertJsonLayout(layout)...
 * }</pre>
 *
 * <p>Bytes are written by Flink's own JSON row serializer with the json format's default options
 * (SQL timestamp format, nulls written as {@code null}), so they are identical to the SQL job's.
 * Records carry no explicit partition, so Kafka's default partitioner hashes the key bytes exactly
 * as it does for upsert-kafka's default {@code sink.partitioner}: both jobs send a key to the same
 * partition, which keeps the per-key order consumers rely on.
 */
public final class UpsertJsonLayout<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** SQL column types and the Java type each column extractor must return. */
    public enum ColumnType {
        /** SQL {@code STRING}, from a {@link String}. */
        STRING(String.class),
        /** SQL {@code BOOLEAN}, from a {@link Boolean}. */
        BOOLEAN(Boolean.class),
        /** SQL {@code INT}, from an {@link Integer}. */
        INT(Integer.class),
        /** SQL {@code BIGINT}, from a {@link Long}. */
        BIGINT(Long.class),
        /** SQL {@code DOUBLE}, from a {@link Double}. */
        DOUBLE(Double.class),
        /** SQL {@code TIMESTAMP(3)}, from a {@link LocalDateTime}, e.g. a window's start or end. */
        TIMESTAMP_3(LocalDateTime.class),
        /** SQL {@code TIMESTAMP_LTZ(3)}, from an {@link Instant}. */
        TIMESTAMP_LTZ_3(Instant.class);

        private final Class<?> javaType;

        ColumnType(Class<?> javaType) {
            this.javaType = javaType;
        }

        /** The class the column's extractor must return (or {@code null}). */
        public Class<?> javaType() {
            return javaType;
        }
    }

    /** Tells deletes (written as tombstones) from upserts; serializable because it ships with the job. */
    @FunctionalInterface
    public interface DeletePredicate<T> extends Serializable {
        boolean isDelete(T element);
    }

    /** One column: name, type and how to read it from an element. */
    public static final class Column<T> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final ColumnType type;
        private final SerializableFunction<? super T, ?> extractor;

        Column(String name, ColumnType type, SerializableFunction<? super T, ?> extractor) {
            this.name = name;
            this.type = type;
            this.extractor = extractor;
        }

        public String name() {
            return name;
        }

        public ColumnType type() {
            return type;
        }

        public Object extract(T element) {
            return extractor.apply(element);
        }
    }

    private final List<Column<T>> columns;
    private final List<Column<T>> keyColumns;
    private final DeletePredicate<? super T> deletedWhen;

    private UpsertJsonLayout(
            List<Column<T>> columns, List<Column<T>> keyColumns, DeletePredicate<? super T> deletedWhen) {
        this.columns = columns;
        this.keyColumns = keyColumns;
        this.deletedWhen = deletedWhen;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** The key: a JSON object of the primary-key columns, in primary-key order. */
    public SerializationSchema<T> keySerializationSchema() {
        return new RowJsonSerializationSchema<>(keyColumns, null, true);
    }

    /** The value: a JSON object of all columns in table order, or {@code null} (tombstone) for a delete. */
    public SerializationSchema<T> valueSerializationSchema() {
        return new RowJsonSerializationSchema<>(columns, deletedWhen, false);
    }

    public List<Column<T>> columns() {
        return List.copyOf(columns);
    }

    public List<Column<T>> keyColumns() {
        return List.copyOf(keyColumns);
    }

    /** Builds an {@link UpsertJsonLayout}; columns and a primary key are required. */
    public static final class Builder<T> {
        private final Map<String, Column<T>> columns = new LinkedHashMap<>();
        private List<String> primaryKey;
        private DeletePredicate<? super T> deletedWhen;

        Builder() {}

        /** Adds the next column, in the order of the SQL table's columns. */
        public Builder<T> addColumn(String name, ColumnType type, SerializableFunction<? super T, ?> extractor) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("column name must not be blank");
            }
            if (type == null) {
                throw new IllegalArgumentException("type of column '" + name + "' must not be null");
            }
            if (extractor == null) {
                throw new IllegalArgumentException("extractor of column '" + name + "' must not be null");
            }
            if (columns.containsKey(name)) {
                throw new IllegalArgumentException("column '" + name + "' is already defined");
            }
            columns.put(name, new Column<>(name, type, extractor));
            return this;
        }

        /** The primary-key columns, in the order of the SQL table's {@code PRIMARY KEY (...)}. */
        public Builder<T> setPrimaryKey(String... names) {
            if (names == null || names.length == 0) {
                throw new IllegalArgumentException("primaryKey must name at least one column");
            }
            this.primaryKey = List.of(names);
            return this;
        }

        /** Elements matching this are deletes and written as tombstones; by default none are. */
        public Builder<T> setDeletedWhen(DeletePredicate<? super T> deletedWhen) {
            if (deletedWhen == null) {
                throw new IllegalArgumentException("deletedWhen must not be null");
            }
            this.deletedWhen = deletedWhen;
            return this;
        }

        public UpsertJsonLayout<T> build() {
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("columns are required: call addColumn(...)");
            }
            if (primaryKey == null) {
                throw new IllegalArgumentException("primaryKey is required: call setPrimaryKey(...)");
            }
            List<Column<T>> keys = new ArrayList<>();
            for (String name : primaryKey) {
                Column<T> column = columns.get(name);
                if (column == null) {
                    throw new IllegalArgumentException(
                            "primaryKey column '" + name + "' is not a column;" + " columns are " + columns.keySet());
                }
                if (keys.contains(column)) {
                    throw new IllegalArgumentException("primaryKey names column '" + name + "' twice");
                }
                keys.add(column);
            }
            return new UpsertJsonLayout<>(new ArrayList<>(columns.values()), keys, deletedWhen);
        }
    }
}
