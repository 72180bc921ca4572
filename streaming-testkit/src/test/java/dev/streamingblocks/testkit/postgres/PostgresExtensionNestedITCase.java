package dev.streamingblocks.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * @Nested classes inherit the extension and call its callbacks again: they must share the outer
 * class's server, not stop it after the first nested class and start an empty one for the next.
 */
class PostgresExtensionNestedITCase {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static int outerPort;

    @BeforeAll
    static void createTableOnce() throws SQLException {
        outerPort = POSTGRES.postgres().port();
        try (Connection connection = POSTGRES.postgres().connect();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE nested_marker (id INT PRIMARY KEY)");
            statement.execute("INSERT INTO nested_marker VALUES (42)");
        }
    }

    @Nested
    class First {
        @Test
        void seesTheOuterServerAndItsTable() throws SQLException {
            assertOuterServerWithItsTable();
        }
    }

    @Nested
    class Second {
        @Test
        void seesTheOuterServerAndItsTable() throws SQLException {
            assertOuterServerWithItsTable();
        }
    }

    private static void assertOuterServerWithItsTable() throws SQLException {
        assertThat(POSTGRES.postgres().port()).isEqualTo(outerPort);
        try (Connection connection = POSTGRES.postgres().connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id FROM nested_marker")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(42);
            assertThat(rows.next()).isFalse();
        }
    }
}
