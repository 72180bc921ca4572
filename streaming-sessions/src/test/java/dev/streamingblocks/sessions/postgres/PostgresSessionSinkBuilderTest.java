package dev.streamingblocks.sessions.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostgresSessionSinkBuilderTest {

    private static PostgresSessionSink.Builder valid() {
        return PostgresSessionSink.builder()
                .setJdbcUrl("jdbc:postgresql://localhost:5432/analytics")
                .setUser("analytics")
                .setPassword("pw-Secret-1");
    }

    @Test
    void defaults() {
        PostgresSessionSink sink = valid().build();
        assertThat(sink.table()).isEqualTo("user_sessions");
        assertThat(sink.rejectsTable()).isEqualTo("user_sessions_rejects");
        assertThat(sink.toString())
                .isEqualTo(
                        "PostgresSessionSink{table=user_sessions, rejectsTable=user_sessions_rejects, user=analytics, batchSize=1000, maxRetries=10, createTable=false,"
                                + " flushInterval=PT0S}");
    }

    @Test
    void requiresJdbcUrl() {
        assertThatThrownBy(() -> valid().setJdbcUrl(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jdbcUrl is required");
    }

    @Test
    void rejectsOtherDatabasesWithoutEchoingTheUrl() {
        assertThatThrownBy(() -> valid().setJdbcUrl("jdbc:mysql://h/db?password=pw-Secret-1")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jdbcUrl must start with jdbc:postgresql:");
    }

    @Test
    void requiresUser() {
        assertThatThrownBy(() -> valid().setUser(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("user is required");
    }

    @Test
    void requiresPassword() {
        assertThatThrownBy(() -> valid().setPassword(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("password is required");
    }

    @Test
    void rejectsTableThatIsNoIdentifier() {
        assertThatThrownBy(() -> valid().setTable("user_sessions; DROP TABLE x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table must be an SQL identifier, optionally schema-qualified,"
                        + " but was 'user_sessions; DROP TABLE x'");
    }

    @Test
    void acceptsSchemaQualifiedTable() {
        assertThat(valid().setTable("analytics.user_sessions").build().table()).isEqualTo("analytics.user_sessions");
    }

    @Test
    void rejectsZeroBatchSize() {
        assertThatThrownBy(() -> valid().setBatchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchSize must be at least 1, but was 0");
    }

    @Test
    void rejectsNegativeRetries() {
        assertThatThrownBy(() -> valid().setMaxRetries(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRetries must not be negative, but was -1");
    }

    @Test
    void rejectsNegativeBackoff() {
        assertThatThrownBy(() -> valid().setRetryBackoff(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retryBackoff must be zero or positive, but was PT-0.001S");
    }

    @Test
    void rejectsMaxBackoffBelowBackoff() {
        assertThatThrownBy(() -> valid().setRetryBackoff(Duration.ofSeconds(2))
                        .setMaxRetryBackoff(Duration.ofSeconds(1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRetryBackoff must be at least retryBackoff (PT2S), but was PT1S");
    }

    /** Incomplete changes are data errors now: kept for the rejects table, written with the next batch. */
    @Test
    void writerKeepsAChangeWithoutKeyForTheRejectsTableWithoutTouchingTheDatabase() throws Exception {
        var writer = (dev.streamingblocks.sessions.postgres.internal.PostgresSessionWriter)
                valid().build().createWriter(new TestWriterInitContext());
        dev.streamingblocks.sessions.UserSession keyless =
                new dev.streamingblocks.sessions.UserSession("alice", null, null, 1, "/a", "/a");
        writer.write(dev.streamingblocks.sessions.SessionChange.insert(keyless), null);
        writer.write(new dev.streamingblocks.sessions.SessionChange(null, keyless), null);
        assertThat(writer.buffered()).isEqualTo(2);
    }

    @Test
    void rejectsTableFollowsTheTable() {
        assertThat(valid().setTable("analytics.sessions").build().rejectsTable())
                .isEqualTo("analytics.sessions_rejects");
        assertThat(valid().setRejectsTable("audit.bad_sessions").build().rejectsTable())
                .isEqualTo("audit.bad_sessions");
    }

    @Test
    void rejectsRejectsTableThatIsNoIdentifier() {
        assertThatThrownBy(() -> valid().setRejectsTable("bad sessions").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "rejectsTable must be an SQL identifier, optionally schema-qualified, but was 'bad sessions'");
    }

    @Test
    void rejectsRejectsTableThatIsTheTable() {
        assertThatThrownBy(() -> valid().setRejectsTable("user_sessions").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rejectsTable must differ from table 'user_sessions'");
    }

    @Test
    void rejectsNegativeFlushInterval() {
        assertThatThrownBy(
                        () -> valid().setFlushInterval(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("flushInterval must be zero (off) or at least 1 ms, but was PT-1S");
    }

    @Test
    void rejectsSubMillisecondFlushInterval() {
        assertThatThrownBy(() -> valid().setFlushInterval(Duration.ofNanos(10)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("flushInterval must be zero (off) or at least 1 ms, but was PT0.00000001S");
    }

    @Test
    void ddlHasThePrimaryKey() {
        assertThat(PostgresSessionSink.createTableStatement("user_sessions"))
                .isEqualTo("CREATE TABLE IF NOT EXISTS user_sessions (\n"
                        + "    user_id       TEXT         NOT NULL,\n"
                        + "    session_start TIMESTAMP(3) NOT NULL,\n"
                        + "    session_end   TIMESTAMP(3) NOT NULL,\n"
                        + "    page_count    BIGINT       NOT NULL,\n"
                        + "    first_page    TEXT         NOT NULL,\n"
                        + "    last_page     TEXT         NOT NULL,\n"
                        + "    PRIMARY KEY (user_id, session_start)\n"
                        + ")");
    }

    @Test
    void rejectsDdlIndexesAHashNotTheUserId() {
        assertThat(PostgresSessionSink.createRejectsTableStatement("user_sessions_rejects"))
                .isEqualTo("CREATE TABLE IF NOT EXISTS user_sessions_rejects (\n"
                        + "    reject_key    CHAR(32)     NOT NULL PRIMARY KEY,\n"
                        + "    change_kind   TEXT,\n"
                        + "    user_id       TEXT,\n"
                        + "    session_start TIMESTAMP(3),\n"
                        + "    session_end   TIMESTAMP(3),\n"
                        + "    page_count    BIGINT,\n"
                        + "    first_page    TEXT,\n"
                        + "    last_page     TEXT,\n"
                        + "    sql_state     TEXT         NOT NULL,\n"
                        + "    error_message TEXT         NOT NULL,\n"
                        + "    rejected_at   TIMESTAMPTZ  NOT NULL DEFAULT now()\n"
                        + ")");
    }
}
