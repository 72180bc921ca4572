package dev.streamingblocks.sessions.postgres.internal;

import dev.streamingblocks.sessions.ChangeKind;
import dev.streamingblocks.sessions.SessionChange;
import dev.streamingblocks.sessions.UserSession;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import dev.streamingblocks.sessions.postgres.PostgresWriteException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The writer behind {@link PostgresSessionSink}; see there for the guarantees. */
public class PostgresSessionWriter implements SinkWriter<SessionChange> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSessionWriter.class);

    /** Unique violation and duplicate table: a parallel writer created the table first. */
    private static final String UNIQUE_VIOLATION = "23505";

    private static final String DUPLICATE_TABLE = "42P07";
    private static final String DUPLICATE_OBJECT = "42710";
    private static final String CONNECT = "(connect)";
    /** SQLState of an incomplete change: SQL's "null value not allowed", a data exception. */
    static final String NULL_VALUE_NOT_ALLOWED = "22004";
    /** Longest error message stored in the rejects table and logged; server details can echo huge values. */
    static final int MAX_ERROR_MESSAGE_LENGTH = 1000;
    /** How much of a user id a log line shows. */
    static final int MAX_LOGGED_USER_ID_LENGTH = 64;

    private final PostgresSinkSettings settings;
    private final long flushIntervalMillis;
    private final ProcessingTimeService timeService;

    private final String upsertSql;
    private final String deleteSql;
    private final String deleteOverlappingSql;
    private final String rejectSql;
    private final Counter rejectedChanges;
    private final Counter writeRetries;

    /** Last change per key; the order between keys does not matter once reduced. */
    private final Map<Key, SessionChange> buffer = new LinkedHashMap<>();
    /** Changes without a key, rejected with the next write. */
    private final List<Rejected> incomplete = new ArrayList<>();

    private Connection connection;
    private final AtomicInteger retries = new AtomicInteger();

    private record Key(String userId, Instant sessionStart) {}

    /** A change that the table cannot take, and why. */
    private record Rejected(SessionChange change, String sqlState, String message) {}

    public PostgresSessionWriter(
            PostgresSinkSettings settings,
            ProcessingTimeService timeService,
            Counter rejectedChanges,
            Counter writeRetries) {
        this.settings = settings;
        this.rejectedChanges = rejectedChanges;
        this.writeRetries = writeRetries;
        this.upsertSql = "INSERT INTO " + settings.table()
                + " (user_id, session_start, session_end, page_count, first_page, last_page)"
                + " VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (user_id, session_start) DO UPDATE SET"
                + " session_end = EXCLUDED.session_end, page_count = EXCLUDED.page_count,"
                + " first_page = EXCLUDED.first_page, last_page = EXCLUDED.last_page";
        this.deleteSql = "DELETE FROM " + settings.table() + " WHERE user_id = ? AND session_start = ?";
        this.deleteOverlappingSql = "DELETE FROM " + settings.table()
                + " WHERE user_id = ? AND session_start < ? AND session_end > ? AND session_start <> ?";
        // A replayed reject updates its row and keeps the time it was first rejected.
        this.rejectSql = "INSERT INTO " + settings.rejectsTable()
                + " (reject_key, change_kind, user_id, session_start, session_end, page_count, first_page, last_page,"
                + " sql_state, error_message, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (reject_key) DO UPDATE SET change_kind = EXCLUDED.change_kind,"
                + " user_id = EXCLUDED.user_id, session_start = EXCLUDED.session_start,"
                + " session_end = EXCLUDED.session_end, page_count = EXCLUDED.page_count,"
                + " first_page = EXCLUDED.first_page, last_page = EXCLUDED.last_page,"
                + " sql_state = EXCLUDED.sql_state, error_message = EXCLUDED.error_message";
        this.flushIntervalMillis = settings.flushInterval().toMillis();
        this.timeService = timeService;
        if (flushIntervalMillis > 0) {
            scheduleFlush();
        }
    }

    private void scheduleFlush() {
        // Callbacks run in the task's mailbox thread, never concurrently with write() or flush().
        timeService.registerTimer(timeService.getCurrentProcessingTime() + flushIntervalMillis, time -> {
            writeBuffer();
            scheduleFlush();
        });
    }

    public String upsertSql() {
        return upsertSql;
    }

    @Override
    public void write(SessionChange change, Context context) throws IOException, InterruptedException {
        String problem = incompleteness(change);
        if (problem != null) {
            incomplete.add(new Rejected(change, NULL_VALUE_NOT_ALLOWED, problem));
        } else {
            buffer.put(new Key(change.session().userId(), change.session().sessionStart()), change);
        }
        if (buffered() >= settings.batchSize()) {
            writeBuffer();
        }
    }

    /** Why the change cannot be written at all, or null. */
    private static String incompleteness(SessionChange change) {
        if (change == null) {
            return "Session change is null";
        }
        if (change.kind() == null) {
            return "Session change has no kind (INSERT, UPDATE or DELETE)";
        }
        if (change.session() == null) {
            return "Session change has no session";
        }
        if (change.session().userId() == null || change.session().sessionStart() == null) {
            return "Session change lacks its key (user_id, session_start)";
        }
        return null;
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        writeBuffer();
    }

    /** Retries after transient failures so far; readable from any thread. */
    public int retries() {
        return retries.get();
    }

    /** Number of changes waiting for the next write. */
    public int buffered() {
        return buffer.size() + incomplete.size();
    }

    private void writeBuffer() throws IOException, InterruptedException {
        if (buffered() == 0) {
            return;
        }
        Duration backoff = settings.retryBackoff();
        for (int attempt = 1; ; attempt++) {
            Step step = new Step();
            List<Rejected> rejected = new ArrayList<>();
            try {
                writeInOneTransaction(step, rejected);
            } catch (SQLException e) {
                closeConnectionQuietly();
                if (SqlErrorKind.classify(e) != SqlErrorKind.TRANSIENT) {
                    throw failure(step.sql, e, null);
                }
                if (attempt > settings.maxRetries()) {
                    throw failure(step.sql, e, attempt);
                }
                LOG.warn(
                        "Transient failure writing {} session changes to table {} (attempt {} of {},"
                                + " SQLState {}); retrying in {}",
                        buffered(),
                        settings.table(),
                        attempt,
                        settings.maxRetries() + 1,
                        SqlErrorKind.sqlState(e),
                        backoff);
                retries.incrementAndGet();
                writeRetries.inc();
                Thread.sleep(backoff.toMillis());
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(settings.maxRetryBackoff()) > 0 ? settings.maxRetryBackoff() : doubled;
                continue;
            }
            // Only now: a retried transaction must not count or log its rejects twice.
            for (Rejected reject : rejected) {
                logRejected(reject);
                rejectedChanges.inc();
            }
            buffer.clear();
            incomplete.clear();
            return;
        }
    }

    private void logRejected(Rejected reject) {
        SessionChange change = reject.change();
        String userId = change == null || change.session() == null
                ? null
                : change.session().userId();
        LOG.warn(
                "Rejected a session change for table {} and recorded it in {}: {} of user_id {} ({}),"
                        + " session_start {}: {} (SQLState {})",
                settings.table(),
                settings.rejectsTable(),
                change == null ? null : change.kind(),
                abbreviated(userId),
                userId == null ? "null" : userId.length() + " characters",
                change == null || change.session() == null
                        ? null
                        : change.session().sessionStart(),
                bounded(withoutNul(reject.message())),
                reject.sqlState());
    }

    private static String abbreviated(String userId) {
        if (userId == null) {
            return "null";
        }
        String shown = userId.length() > MAX_LOGGED_USER_ID_LENGTH
                ? userId.substring(0, MAX_LOGGED_USER_ID_LENGTH) + "..."
                : userId;
        return "'" + withoutNul(shown) + "'";
    }

    /** The statement under way, for the error message. */
    private static final class Step {
        String sql = CONNECT;
    }

    /**
     * The whole batch in one transaction; if a change is bad data, the batch again change by change
     * in one transaction, each change under a savepoint, so the good ones commit together with the
     * rejects and exactly the bad ones are left out.
     */
    private void writeInOneTransaction(Step step, List<Rejected> rejected) throws SQLException {
        Connection conn = connection(step);
        try {
            try {
                writeBatched(conn, step);
                writeRejects(conn, step, incomplete, rejected);
                step.sql = "COMMIT";
                conn.commit();
                return;
            } catch (SQLException e) {
                if (SqlErrorKind.classify(e) != SqlErrorKind.DATA) {
                    throw e;
                }
                LOG.debug(
                        "Data error writing {} session changes to table {} as one batch (SQLState {});"
                                + " writing them one by one",
                        buffered(),
                        settings.table(),
                        SqlErrorKind.sqlState(e));
                step.sql = "ROLLBACK";
                conn.rollback();
                rejected.clear();
            }
            writeChangeByChange(conn, step, rejected);
            step.sql = "COMMIT";
            conn.commit();
        } catch (SQLException e) {
            rollbackQuietly(conn);
            throw e;
        }
    }

    private void writeBatched(Connection conn, Step step) throws SQLException {
        step.sql = deleteSql;
        try (PreparedStatement delete = conn.prepareStatement(deleteSql)) {
            boolean any = false;
            for (SessionChange change : buffer.values()) {
                if (change.kind() == ChangeKind.DELETE) {
                    bindDelete(delete, change.session());
                    delete.addBatch();
                    any = true;
                }
            }
            if (any) {
                delete.executeBatch();
            }
        }
        step.sql = deleteOverlappingSql;
        try (PreparedStatement overlapping = conn.prepareStatement(deleteOverlappingSql)) {
            boolean any = false;
            for (SessionChange change : buffer.values()) {
                if (change.kind() != ChangeKind.DELETE) {
                    bindOverlapping(overlapping, change.session());
                    overlapping.addBatch();
                    any = true;
                }
            }
            if (any) {
                overlapping.executeBatch();
            }
        }
        step.sql = upsertSql;
        try (PreparedStatement upsert = conn.prepareStatement(upsertSql)) {
            boolean any = false;
            for (SessionChange change : buffer.values()) {
                if (change.kind() != ChangeKind.DELETE) {
                    bindUpsert(upsert, change.session());
                    upsert.addBatch();
                    any = true;
                }
            }
            if (any) {
                upsert.executeBatch();
            }
        }
    }

    /** Same statements and order as {@link #writeBatched}: all deletes, then overlap delete and upsert. */
    private void writeChangeByChange(Connection conn, Step step, List<Rejected> rejected) throws SQLException {
        writeRejects(conn, step, incomplete, rejected);
        try (PreparedStatement delete = conn.prepareStatement(deleteSql);
                PreparedStatement overlapping = conn.prepareStatement(deleteOverlappingSql);
                PreparedStatement upsert = conn.prepareStatement(upsertSql);
                PreparedStatement reject = conn.prepareStatement(rejectSql)) {
            for (SessionChange change : buffer.values()) {
                if (change.kind() != ChangeKind.DELETE) {
                    continue;
                }
                Savepoint savepoint = conn.setSavepoint();
                try {
                    step.sql = deleteSql;
                    bindDelete(delete, change.session());
                    delete.executeUpdate();
                    conn.releaseSavepoint(savepoint);
                } catch (SQLException e) {
                    rejectAfter(e, conn, savepoint, step, reject, change, rejected);
                }
            }
            for (SessionChange change : buffer.values()) {
                if (change.kind() == ChangeKind.DELETE) {
                    continue;
                }
                Savepoint savepoint = conn.setSavepoint();
                try {
                    step.sql = deleteOverlappingSql;
                    bindOverlapping(overlapping, change.session());
                    overlapping.executeUpdate();
                    step.sql = upsertSql;
                    bindUpsert(upsert, change.session());
                    upsert.executeUpdate();
                    conn.releaseSavepoint(savepoint);
                } catch (SQLException e) {
                    rejectAfter(e, conn, savepoint, step, reject, change, rejected);
                }
            }
        }
    }

    /** Undoes the change and records it as rejected; any but a data error goes up. */
    private void rejectAfter(
            SQLException e,
            Connection conn,
            Savepoint savepoint,
            Step step,
            PreparedStatement reject,
            SessionChange change,
            List<Rejected> rejected)
            throws SQLException {
        if (SqlErrorKind.classify(e) != SqlErrorKind.DATA) {
            throw e;
        }
        SQLException root = SqlErrorKind.rootOf(e);
        conn.rollback(savepoint);
        Rejected entry = new Rejected(change, SqlErrorKind.sqlState(e), root.getMessage());
        writeReject(conn, step, reject, entry);
        rejected.add(entry);
    }

    private void writeRejects(Connection conn, Step step, List<Rejected> rejects, List<Rejected> rejected)
            throws SQLException {
        if (rejects.isEmpty()) {
            return;
        }
        step.sql = rejectSql;
        try (PreparedStatement reject = conn.prepareStatement(rejectSql)) {
            for (Rejected entry : rejects) {
                writeReject(conn, step, reject, entry);
                rejected.add(entry);
            }
        }
    }

    /**
     * One row in the rejects table. If the session's own values are what the server refuses (a
     * timestamp out of its range, say), the row is written again without them.
     */
    private void writeReject(Connection conn, Step step, PreparedStatement reject, Rejected entry) throws SQLException {
        step.sql = rejectSql;
        Savepoint savepoint = conn.setSavepoint();
        try {
            bindReject(reject, entry, true);
            reject.executeUpdate();
            conn.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (SqlErrorKind.classify(e) != SqlErrorKind.DATA) {
                throw e;
            }
            conn.rollback(savepoint);
            bindReject(reject, entry, false);
            reject.executeUpdate();
        }
    }

    private static void bindDelete(PreparedStatement delete, UserSession session) throws SQLException {
        delete.setString(1, session.userId());
        delete.setObject(2, utc(session.sessionStart()));
    }

    private static void bindOverlapping(PreparedStatement overlapping, UserSession session) throws SQLException {
        overlapping.setString(1, session.userId());
        setTimestamp(overlapping, 2, session.sessionEnd());
        setTimestamp(overlapping, 3, session.sessionStart());
        setTimestamp(overlapping, 4, session.sessionStart());
    }

    private static void bindUpsert(PreparedStatement upsert, UserSession session) throws SQLException {
        upsert.setString(1, session.userId());
        setTimestamp(upsert, 2, session.sessionStart());
        setTimestamp(upsert, 3, session.sessionEnd());
        upsert.setLong(4, session.pageCount());
        upsert.setString(5, session.firstPage());
        upsert.setString(6, session.lastPage());
    }

    private static void bindReject(PreparedStatement reject, Rejected entry, boolean withSession) throws SQLException {
        SessionChange change = entry.change();
        ChangeKind kind = change == null ? null : change.kind();
        UserSession session = change == null ? null : change.session();
        String userId = session == null ? null : session.userId();
        Instant start = session == null ? null : session.sessionStart();
        reject.setString(1, rejectKey(kind, userId, start));
        reject.setString(2, kind == null ? null : kind.name());
        reject.setString(3, withoutNul(userId));
        boolean values = withSession && session != null;
        setTimestamp(reject, 4, values ? start : null);
        setTimestamp(reject, 5, values ? session.sessionEnd() : null);
        if (values) {
            reject.setLong(6, session.pageCount());
        } else {
            reject.setNull(6, Types.BIGINT);
        }
        reject.setString(7, values ? withoutNul(session.firstPage()) : null);
        reject.setString(8, values ? withoutNul(session.lastPage()) : null);
        reject.setString(9, entry.sqlState());
        reject.setString(10, bounded(withoutNul(entry.message())));
    }

    /**
     * Identifies a rejected change, so that a replay updates its row instead of adding one; a hash,
     * so the index never holds the (possibly huge) user id.
     */
    static String rejectKey(ChangeKind kind, String userId, Instant sessionStart) {
        String identity = kind + "\n" + (sessionStart == null ? "" : sessionStart.toString()) + "\n"
                + (userId == null ? "" : "=" + userId);
        try {
            // UTF-16 encodes every Java string, also lone surrogates, without loss.
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(identity.getBytes(StandardCharsets.UTF_16BE)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has MD5", e);
        }
    }

    /** PostgreSQL's TEXT cannot hold NUL characters; the rejects table shows them as U+FFFD. */
    private static String withoutNul(String text) {
        return text == null ? null : text.replace('\u0000', '\uFFFD');
    }

    private static String bounded(String message) {
        if (message == null) {
            return "";
        }
        return message.length() <= MAX_ERROR_MESSAGE_LENGTH
                ? message
                : message.substring(0, MAX_ERROR_MESSAGE_LENGTH - 3) + "...";
    }

    private static void setTimestamp(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP);
        } else {
            statement.setObject(index, utc(instant));
        }
    }

    private Connection connection(Step step) throws SQLException {
        if (connection != null) {
            return connection;
        }
        step.sql = CONNECT;
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        Connection conn = DriverManager.getConnection(settings.jdbcUrl(), properties);
        try {
            if (settings.createTable()) {
                conn.setAutoCommit(true);
                createIfMissing(conn, step, PostgresSessionSink.createTableStatement(settings.table()));
                createIfMissing(conn, step, PostgresSessionSink.createRejectsTableStatement(settings.rejectsTable()));
            }
            conn.setAutoCommit(false);
        } catch (SQLException e) {
            try {
                conn.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        connection = conn;
        return conn;
    }

    private static void createIfMissing(Connection conn, Step step, String ddl) throws SQLException {
        step.sql = ddl;
        try (Statement statement = conn.createStatement()) {
            statement.execute(ddl);
        } catch (SQLException e) {
            String state = SqlErrorKind.sqlState(e);
            // Parallel writers may race on CREATE TABLE IF NOT EXISTS; the loser sees these.
            if (!UNIQUE_VIOLATION.equals(state) && !DUPLICATE_TABLE.equals(state) && !DUPLICATE_OBJECT.equals(state)) {
                throw e;
            }
        }
    }

    private PostgresWriteException failure(String sql, SQLException e, Integer attempts) {
        SQLException root = SqlErrorKind.rootOf(e);
        String message = "Writing " + buffered() + " session changes to table " + settings.table()
                + (CONNECT.equals(sql)
                        ? " failed connecting as user " + settings.user()
                        : " failed on statement [" + sql + "]")
                + (attempts == null ? "" : " after " + attempts + " attempts")
                + ": " + root.getMessage() + " (SQLState " + root.getSQLState() + ")";
        return new PostgresWriteException(message, settings.table(), root.getSQLState(), e);
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static void rollbackQuietly(Connection conn) {
        try {
            conn.rollback();
        } catch (SQLException ignored) {
            // The connection is dropped next; the transaction dies with it.
        }
    }

    private void closeConnectionQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the connection to table {} failed: {}", settings.table(), e.getMessage());
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnectionQuietly();
    }
}
