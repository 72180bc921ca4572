package dev.streamingblocks.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresITCase {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void servesTheApplicationDatabaseToTheApplicationUser() throws SQLException {
        EmbeddedPostgres postgres = POSTGRES.postgres();
        assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:" + postgres.port() + "/analytics");
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE served (id INT PRIMARY KEY, name TEXT)");
            statement.execute("INSERT INTO served VALUES (1, 'one'), (2, 'two')");
            assertThat(rows(
                            statement,
                            "SELECT current_user || '@' || current_database() || ':' || id || '=' || name"
                                    + " FROM served ORDER BY id"))
                    .containsExactly("analytics@analytics:1=one", "analytics@analytics:2=two");
        }
    }

    @Test
    void applicationUserCanCaptureChangesOfItsTablesByLogicalReplication() throws SQLException {
        try (Connection connection = POSTGRES.postgres().connect();
                Statement statement = connection.createStatement()) {
            assertThat(rows(statement, "SHOW wal_level")).containsExactly("logical");
            assertThat(rows(statement, "SHOW max_replication_slots")).containsExactly("10");
            assertThat(rows(statement, "SHOW max_wal_senders")).containsExactly("10");
            // What Debezium's pgoutput mode does first: a publication for the table and a logical slot (which
            // fails without wal_level=logical or without the REPLICATION attribute).
            statement.execute("CREATE TABLE captured (id INT PRIMARY KEY, name TEXT)");
            statement.execute("CREATE PUBLICATION captured_pub FOR TABLE captured");
            assertThat(rows(
                            statement,
                            "SELECT slot_name FROM"
                                    + " pg_create_logical_replication_slot('captured_slot', 'pgoutput')"))
                    .containsExactly("captured_slot");
            assertThat(rows(
                            statement,
                            "SELECT plugin || ':' || slot_type FROM pg_replication_slots"
                                    + " WHERE slot_name = 'captured_slot'"))
                    .containsExactly("pgoutput:logical");
            // Debezium's own streaming through such a slot is tested end to end in streaming-examples
            // (CdcEnrichITCase).
            statement.execute("SELECT pg_drop_replication_slot('captured_slot')");
        }
    }

    @Test
    void wrongPasswordIsRejected() {
        EmbeddedPostgres postgres = POSTGRES.postgres();
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "wrong"))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void dataDirectoryKeepsTablesAcrossRestartsAndCloseIsIdempotent(@TempDir Path dir) throws SQLException {
        Path data = dir.resolve("pgdata");
        EmbeddedPostgres first = EmbeddedPostgres.builder()
                .setDatabase("durable")
                .setDataDirectory(data)
                .build()
                .start();
        try (Connection connection = first.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (id INT)");
            statement.execute("INSERT INTO kept VALUES (7)");
        }
        first.close();
        first.close();

        try (EmbeddedPostgres second = EmbeddedPostgres.builder()
                        .setDatabase("durable")
                        .setDataDirectory(data)
                        .build()
                        .start();
                Connection connection = second.connect();
                Statement statement = connection.createStatement()) {
            assertThat(rows(statement, "SELECT id FROM kept")).containsExactly("7");
        }
    }

    @Test
    void startsOnce() {
        assertThatThrownBy(() -> POSTGRES.postgres().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EmbeddedPostgres can be started once; it is STARTED");
    }

    private static List<String> rows(Statement statement, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet resultSet = statement.executeQuery(query)) {
            while (resultSet.next()) {
                rows.add(resultSet.getString(1));
            }
        }
        return rows;
    }
}
