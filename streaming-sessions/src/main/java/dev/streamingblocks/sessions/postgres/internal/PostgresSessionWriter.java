package dev.streamingblocks.sessions.postgres.internal;

import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamingblocks.sessions.ChangeKind;
import dev.streamingblocks.sessions.SessionChange;
import dev.streamingblocks.sessions.UserSession;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import dev.streamingblocks.sessions.postgres.PostgresWriteException;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
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
    private static final Set<String> SERVER_RESTARTING = Set.of("57P01", "57P02", "57P03");

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String table;
    private final int batchSize;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final boolean createTable;

    private final long flushIntervalMillis;
    private final ProcessingTimeService timeService;

    private final String upsertSql;
    private final String deleteSql;
    private final String deleteOverlappingSql;

    /** Last change per key; the order between keys does not matter once reduced. */
    private final Map<Key, SessionChange> buffer = new LinkedHashMap<>();
    private Connection connection;
    private final AtomicInteger retries = new AtomicInteger();

    private record Key(String userId, Instant sessionStart) {}

    public PostgresSessionWriter(String jdbcUrl, String user, String password, String table, int batchSize,
            int maxRetries, Duration retryBackoff, Duration maxRetryBackoff, boolean createTable,
            Duration flushInterval, ProcessingTimeService timeService) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.table = table;
        this.batchSize = batchSize;
        this.maxRetries = maxRetries;
        this.retryBackoff = retryBackoff;
        this.maxRetryBackoff = maxRetryBackoff;
        this.createTable = createTable;
        this.upsertSql = "INSERT INTO " + table
                + " (user_id, session_start, session_end, page_count, first_page, last_page)"
                + " VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (user_id, session_start) DO UPDATE SET"
                + " session_end = EXCLUDED.session_end, page_count = EXCLUDED.page_count,"
                + " first_page = EXCLUDED.first_page, last_page = EXCLUDED.last_page";
        this.deleteSql = "DELETE FROM " + table + " WHERE user_id = ? AND session_start = ?";
        this.deleteOverlappingSql = "DELETE FROM " + table
                + " WHERE user_id = ? AND session_start < ? AND session_end > ? AND session_start <> ?";
        this.flushIntervalMillis = flushInterval.toMillis();
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
        if (change == null || change.kind() == null || change.session() == null) {
            throw new IllegalArgumentException("Session change for table " + table + " is incomplete: " + change);
        }
        UserSession session = change.session();
        if (session.userId() == null || session.sessionStart() == null) {
            throw new IllegalArgumentException("Session change for table " + table
                    + " lacks its key (user_id, session_start): " + change);
        }
        buffer.put(new Key(session.userId(), session.sessionStart()), change);
        if (buffer.size() >= batchSize) {
            writeBuffer();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        writeBuffer();
    }

    /** Retries after connection failures so far; readable from any thread. */
    public int retries() {
        return retries.get();
    }

    /** Number of changes waiting for the next write. */
    public int buffered() {
        return buffer.size();
    }

    private void writeBuffer() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        Duration backoff = retryBackoff;
        for (int attempt = 1; ; attempt++) {
            Step step = new Step();
            try {
                writeInOneTransaction(step);
                buffer.clear();
                return;
            } catch (SQLException e) {
                closeConnectionQuietly();
                if (!isConnectionFailure(e)) {
                    throw failure(step.sql, e, null);
                }
                if (attempt > maxRetries) {
                    throw failure(step.sql, e, attempt);
                }
                LOG.warn("Connection failure writing {} session changes to table {} (attempt {} of {},"
                                + " SQLState {}); retrying in {}",
                        buffer.size(), table, attempt, maxRetries + 1, sqlState(e), backoff);
                retries.incrementAndGet();
                Thread.sleep(backoff.toMillis());
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : doubled;
            }
        }
    }

    /** The statement under way, for the error message. */
    private static final class Step {
        String sql = CONNECT;
    }

    private void writeInOneTransaction(Step step) throws SQLException {
        Connection conn = connection(step);
        try {
            step.sql = deleteSql;
            try (PreparedStatement delete = conn.prepareStatement(deleteSql)) {
                boolean any = false;
                for (SessionChange change : buffer.values()) {
                    if (change.kind() == ChangeKind.DELETE) {
                        delete.setString(1, change.session().userId());
                        delete.setObject(2, utc(change.session().sessionStart()));
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
                        UserSession session = change.session();
                        overlapping.setString(1, session.userId());
                        overlapping.setObject(2, utc(session.sessionEnd()));
                        overlapping.setObject(3, utc(session.sessionStart()));
                        overlapping.setObject(4, utc(session.sessionStart()));
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
                        UserSession session = change.session();
                        upsert.setString(1, session.userId());
                        upsert.setObject(2, utc(session.sessionStart()));
                        upsert.setObject(3, utc(session.sessionEnd()));
                        upsert.setLong(4, session.pageCount());
                        upsert.setString(5, session.firstPage());
                        upsert.setString(6, session.lastPage());
                        upsert.addBatch();
                        any = true;
                    }
                }
                if (any) {
                    upsert.executeBatch();
                }
            }
            step.sql = "COMMIT";
            conn.commit();
        } catch (SQLException e) {
            rollbackQuietly(conn);
            throw e;
        }
    }

    private Connection connection(Step step) throws SQLException {
        if (connection != null) {
            return connection;
        }
        step.sql = CONNECT;
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        Connection conn = DriverManager.getConnection(jdbcUrl, properties);
        try {
            if (createTable) {
                step.sql = PostgresSessionSink.createTableStatement(table);
                conn.setAutoCommit(true);
                try (Statement statement = conn.createStatement()) {
                    statement.execute(step.sql);
                } catch (SQLException e) {
                    String state = sqlState(e);
                    // Parallel writers may race on CREATE TABLE IF NOT EXISTS; the loser sees these.
                    if (!UNIQUE_VIOLATION.equals(state) && !DUPLICATE_TABLE.equals(state)
                            && !DUPLICATE_OBJECT.equals(state)) {
                        throw e;
                    }
                }
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

    private PostgresWriteException failure(String sql, SQLException e, Integer attempts) {
        SQLException root = rootOf(e);
        String message = "Writing " + buffer.size() + " session changes to table " + table
                + (CONNECT.equals(sql) ? " failed connecting as user " + user : " failed on statement [" + sql + "]")
                + (attempts == null ? "" : " after " + attempts + " attempts")
                + ": " + root.getMessage() + " (SQLState " + root.getSQLState() + ")";
        return new PostgresWriteException(message, table, root.getSQLState(), e);
    }

    /**
     * Class 08 (connection exception), and the server restarting: open connections are terminated
     * (57P01 admin shutdown, 57P02 crash shutdown) and new ones refused while it starts (57P03).
     */
    static boolean isConnectionFailure(SQLException e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("08") || SERVER_RESTARTING.contains(state));
    }

    /** A batch failure carries the server's error as its next exception. */
    private static SQLException rootOf(SQLException e) {
        if (e instanceof BatchUpdateException && e.getNextException() != null) {
            return e.getNextException();
        }
        return e;
    }

    private static String sqlState(SQLException e) {
        SQLException root = rootOf(e);
        return root.getSQLState() != null ? root.getSQLState() : e.getSQLState();
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
                LOG.debug("Closing the connection to table {} failed: {}", table, e.getMessage());
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnectionQuietly();
    }
}
