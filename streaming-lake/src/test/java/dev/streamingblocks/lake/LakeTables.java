package dev.streamingblocks.lake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads a lake directory the way a user would: DuckDB over {@code **}{@code /*.parquet}, hive partitioning. */
final class LakeTables {

    private LakeTables() {}

    /** Per partition ({@code dt=.../hour=...}): "count | sum(price * quantity)"; key "total" for all rows. */
    static Map<String, String> totals(Path lake) throws SQLException {
        Map<String, String> totals = new TreeMap<>();
        String files = "read_parquet('" + lake + "/**/*.parquet', hive_partitioning = true)";
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = db.createStatement()) {
            try (ResultSet r = sql.executeQuery(
                    "SELECT count(*), sum(price * quantity), count(DISTINCT order_id)" + " FROM " + files)) {
                r.next();
                totals.put("total", r.getLong(1) + " | " + r.getDouble(2));
                totals.put("distinct order ids", Long.toString(r.getLong(3)));
            }
            try (ResultSet r = sql.executeQuery("SELECT strftime(dt, '%Y-%m-%d'), hour, count(*),"
                    + " sum(price * quantity) FROM " + files + " GROUP BY ALL ORDER BY ALL")) {
                while (r.next()) {
                    totals.put(
                            String.format("dt=%s/hour=%02d", r.getString(1), r.getInt(2)),
                            r.getLong(3) + " | " + r.getDouble(4));
                }
            }
        }
        return totals;
    }

    static String describe(long count, double revenue) {
        return count + " | " + revenue;
    }

    /** Every file under the lake, relative, sorted. */
    static List<String> files(Path lake) throws IOException {
        try (Stream<Path> walk = Files.walk(lake)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> lake.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }
}
