package dev.streamingblocks.sessions;

import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads a sessions table as sorted {@code user|start|end|count|first|last} lines. */
public final class PostgresRows {

    private PostgresRows() {}

    public static List<String> of(EmbeddedPostgres postgres, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT user_id, session_start, session_end, page_count,"
                        + " first_page, last_page FROM " + table + " ORDER BY user_id, session_start")) {
            while (resultSet.next()) {
                rows.add(resultSet.getString(1) + "|" + resultSet.getString(2) + "|" + resultSet.getString(3) + "|"
                        + resultSet.getLong(4) + "|" + resultSet.getString(5) + "|" + resultSet.getString(6));
            }
        }
        return rows;
    }
}
