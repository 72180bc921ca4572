package dev.streamingblocks.sessions.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.sessions.MalformedPageViewException;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.PageViewLimits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.JsonFormatOptions;
import org.apache.flink.formats.json.JsonRowDataDeserializationSchema;
import org.apache.flink.formats.json.JsonRowDataSerializationSchema;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * Pins the layout to what Flink SQL's {@code json} format (flink-json's RowData schemas, default
 * options) really writes and reads for {@code page_views (user_id STRING, page_url STRING,
 * view_time TIMESTAMP(3))}.
 */
class PageViewJsonFormatTest {

    private static final RowType PAGE_VIEWS = RowType.of(
            new LogicalType[] {
                new VarCharType(VarCharType.MAX_LENGTH), new VarCharType(VarCharType.MAX_LENGTH), new TimestampType(3)
            },
            new String[] {"user_id", "page_url", "view_time"});

    private final PageViewJsonDeserializationSchema reader = new PageViewJsonDeserializationSchema();
    private final PageViewJsonSerializationSchema writer = new PageViewJsonSerializationSchema();

    @Test
    void flinkSqlWritesTimestampsWithOnlyTheFractionDigitsNeeded() throws Exception {
        assertThat(flinkSqlJson("2026-02-06T12:00:00Z"))
                .isEqualTo("{\"user_id\":\"alice\",\"page_url\":\"/home\",\"view_time\":\"2026-02-06 12:00:00\"}");
        assertThat(flinkSqlJson("2026-02-06T12:00:00.250Z"))
                .isEqualTo("{\"user_id\":\"alice\",\"page_url\":\"/home\",\"view_time\":\"2026-02-06 12:00:00.25\"}");
        assertThat(flinkSqlJson("2026-02-06T12:00:00.123Z"))
                .isEqualTo("{\"user_id\":\"alice\",\"page_url\":\"/home\",\"view_time\":\"2026-02-06 12:00:00.123\"}");
    }

    @Test
    void readsWhatFlinkSqlWrites() throws Exception {
        for (String time : List.of("2026-02-06T12:00:00Z", "2026-02-06T12:00:00.250Z", "2026-02-06T23:59:59.999Z")) {
            assertThat(reader.deserialize(flinkSqlJson(time).getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(new PageView("alice", "/home", Instant.parse(time)));
        }
    }

    @Test
    void writesWhatFlinkSqlWritesAndReads() throws Exception {
        for (String time : List.of("2026-02-06T12:00:00Z", "2026-02-06T12:00:00.250Z", "2026-02-06T12:00:00.007Z")) {
            PageView view = new PageView("alice", "/home", Instant.parse(time));
            byte[] ours = writer.serialize(view);
            assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo(flinkSqlJson(time));
            RowData row = flinkSqlRead(ours);
            assertThat(row.getString(0).toString()).isEqualTo("alice");
            assertThat(row.getString(1).toString()).isEqualTo("/home");
            assertThat(row.getTimestamp(2, 3).toInstant()).isEqualTo(Instant.parse(time));
        }
    }

    @Test
    void acceptsIso8601Leniently() throws Exception {
        assertThat(read("{\"user_id\":\"a\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06T12:00:00.5\"}")
                        .viewTime())
                .isEqualTo(Instant.parse("2026-02-06T12:00:00.500Z"));
        assertThat(read("{\"user_id\":\"a\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06T13:00:00+01:00\"}")
                        .viewTime())
                .isEqualTo(Instant.parse("2026-02-06T12:00:00Z"));
        assertThat(read("{\"user_id\":\"a\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06T12:00:00.123456Z\"}")
                        .viewTime())
                .isEqualTo(Instant.parse("2026-02-06T12:00:00.123Z"));
    }

    @Test
    void ignoresUnknownFields() throws Exception {
        assertThat(read("{\"user_id\":\"a\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\",\"ref\":1}"))
                .isEqualTo(new PageView("a", "/p", Instant.parse("2026-02-06T12:00:00Z")));
    }

    @Test
    void malformedRecordsFailNamingWhatIsWrong() {
        assertMalformed(
                "{\"user_id\":\"a\",",
                "Page view is not valid JSON: Unexpected end-of-input within/between Object entries");
        assertMalformed("[1,2]", "Page view must be a JSON object, but was array");
        assertMalformed(
                "{\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}", "Page view lacks field 'user_id'");
        assertMalformed(
                "{\"user_id\":null,\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}",
                "Page view lacks field 'user_id'");
        assertMalformed(
                "{\"user_id\":\"a\",\"page_url\":7,\"view_time\":\"2026-02-06 12:00:00\"}",
                "Page view field 'page_url' must be a string, but was number 7");
        assertMalformed(
                "{\"user_id\":\"a\",\"page_url\":\"/p\",\"view_time\":\"yesterday\"}",
                "Page view field 'view_time' must be a timestamp like '2026-02-06 12:00:00.123' (UTC) or ISO-8601,"
                        + " but was 'yesterday'");
        assertMalformed(
                "{\"user_id\":\"a\",\"page_url\":\"/p\",\"view_time\":\"2026-02-30 12:00:00\"}",
                "Page view field 'view_time' must be a timestamp like '2026-02-06 12:00:00.123' (UTC) or ISO-8601,"
                        + " but was '2026-02-30 12:00:00'");
        assertThatThrownBy(() -> reader.deserialize(null))
                .isInstanceOf(MalformedPageViewException.class)
                .hasMessage("Page view record has no value (a tombstone?)");
    }

    /** Issue #9: strict JSON, so a record two readers could read differently is a dead letter. */
    @Test
    void duplicateKeysAreMalformed() {
        assertMalformed(
                "{\"user_id\":\"a\",\"user_id\":\"b\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}",
                "Page view is not valid JSON: Duplicate field 'user_id'");
    }

    @Test
    void trailingDataAfterTheObjectIsMalformed() {
        assertMalformed(
                "{\"user_id\":\"a\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"} {}",
                "Page view is not valid JSON: Trailing token (of type START_OBJECT) found after value"
                        + " (bound as `com.fasterxml.jackson.databind.JsonNode`): not allowed as per"
                        + " `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`");
        assertMalformed(
                "{\"user_id\":\"a\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}x",
                "Page view is not valid JSON: Unrecognized token 'x': was expecting (JSON String, Number, Array,"
                        + " Object or token 'null', 'true' or 'false')");
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] json = "{\"user_id\":\"a?\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}"
                .getBytes(StandardCharsets.UTF_8);
        json[14] = (byte) 0xFF;
        assertThatThrownBy(() -> reader.deserialize(json))
                .isInstanceOf(MalformedPageViewException.class)
                .hasMessage("Page view is not valid JSON: Invalid UTF-8 start byte 0xff");
    }

    @Test
    void aBlankUserIdOrATimeBefore1970IsMalformed() {
        assertMalformed(
                "{\"user_id\":\" \",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}",
                "Page view field 'user_id' must not be blank");
        assertMalformed(
                "{\"user_id\":\"a\",\"page_url\":\"/p\",\"view_time\":\"1969-12-31 23:59:59\"}",
                "Page view field 'view_time' must not be before 1970, but was '1969-12-31 23:59:59'");
    }

    @Test
    void anEmptyValueIsMalformed() {
        assertThatThrownBy(() -> reader.deserialize(new byte[0]))
                .isInstanceOf(MalformedPageViewException.class)
                .hasMessage("Page view record value is empty (0 bytes)");
    }

    /** Issue #9: a user id longer than the table's key can hold is a dead letter at the source. */
    @Test
    void anOversizedUserIdIsMalformed() {
        assertMalformed(
                "{\"user_id\":\"" + "u".repeat(900_000)
                        + "\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}",
                "Page view field 'user_id' is 900000 characters long, more than the limit of 512"
                        + " (PageViewLimits.maxUserIdLength)");
        assertMalformed(
                "{\"user_id\":\"" + "u".repeat(513) + "\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}",
                "Page view field 'user_id' is 513 characters long, more than the limit of 512"
                        + " (PageViewLimits.maxUserIdLength)");
    }

    @Test
    void valuesUpToTheLimitsAreRead() throws Exception {
        String user = "\u00fc".repeat(PageViewLimits.DEFAULT_MAX_USER_ID_LENGTH);
        String url = "/" + "p".repeat(PageViewLimits.DEFAULT_MAX_PAGE_URL_LENGTH - 1);
        assertThat(read("{\"user_id\":\"" + user + "\",\"page_url\":\"" + url
                        + "\",\"view_time\":\"2026-02-06 12:00:00\"}"))
                .isEqualTo(new PageView(user, url, Instant.parse("2026-02-06T12:00:00Z")));
    }

    @Test
    void anOversizedPageUrlIsMalformed() {
        assertMalformed(
                "{\"user_id\":\"a\",\"page_url\":\"/" + "p".repeat(8192) + "\",\"view_time\":\"2026-02-06 12:00:00\"}",
                "Page view field 'page_url' is 8193 characters long, more than the limit of 8192"
                        + " (PageViewLimits.maxPageUrlLength)");
    }

    @Test
    void limitsAreConfigurable() throws Exception {
        PageViewJsonDeserializationSchema raised =
                new PageViewJsonDeserializationSchema(PageViewLimits.DEFAULTS.withMaxUserIdLength(1_000_000));
        String huge = "u".repeat(900_000);
        assertThat(raised.deserialize(("{\"user_id\":\"" + huge
                                        + "\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}")
                                .getBytes(StandardCharsets.UTF_8))
                        .userId())
                .isEqualTo(huge);

        PageViewJsonDeserializationSchema lowered = new PageViewJsonDeserializationSchema(
                PageViewLimits.DEFAULTS.withMaxUserIdLength(3).withMaxPageUrlLength(2));
        assertThatThrownBy(() -> lowered.deserialize(
                        "{\"user_id\":\"abcd\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}"
                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedPageViewException.class)
                .hasMessage("Page view field 'user_id' is 4 characters long, more than the limit of 3"
                        + " (PageViewLimits.maxUserIdLength)");
        assertThatThrownBy(() -> lowered.deserialize(
                        "{\"user_id\":\"abc\",\"page_url\":\"/pq\",\"view_time\":\"2026-02-06 12:00:00\"}"
                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedPageViewException.class)
                .hasMessage("Page view field 'page_url' is 3 characters long, more than the limit of 2"
                        + " (PageViewLimits.maxPageUrlLength)");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> PageViewLimits.DEFAULTS.withMaxUserIdLength(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxUserIdLength must be at least 1, but was 0");
        assertThatThrownBy(() -> PageViewLimits.DEFAULTS.withMaxPageUrlLength(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPageUrlLength must be at least 1, but was -1");
        assertThatThrownBy(() -> new PageViewJsonDeserializationSchema(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limits must not be null");
    }

    private void assertMalformed(String json, String message) {
        assertThatThrownBy(() -> read(json))
                .isInstanceOf(MalformedPageViewException.class)
                .hasMessage(message);
    }

    private PageView read(String json) throws Exception {
        return reader.deserialize(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String flinkSqlJson(String instant) throws Exception {
        JsonRowDataSerializationSchema schema = new JsonRowDataSerializationSchema(
                PAGE_VIEWS, TimestampFormat.SQL, JsonFormatOptions.MapNullKeyMode.FAIL, "null", false, false);
        schema.open(null);
        GenericRowData row = GenericRowData.of(
                StringData.fromString("alice"),
                StringData.fromString("/home"),
                TimestampData.fromInstant(Instant.parse(instant)));
        return new String(schema.serialize(row), StandardCharsets.UTF_8);
    }

    private static RowData flinkSqlRead(byte[] json) throws Exception {
        JsonRowDataDeserializationSchema schema = new JsonRowDataDeserializationSchema(
                PAGE_VIEWS, InternalTypeInfo.of(PAGE_VIEWS), false, false, TimestampFormat.SQL);
        schema.open(null);
        List<RowData> rows = new ArrayList<>();
        schema.deserialize(json, new Collector<>() {
            @Override
            public void collect(RowData record) {
                rows.add(record);
            }

            @Override
            public void close() {}
        });
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }
}
