package dev.streamingblocks.sessions.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamingblocks.sessions.PostgresRows;
import dev.streamingblocks.sessions.SessionChange;
import dev.streamingblocks.sessions.UserSession;
import dev.streamingblocks.sessions.postgres.internal.PostgresSessionWriter;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The writer against a real PostgreSQL, without Flink around it. */
class PostgresSessionSinkITCase {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    private static final AtomicInteger TABLES = new AtomicInteger();

    @Test
    void upsertsAndDeletesLeaveExactlyTheCurrentSessions() throws Exception {
        String table = uniqueTable();
        try (PostgresSessionWriter writer = writer(sink(table).setCreateTable(true))) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            writer.write(SessionChange.insert(session("alice", 40, 70, 1)), null);
            writer.write(SessionChange.insert(session("bob", 0, 30, 1)), null);
            writer.flush(false);
            assertThat(rows(table)).containsExactly(
                    "alice|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last",
                    "alice|2026-02-06 12:40:00|2026-02-06 13:10:00|1|/first|/last",
                    "bob|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last");

            writer.write(SessionChange.delete(session("alice", 40, 70, 1)), null);
            writer.write(SessionChange.update(session("alice", 0, 70, 3)), null);
            writer.write(SessionChange.update(session("bob", 0, 35, 2)), null);
            assertThat(writer.buffered()).isEqualTo(3);
            writer.flush(false);
            assertThat(writer.buffered()).isZero();
        }
        assertThat(rows(table)).containsExactly(
                "alice|2026-02-06 12:00:00|2026-02-06 13:10:00|3|/first|/last",
                "bob|2026-02-06 12:00:00|2026-02-06 12:35:00|2|/first|/last");
    }

    @Test
    void lastChangePerKeyWinsWithinABatch() throws Exception {
        String table = uniqueTable();
        try (PostgresSessionWriter writer = writer(sink(table).setCreateTable(true))) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            writer.write(SessionChange.delete(session("alice", 0, 30, 1)), null);
            writer.write(SessionChange.insert(session("carol", 0, 30, 1)), null);
            writer.write(SessionChange.update(session("carol", 0, 45, 2)), null);
            writer.flush(true);
        }
        assertThat(rows(table)).containsExactly("carol|2026-02-06 12:00:00|2026-02-06 12:45:00|2|/first|/last");
    }

    @Test
    void batchIsWrittenWhenFull() throws Exception {
        String table = uniqueTable();
        try (PostgresSessionWriter writer = writer(sink(table).setCreateTable(true).setBatchSize(2))) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            assertThat(writer.buffered()).isEqualTo(1);
            writer.write(SessionChange.insert(session("bob", 0, 30, 1)), null);
            assertThat(writer.buffered()).isZero();
            assertThat(rows(table)).hasSize(2);
        }
    }

    @Test
    void flushIntervalWritesWithoutACheckpoint() throws Exception {
        String table = uniqueTable();
        EmbeddedPostgres postgres = POSTGRES.postgres();
        TestProcessingTimeService time = new TestProcessingTimeService();
        time.setCurrentTime(0);
        try (PostgresSessionWriter writer = new PostgresSessionWriter(postgres.jdbcUrl(), postgres.user(),
                postgres.password(), table, 1000, 0, Duration.ZERO, Duration.ZERO, true, Duration.ofSeconds(1), time)) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            time.setCurrentTime(999);
            assertThat(writer.buffered()).isEqualTo(1);
            time.setCurrentTime(1000);
            assertThat(writer.buffered()).isZero();
            assertThat(rows(table)).containsExactly("alice|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last");

            writer.write(SessionChange.insert(session("bob", 0, 30, 1)), null);
            time.setCurrentTime(2000);
            assertThat(rows(table)).hasSize(2);
        }
    }

    /** A replay that never re-emits a session the failed attempt wrote must not leave it behind. */
    @Test
    void upsertRemovesOverlappingRowsOfTheSameUserOnly() throws Exception {
        String table = uniqueTable();
        try (PostgresSessionWriter failedAttempt = writer(sink(table).setCreateTable(true))) {
            failedAttempt.write(SessionChange.insert(session("alice", 40, 70, 1)), null);
            failedAttempt.write(SessionChange.insert(session("alice", 100, 130, 1)), null);
            failedAttempt.write(SessionChange.insert(session("bob", 40, 70, 1)), null);
            failedAttempt.flush(false);
        }
        try (PostgresSessionWriter replay = writer(sink(table))) {
            // [0, 70) covers alice's [40, 70); [100, 130) only touches nothing and stays.
            replay.write(SessionChange.insert(session("alice", 0, 70, 3)), null);
            replay.flush(false);
        }
        assertThat(rows(table)).containsExactly(
                "alice|2026-02-06 12:00:00|2026-02-06 13:10:00|3|/first|/last",
                "alice|2026-02-06 13:40:00|2026-02-06 14:10:00|1|/first|/last",
                "bob|2026-02-06 12:40:00|2026-02-06 13:10:00|1|/first|/last");
    }

    /** Issue #9: one change the table cannot hold must not keep every other change out. */
    @Test
    void anOversizedUserIdIsRejectedAndTheRestOfTheBatchIsCommitted() throws Exception {
        String table = uniqueTable();
        String huge = "u".repeat(900_000);
        try (PostgresSessionWriter writer = writer(sink(table).setCreateTable(true))) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            writer.write(SessionChange.insert(session(huge, 0, 30, 1)), null);
            writer.write(SessionChange.insert(session("bob", 0, 30, 1)), null);
            writer.flush(false);
            assertThat(writer.buffered()).isZero();
        }
        assertThat(rows(table)).containsExactly(
                "alice|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last",
                "bob|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last");
    }

    @Test
    void sqlErrorFailsAtOnceNamingTableAndStatement() throws Exception {
        String table = uniqueTable();
        try (PostgresSessionWriter writer = writer(sink(table).setMaxRetries(5))) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            assertThatThrownBy(() -> writer.flush(false))
                    .isInstanceOfSatisfying(PostgresWriteException.class, e -> {
                        assertThat(e.table()).isEqualTo(table);
                        assertThat(e.sqlState()).isEqualTo("42P01");
                    })
                    .hasMessage("Writing 1 session changes to table " + table + " failed on statement [DELETE FROM "
                            + table + " WHERE user_id = ? AND session_start < ? AND session_end > ?"
                            + " AND session_start <> ?]: ERROR: relation \"" + table + "\" does not exist\n"
                            + "  Position: 13 (SQLState 42P01)");
            assertThat(writer.retries()).isZero();
        }
    }

    @Test
    void wrongPasswordFailsAtOnceWithoutShowingIt() throws Exception {
        String table = uniqueTable();
        try (PostgresSessionWriter writer = writer(sink(table).setPassword("not-the-Secret-42"))) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            assertThatThrownBy(() -> writer.flush(false))
                    .isInstanceOf(PostgresWriteException.class)
                    .hasMessage("Writing 1 session changes to table " + table + " failed connecting as user analytics:"
                            + " FATAL: password authentication failed for user \"analytics\" (SQLState 28P01)")
                    .hasStackTraceContaining("28P01")
                    .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain("not-the-Secret-42"));
            assertThat(writer.retries()).isZero();
        }
        assertThat(sink(table).build().toString()).doesNotContain(POSTGRES.postgres().password());
    }

    @Test
    void connectionFailuresAreRetriedUntilTheServerIsBack(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        EmbeddedPostgres.Builder server = EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir.resolve("pg"));
        server.build().start().close();
        String url = "jdbc:postgresql://localhost:" + port + "/analytics";
        PostgresSessionSink.Builder sink = PostgresSessionSink.builder()
                .setJdbcUrl(url)
                .setUser(EmbeddedPostgres.DEFAULT_USER)
                .setPassword(EmbeddedPostgres.DEFAULT_PASSWORD)
                .setCreateTable(true)
                .setRetryBackoff(Duration.ofMillis(50))
                .setMaxRetryBackoff(Duration.ofMillis(200));

        try (PostgresSessionWriter noRetries = writer(sink.setMaxRetries(0))) {
            noRetries.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            assertThatThrownBy(() -> noRetries.flush(false))
                    .isInstanceOfSatisfying(PostgresWriteException.class,
                            e -> assertThat(e.sqlState()).isEqualTo("08001"))
                    .hasMessageStartingWith("Writing 1 session changes to table user_sessions failed connecting as"
                            + " user analytics after 1 attempts: Connection to localhost:" + port + " refused.");
        }

        try (PostgresSessionWriter writer = writer(sink.setMaxRetries(1000))) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            CompletableFuture<Void> flushed = CompletableFuture.runAsync(() -> {
                try {
                    writer.flush(false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitRetries(writer);
            try (EmbeddedPostgres restarted = server.build().start()) {
                flushed.get(60, TimeUnit.SECONDS);
                assertThat(rows(restarted, "user_sessions"))
                        .containsExactly("alice|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last");
            }
        }
    }

    private static void awaitRetries(PostgresSessionWriter writer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (writer.retries() < 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The writer did not retry within 30 s");
            }
            Thread.sleep(50); // poll interval, not synchronisation: the loop waits for the condition
        }
    }

    private static String stackTraceOf(Throwable e) {
        var out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    static PostgresSessionSink.Builder sink(String table) {
        EmbeddedPostgres postgres = POSTGRES.postgres();
        return PostgresSessionSink.builder()
                .setJdbcUrl(postgres.jdbcUrl())
                .setUser(postgres.user())
                .setPassword(postgres.password())
                .setTable(table);
    }

    static PostgresSessionWriter writer(PostgresSessionSink.Builder builder) {
        return (PostgresSessionWriter) builder.build().createWriter(null);
    }

    static UserSession session(String user, int startMinute, int endMinute, long count) {
        return new UserSession(user, BEGINNING.plus(Duration.ofMinutes(startMinute)),
                BEGINNING.plus(Duration.ofMinutes(endMinute)), count, "/first", "/last");
    }

    static String uniqueTable() {
        return "sessions_" + TABLES.incrementAndGet() + "_" + ProcessHandle.current().pid();
    }

    static List<String> rows(String table) throws SQLException {
        return rows(POSTGRES.postgres(), table);
    }

    static List<String> rows(EmbeddedPostgres postgres, String table) throws SQLException {
        return PostgresRows.of(postgres, table);
    }
}
