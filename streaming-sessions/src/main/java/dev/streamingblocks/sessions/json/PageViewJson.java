package dev.streamingblocks.sessions.json;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;

/**
 * The JSON layout of a page view, exactly as Flink SQL's {@code json} format reads and writes the
 * article's table {@code page_views (user_id STRING, page_url STRING, view_time TIMESTAMP(3))}:
 *
 * <pre>{@code
 * {"user_id":"alice","page_url":"/home","view_time":"2026-02-06 12:00:00.25"}
 * }</pre>
 *
 * <p>{@code view_time} is a {@code TIMESTAMP(3)} without time zone, written in the format's default
 * {@code 'json.timestamp-format.standard' = 'SQL'}: {@code yyyy-MM-dd HH:mm:ss} followed by only
 * as many fraction digits as needed (none for whole seconds). It is read as UTC, as Flink reads
 * such a rowtime. On reading, ISO-8601 ({@code 2026-02-06T12:00:00.250}, optionally with {@code Z}
 * or an offset) is accepted too; fractions beyond milliseconds are truncated.
 */
public final class PageViewJson {

    public static final String USER_ID = "user_id";
    public static final String PAGE_URL = "page_url";
    public static final String VIEW_TIME = "view_time";

    /** What Flink's json format writes for TIMESTAMP(3) with the SQL standard. */
    static final DateTimeFormatter SQL_TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral(' ')
            .appendPattern("HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .toFormatter();

    private PageViewJson() {}

    static String format(Instant viewTime) {
        return SQL_TIMESTAMP.format(LocalDateTime.ofInstant(viewTime.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC));
    }

    /** Parses a view time; null if the text is no timestamp in either accepted layout. */
    static Instant parse(String text) {
        if (text.length() < 11 || (text.charAt(10) != ' ' && text.charAt(10) != 'T' && text.charAt(10) != 't')) {
            return null;
        }
        String iso = text.substring(0, 10) + 'T' + text.substring(11);
        try {
            boolean zoned =
                    iso.endsWith("Z") || iso.endsWith("z") || iso.lastIndexOf('+') > 10 || iso.lastIndexOf('-') > 10;
            Instant instant = zoned
                    ? OffsetDateTime.parse(iso.replace('z', 'Z')).toInstant()
                    : LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
            return instant.truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
