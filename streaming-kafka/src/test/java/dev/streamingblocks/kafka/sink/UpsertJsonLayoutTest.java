package dev.streamingblocks.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.kafka.sink.UpsertJsonLayout.ColumnType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class UpsertJsonLayoutTest {

    record Count(String key, Object count, LocalDateTime end, boolean gone) {}

    private static UpsertJsonLayout<Count> layout() {
        return UpsertJsonLayout.<Count>builder()
                .addColumn("k", ColumnType.STRING, Count::key)
                .addColumn("n", ColumnType.BIGINT, Count::count)
                .addColumn("end", ColumnType.TIMESTAMP_3, Count::end)
                .setPrimaryKey("end", "k")
                .setDeletedWhen(Count::gone)
                .build();
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void keyInPrimaryKeyOrderValueInColumnOrderDeleteAsTombstone() {
        UpsertJsonLayout<Count> layout = layout();
        Count c = new Count("a", 5L, LocalDateTime.parse("2026-11-24T08:00:00.250"), false);
        assertThat(text(layout.keySerializationSchema().serialize(c)))
                .isEqualTo("{\"end\":\"2026-11-24 08:00:00.25\",\"k\":\"a\"}");
        assertThat(text(layout.valueSerializationSchema().serialize(c)))
                .isEqualTo("{\"k\":\"a\",\"n\":5,\"end\":\"2026-11-24 08:00:00.25\"}");
        Count deleted = new Count("a", 5L, LocalDateTime.parse("2026-11-24T08:00:00"), true);
        assertThat(layout.valueSerializationSchema().serialize(deleted)).isNull();
        assertThat(text(layout.keySerializationSchema().serialize(deleted)))
                .isEqualTo("{\"end\":\"2026-11-24 08:00:00\",\"k\":\"a\"}");
        assertThat(text(layout.valueSerializationSchema()
                        .serialize(new Count("b", null, LocalDateTime.MIN.withYear(1), false))))
                .isEqualTo("{\"k\":\"b\",\"n\":null,\"end\":\"0001-01-01 00:00:00\"}");
    }

    @Test
    void wrongJavaTypeAndNullKeyAreNamed() {
        assertThatThrownBy(() -> layout().valueSerializationSchema()
                        .serialize(new Count("a", 5, LocalDateTime.parse("2026-11-24T08:00:00"), false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "column 'n' (BIGINT) expects a java.lang.Long, but its extractor returned a java.lang.Integer");
        assertThatThrownBy(() ->
                        layout().keySerializationSchema().serialize(new Count(null, 5L, LocalDateTime.MIN, false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("primary-key column 'k' is null; an upsert key must not contain nulls");
    }

    @Test
    void builderMessages() {
        assertThatThrownBy(() ->
                        UpsertJsonLayout.<Count>builder().setPrimaryKey("k").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("columns are required: call addColumn(...)");
        assertThatThrownBy(() -> UpsertJsonLayout.<Count>builder()
                        .addColumn("k", ColumnType.STRING, Count::key)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("primaryKey is required: call setPrimaryKey(...)");
        assertThatThrownBy(() -> UpsertJsonLayout.<Count>builder()
                        .addColumn("k", ColumnType.STRING, Count::key)
                        .setPrimaryKey("key")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("primaryKey column 'key' is not a column; columns are [k]");
        assertThatThrownBy(() -> UpsertJsonLayout.<Count>builder()
                        .addColumn("k", ColumnType.STRING, Count::key)
                        .setPrimaryKey("k", "k")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("primaryKey names column 'k' twice");
        assertThatThrownBy(() -> UpsertJsonLayout.<Count>builder()
                        .addColumn("k", ColumnType.STRING, Count::key)
                        .addColumn("k", ColumnType.BIGINT, Count::count))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column 'k' is already defined");
        assertThatThrownBy(() -> UpsertJsonLayout.<Count>builder().addColumn(" ", ColumnType.STRING, Count::key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column name must not be blank");
        assertThatThrownBy(() -> UpsertJsonLayout.<Count>builder().addColumn("k", null, Count::key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type of column 'k' must not be null");
        assertThatThrownBy(() -> UpsertJsonLayout.<Count>builder().addColumn("k", ColumnType.STRING, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extractor of column 'k' must not be null");
        assertThatThrownBy(() -> UpsertJsonLayout.<Count>builder().setPrimaryKey())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("primaryKey must name at least one column");
        assertThatThrownBy(() -> UpsertJsonLayout.<Count>builder().setDeletedWhen(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deletedWhen must not be null");
    }

    @Test
    void jsonValuesWriteJavaTimeAsIsoText() {
        record Reading(String sensor, Instant at) {}
        JsonValueSerializationSchema<Reading> schema = new JsonValueSerializationSchema<>(Reading.class);
        assertThat(text(schema.serialize(new Reading("s\"1", Instant.parse("2026-11-24T08:00:00.5Z")))))
                .isEqualTo("{\"sensor\":\"s\\\"1\",\"at\":\"2026-11-24T08:00:00.500Z\"}");
        assertThat(schema.serialize(null)).isNull();
        assertThatThrownBy(() -> new JsonValueSerializationSchema<>((Class<Reading>) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type must not be null");
    }
}
