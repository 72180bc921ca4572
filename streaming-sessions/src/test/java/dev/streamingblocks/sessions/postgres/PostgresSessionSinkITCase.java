package dev.streamingblocks.sessions.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.sessions.PostgresRows;
import dev.streamingblocks.sessions.SessionChange;
import dev.streamingblocks.sessions.UserSession;
import dev.streamingblocks.sessions.postgres.internal.PostgresSessionWriter;
import dev.streamingblocks.testkit.await.Await;
import dev.streamingblocks.testkit.logging.LogCapture;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
            assertThat(rows(table))
                    .containsExactly(
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
        assertThat(rows(table))
                .containsExactly(
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
        try (PostgresSessionWriter writer =
                writer(sink(table).setCreateTable(true).setBatchSize(2))) {
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
        TestProcessingTimeService time = new TestProcessingTimeService();
        time.setCurrentTime(0);
        try (PostgresSessionWriter writer = writer(
                sink(table)
                        .setCreateTable(true)
                        .setMaxRetries(0)
                        .setRetryBackoff(Duration.ZERO)
                        .setMaxRetryBackoff(Duration.ZERO)
                        .setFlushInterval(Duration.ofSeconds(1)),
                new TestWriterInitContext(time))) {
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
        assertThat(rows(table))
                .containsExactly(
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
            writer.write(SessionChange.insert(session("dave", 0, 30, 1)), null);
            writer.flush(false);
        }
        List<SessionChange> batch = List.of(
                SessionChange.insert(session("alice", 0, 30, 1)),
                SessionChange.insert(session(huge, 0, 30, 1)),
                SessionChange.insert(session("bob", 0, 30, 1)),
                SessionChange.delete(session("dave", 0, 30, 1)),
                SessionChange.update(session("erin", 10, 40, 2)));
        TestWriterInitContext context = new TestWriterInitContext();
        String log;
        try (LogCapture capture = LogCapture.of(PostgresSessionWriter.class);
                PostgresSessionWriter writer = writer(sink(table), context)) {
            for (SessionChange change : batch) {
                writer.write(change, null);
            }
            writer.flush(false);
            assertThat(writer.buffered()).isZero();
            log = capture.text();
        }
        assertThat(context.count(PostgresSessionSink.REJECTED_CHANGES_METRIC)).isEqualTo(1);
        assertThat(log.lines().filter(line -> line.startsWith("WARN")))
                .singleElement()
                .asString()
                .startsWith("WARN Rejected a session change for table " + table + " and recorded it in " + table
                        + "_rejects: INSERT of user_id '" + "u".repeat(64) + "...' (900000 characters), session_start"
                        + " 2026-02-06T12:00:00Z: ERROR: index row requires ")
                .endsWith(" (SQLState 54000)")
                .doesNotContain(POSTGRES.postgres().password())
                .hasSizeLessThan(400);
        List<String> sessions = List.of(
                "alice|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last",
                "bob|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last",
                "erin|2026-02-06 12:10:00|2026-02-06 12:40:00|2|/first|/last");
        assertThat(rows(table)).containsExactlyElementsOf(sessions);
        List<String> rejects = rejects(table + "_rejects");
        assertThat(rejects)
                .singleElement()
                .asString()
                .startsWith("INSERT|900000 chars, md5 " + md5(huge) + "|2026-02-06 12:00:00|2026-02-06 12:30:00|1"
                        + "|/first|/last|54000|ERROR: index row requires ")
                .contains("maximum size is 8191|rejected at ");

        // A restart replays the batch: both tables stay exactly as they are.
        TestWriterInitContext replayContext = new TestWriterInitContext();
        try (PostgresSessionWriter replay = writer(sink(table), replayContext)) {
            for (SessionChange change : batch) {
                replay.write(change, null);
            }
            replay.flush(false);
        }
        assertThat(replayContext.count(PostgresSessionSink.REJECTED_CHANGES_METRIC))
                .isEqualTo(1);
        assertThat(rows(table)).containsExactlyElementsOf(sessions);
        assertThat(rejects(table + "_rejects")).isEqualTo(rejects);
    }

    /** Data errors the server reports (classes 22 and 23) and changes the writer cannot even send. */
    @Test
    void badTextMissingValuesAndIncompleteChangesAreRejected() throws Exception {
        String table = uniqueTable();
        String rejectsTable = table + "_bad";
        TestWriterInitContext context = new TestWriterInitContext();
        try (PostgresSessionWriter writer =
                writer(sink(table).setRejectsTable(rejectsTable).setCreateTable(true), context)) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            // PostgreSQL's TEXT cannot hold NUL: 22021.
            writer.write(SessionChange.insert(session("nul\u0000user", 0, 30, 1)), null);
            // first_page is NOT NULL: 23502.
            writer.write(
                    SessionChange.insert(
                            new UserSession("carol", BEGINNING, BEGINNING.plusSeconds(1800), 1, null, "/last")),
                    null);
            writer.write(new SessionChange(null, session("dave", 0, 30, 1)), null);
            writer.write(SessionChange.insert(new UserSession(null, BEGINNING, BEGINNING, 1, "/a", "/a")), null);
            writer.write(SessionChange.insert(session("bob", 0, 30, 1)), null);
            assertThat(writer.buffered()).isEqualTo(6);
            writer.flush(false);
            assertThat(writer.buffered()).isZero();
        }
        assertThat(context.count(PostgresSessionSink.REJECTED_CHANGES_METRIC)).isEqualTo(4);
        assertThat(rows(table))
                .containsExactly(
                        "alice|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last",
                        "bob|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last");
        assertThat(rejects(rejectsTable))
                .map(PostgresSessionSinkITCase::withoutTime)
                .containsExactlyInAnyOrder(
                        "INSERT|8 chars, md5 " + md5("nul\uFFFDuser")
                                + "|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first"
                                + "|/last|22021|ERROR: invalid byte sequence for encoding \"UTF8\": 0x00\n"
                                + "  Where: unnamed portal parameter $1",
                        "INSERT|5 chars, md5 " + md5("carol") + "|2026-02-06 12:00:00|2026-02-06 12:30:00|1|null|/last"
                                + "|23502|ERROR: null value in column \"first_page\" of relation \"" + table
                                + "\" violates not-null constraint\n  Detail: Failing row contains (carol,"
                                + " 2026-02-06 12:00:00, 2026-02-06 12:30:00, 1, null, /last).",
                        "null|4 chars, md5 " + md5("dave") + "|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last"
                                + "|22004|Session change has no kind (INSERT, UPDATE or DELETE)",
                        "INSERT|null|2026-02-06 12:00:00|2026-02-06 12:00:00|1|/a|/a"
                                + "|22004|Session change lacks its key (user_id, session_start)");
    }

    /** The rejects row itself cannot hold a time PostgreSQL refuses; it is written without the session's values. */
    @Test
    void aTimeOutOfPostgresRangeIsRejectedWithoutTheSessionValues() throws Exception {
        String table = uniqueTable();
        Instant farFuture = Instant.parse("+300000-01-01T00:00:00Z");
        TestWriterInitContext context = new TestWriterInitContext();
        try (PostgresSessionWriter writer = writer(sink(table).setCreateTable(true), context)) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            writer.write(
                    SessionChange.insert(
                            new UserSession("mallory", farFuture, farFuture.plusSeconds(1800), 1, "/m", "/m")),
                    null);
            writer.flush(false);
        }
        assertThat(context.count(PostgresSessionSink.REJECTED_CHANGES_METRIC)).isEqualTo(1);
        assertThat(rows(table)).containsExactly("alice|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last");
        assertThat(rejects(table + "_rejects"))
                .map(PostgresSessionSinkITCase::withoutTime)
                .containsExactly("INSERT|7 chars, md5 " + md5("mallory") + "|null|null|null|null|null|22008"
                        + "|ERROR: timestamp out of range: \"300000-01-01 00:30:00\"\n"
                        + "  Where: unnamed portal parameter $2 = '...'");
    }

    @Test
    void aMissingRejectsTableFailsTheJobLikeAnyConfigurationError() throws Exception {
        String table = uniqueTable();
        try (PostgresSessionWriter writer = writer(sink(table).setCreateTable(true))) {
            writer.write(SessionChange.insert(session("alice", 0, 30, 1)), null);
            writer.flush(false);
        }
        try (Connection connection = POSTGRES.postgres().connect();
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE " + table + "_rejects");
        }
        try (PostgresSessionWriter writer = writer(sink(table))) {
            writer.write(SessionChange.insert(session("bob", 0, 30, 1)), null);
            writer.write(SessionChange.insert(session("u".repeat(900_000), 0, 30, 1)), null);
            assertThatThrownBy(() -> writer.flush(false))
                    .isInstanceOfSatisfying(
                            PostgresWriteException.class,
                            e -> assertThat(e.sqlState()).isEqualTo("42P01"))
                    .hasMessageStartingWith("Writing 2 session changes to table " + table
                            + " failed on statement [INSERT INTO " + table + "_rejects (reject_key, ");
        }
        assertThat(rows(table)).containsExactly("alice|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last");
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
        assertThat(sink(table).build().toString())
                .doesNotContain(POSTGRES.postgres().password());
    }

    @Test
    void connectionFailuresAreRetriedUntilTheServerIsBack(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        EmbeddedPostgres.Builder server =
                EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir.resolve("pg"));
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
                    .isInstanceOfSatisfying(
                            PostgresWriteException.class,
                            e -> assertThat(e.sqlState()).isEqualTo("08001"))
                    .hasMessageStartingWith("Writing 1 session changes to table user_sessions failed connecting as"
                            + " user analytics after 1 attempts: Connection to localhost:" + port + " refused.");
        }

        TestWriterInitContext context = new TestWriterInitContext();
        try (PostgresSessionWriter writer = writer(sink.setMaxRetries(1000), context)) {
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
                assertThat(context.count(PostgresSessionSink.WRITE_RETRIES_METRIC))
                        .isEqualTo(writer.retries())
                        .isPositive();
                assertThat(rows(restarted, "user_sessions"))
                        .containsExactly("alice|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/first|/last");
            }
        }
    }

    private static void awaitRetries(PostgresSessionWriter writer) throws Exception {
        Await.until(Duration.ofSeconds(30), "the writer retried", () -> writer.retries() >= 1);
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
        return writer(builder, new TestWriterInitContext());
    }

    static PostgresSessionWriter writer(PostgresSessionSink.Builder builder, TestWriterInitContext context) {
        return (PostgresSessionWriter) builder.build().createWriter(context);
    }

    /**
     * The rejects table as {@code kind|<n> chars, md5 <hash>|start|end|count|first|last|state|message|rejected at <t>},
     * sorted; the user id by length and hash, as it may be huge.
     */
    static List<String> rejects(String rejectsTable) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = POSTGRES.postgres().connect();
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT change_kind,"
                        + " CASE WHEN user_id IS NULL THEN 'null' ELSE length(user_id) || ' chars, md5 ' || md5(user_id) END,"
                        + " session_start, session_end, page_count, first_page, last_page, sql_state, error_message,"
                        + " rejected_at FROM " + rejectsTable + " ORDER BY reject_key")) {
            while (resultSet.next()) {
                StringBuilder row = new StringBuilder();
                for (int column = 1; column <= 9; column++) {
                    row.append(resultSet.getString(column)).append('|');
                }
                rows.add(row.append("rejected at ")
                        .append(resultSet.getString(10))
                        .toString());
            }
        }
        return rows;
    }

    private static String withoutTime(String reject) {
        assertThat(reject).containsPattern("\\|rejected at \\d{4}-\\d{2}-\\d{2} [0-9:.+]+$");
        return reject.substring(0, reject.lastIndexOf("|rejected at "));
    }

    static String md5(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static UserSession session(String user, int startMinute, int endMinute, long count) {
        return new UserSession(
                user,
                BEGINNING.plus(Duration.ofMinutes(startMinute)),
                BEGINNING.plus(Duration.ofMinutes(endMinute)),
                count,
                "/first",
                "/last");
    }

    static String uniqueTable() {
        return "sessions_" + TABLES.incrementAndGet() + "_"
                + ProcessHandle.current().pid();
    }

    static List<String> rows(String table) throws SQLException {
        return rows(POSTGRES.postgres(), table);
    }

    static List<String> rows(EmbeddedPostgres postgres, String table) throws SQLException {
        return PostgresRows.of(postgres, table);
    }
}
