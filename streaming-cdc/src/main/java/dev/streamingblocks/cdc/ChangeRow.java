package dev.streamingblocks.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Read access to one row image ({@code before} or {@code after}) of a Debezium JSON envelope, for a
 * {@link RowMapper}. Each getter names the column in its error, so a row that does not fit ends as a
 * dead letter that says which column of which image was wrong.
 *
 * <p>The getters read the JSON that Debezium's JSON converter writes (schemas disabled) for the
 * connector settings this project uses: {@code decimal.handling.mode=string} (a {@code NUMERIC} as
 * {@code "12.50"}; a JSON number is read too, for {@code double} mode) and {@code TIMESTAMPTZ} as
 * ISO-8601 text ({@code "2026-02-06T12:01:00Z"}, Debezium's {@code ZonedTimestamp}).
 */
public final class ChangeRow {

    private final JsonNode row;
    private final String image;

    ChangeRow(JsonNode row, String image) {
        this.row = row;
        this.image = image;
    }

    /** Whether the column is present and not {@code null}. */
    public boolean has(String column) {
        JsonNode value = row.get(column);
        return value != null && !value.isNull();
    }

    /** A text column that must be set. */
    public String string(String column) throws MalformedChangeEventException {
        JsonNode value = required(column);
        if (!value.isTextual()) {
            throw wrong(column, "text", value);
        }
        return value.textValue();
    }

    /** A text column, or {@code null}. */
    public String optionalString(String column) throws MalformedChangeEventException {
        return has(column) ? string(column) : null;
    }

    /** An integer column that must be set ({@code SMALLINT}, {@code INT}, {@code BIGINT}). */
    public long longValue(String column) throws MalformedChangeEventException {
        JsonNode value = required(column);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrong(column, "an integer", value);
        }
        return value.longValue();
    }

    /** A {@code NUMERIC} column that must be set: a decimal string, or a JSON number. */
    public BigDecimal decimal(String column) throws MalformedChangeEventException {
        JsonNode value = required(column);
        try {
            if (value.isTextual()) {
                return new BigDecimal(value.textValue());
            }
            if (value.isNumber()) {
                return value.decimalValue();
            }
        } catch (NumberFormatException e) {
            // falls through to the message naming the column
        }
        throw wrong(column, "a decimal", value);
    }

    /** A {@code TIMESTAMPTZ} column that must be set, as ISO-8601 text. */
    public Instant instant(String column) throws MalformedChangeEventException {
        JsonNode value = required(column);
        if (value.isTextual()) {
            try {
                return Instant.parse(value.textValue());
            } catch (DateTimeParseException e) {
                // falls through
            }
        }
        throw wrong(column, "an ISO-8601 instant", value);
    }

    /** The column as Jackson's node, for types the getters do not cover; {@code null} when absent. */
    public JsonNode json(String column) {
        return row.get(column);
    }

    private JsonNode required(String column) throws MalformedChangeEventException {
        Objects.requireNonNull(column, "column must not be null");
        JsonNode value = row.get(column);
        if (value == null || value.isNull()) {
            throw new MalformedChangeEventException("'" + image + "." + column + "' is missing or null");
        }
        return value;
    }

    private MalformedChangeEventException wrong(String column, String expected, JsonNode value) {
        String shown = value.toString();
        if (shown.length() > 64) {
            shown = shown.substring(0, 64) + "...";
        }
        return new MalformedChangeEventException(
                "'" + image + "." + column + "' must be " + expected + ", but was " + shown);
    }
}
