package dev.streamingblocks.examples.sql.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Builds the {@code WITH (...)} clauses of the example DDL with correctly quoted values. */
public final class SqlText {

    private SqlText() {}

    /** A SQL string literal: quotes doubled, so a value cannot end the literal early. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** {@code WITH ('k' = 'v', ...)} in the map's order; null values are left out. */
    public static String with(Map<String, String> options) {
        StringJoiner joiner = new StringJoiner(",\n    ", "WITH (\n    ", "\n)");
        options.forEach((k, v) -> {
            if (v != null) {
                joiner.add(literal(k) + " = " + literal(v));
            }
        });
        return joiner.toString();
    }

    /** An insertion-ordered map to fill with options. */
    public static Map<String, String> options() {
        return new LinkedHashMap<>();
    }
}
