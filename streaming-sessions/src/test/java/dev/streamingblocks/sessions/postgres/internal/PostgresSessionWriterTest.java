package dev.streamingblocks.sessions.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which SQL failures the writer retries on a fresh connection. */
class PostgresSessionWriterTest {

    @Test
    void connectionExceptionsAreRetried() {
        assertThat(PostgresSessionWriter.isConnectionFailure(new SQLException("refused", "08001"))).isTrue();
        assertThat(PostgresSessionWriter.isConnectionFailure(new SQLException("broken", "08006"))).isTrue();
    }

    @Test
    void aServerThatIsRestartingIsRetried() {
        // What a PostgreSQL restart looks like from the client: open connections are terminated
        // (57P01, or 57P02 after a crash) and new ones are refused while it starts (57P03).
        assertThat(PostgresSessionWriter.isConnectionFailure(
                new SQLException("FATAL: terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(PostgresSessionWriter.isConnectionFailure(
                new SQLException("FATAL: terminating connection because of crash of another server process",
                        "57P02"))).isTrue();
        assertThat(PostgresSessionWriter.isConnectionFailure(
                new SQLException("FATAL: the database system is starting up", "57P03"))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(PostgresSessionWriter.isConnectionFailure(new SQLException("bad password", "28P01"))).isFalse();
        assertThat(PostgresSessionWriter.isConnectionFailure(new SQLException("no such table", "42P01"))).isFalse();
        // 57014 is a cancelled statement (statement_timeout): the same statement would time out again.
        assertThat(PostgresSessionWriter.isConnectionFailure(new SQLException("canceled", "57014"))).isFalse();
        assertThat(PostgresSessionWriter.isConnectionFailure(new SQLException("no state"))).isFalse();
    }

    @Test
    void aBatchFailureIsJudgedByTheServerErrorItCarries() {
        BatchUpdateException batch = new BatchUpdateException("batch failed", "08003", new int[0]);
        batch.setNextException(new SQLException("FATAL: the database system is starting up", "57P03"));
        assertThat(PostgresSessionWriter.isConnectionFailure(batch)).isTrue();
    }
}
