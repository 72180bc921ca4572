package dev.streamingblocks.sessions.postgres;

import dev.streamingblocks.sessions.SessionChange;
import dev.streamingblocks.sessions.postgres.internal.PostgresSessionWriter;
import dev.streamingblocks.sessions.postgres.internal.PostgresSinkSettings;
import java.time.Duration;
import java.util.regex.Pattern;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes the session changelog to a PostgreSQL table: inserts and updates as upserts
 * ({@code INSERT ... ON CONFLICT (user_id, session_start) DO UPDATE}), deletes by key.
 *
 * <pre>{@code
 * sessions.changes().sinkTo(PostgresSessionSink.builder()
 *         .setJdbcUrl("jdbc:postgresql://localhost:5432/analytics")
 *         .setUser("analytics")
 *         .setPassword(System.getenv("PGPASSWORD"))
 *         .setCreateTable(true)
 *         .build()).name("user_sessions");
 * }</pre>
 *
 * <p>Required: JDBC URL, user, password. Defaults: table {@value #DEFAULT_TABLE}, rejects table
 * the table's name plus {@value #DEFAULT_REJECTS_TABLE_SUFFIX}, batch size
 * {@value #DEFAULT_BATCH_SIZE}, {@value #DEFAULT_MAX_RETRIES} retries of transient failures
 * starting at {@link #DEFAULT_RETRY_BACKOFF} and doubling up to {@link #DEFAULT_MAX_RETRY_BACKOFF},
 * no timed flushes, no table creation. The table layouts are {@link #createTableStatement(String)}
 * and {@link #createRejectsTableStatement(String)}.
 *
 * <h2>Guarantees</h2>
 * Changes are buffered (the last change per key wins) and written in one transaction when the
 * batch is full, every flush interval if one is set, at every checkpoint and at the end of input; so a checkpoint completes only once
 * everything before it is committed. After a failure Flink replays from the checkpoint, and the
 * replayed changes are idempotent: upserts and deletes by key. Because the replay may interleave
 * input partitions differently, it may not re-emit a session the failed attempt had written; an
 * upsert therefore also deletes the user's other rows that overlap the upserted session, which can
 * only be superseded ones, as a user's current sessions never overlap. The table thus ends exactly
 * as the accepted input defines it: no duplicates, nothing missing, no stale row.
 *
 * <h2>Errors</h2>
 * <ul>
 *   <li><b>Transient</b>: SQLState class {@code 08} (connection), {@code 57P01}/{@code 57P02}/{@code 57P03}
 *       (the server shuts down or starts), {@code 40001} (serialization failure), {@code 40P01}
 *       (deadlock), class {@code 53} (insufficient resources) and socket timeouts. The batch is
 *       retried on a fresh connection with exponential backoff; once the retries are used up the
 *       job fails with a {@link PostgresWriteException}, as that is an outage. Each retry counts in
 *       the writer's {@value #WRITE_RETRIES_METRIC} metric.
 *   <li><b>Data</b>: SQLState class {@code 22} (data exception, e.g. a NUL character in a text),
 *       {@code 23} (integrity constraint, e.g. a null first page), {@code 54} (program limit, e.g. a
 *       user id too long for the primary-key index), and a change without kind, session or key
 *       (recorded with SQLState {@code 22004}). These never fail the job: the batch is written
 *       again change by change in one transaction, each change under a savepoint, so exactly the
 *       bad changes are left out. Each goes to the rejects table ({@link #createRejectsTableStatement(String)})
 *       in the same transaction as the good ones, is logged as a warning (table, SQLState, message,
 *       user id cut to 64 characters with its length) and counted in the writer's
 *       {@value #REJECTED_CHANGES_METRIC} metric. A replay rewrites the same reject row (its key
 *       is a hash of change kind, session start and user id), so the rejects table is exact too.
 *   <li><b>Anything else</b> ({@code 42P01} table missing, {@code 42501} permission denied,
 *       {@code 28P01} wrong password, {@code 57014} statement timeout, ...) is configuration, not
 *       data: the job fails at once with a {@link PostgresWriteException} naming the table and the
 *       statement. This includes a rejects table that does not exist when a change is rejected.
 * </ul>
 * Where a limit is known up front, check it at the source too: the page-view deserializers'
 * {@link dev.streamingblocks.sessions.PageViewLimits} send an oversized user id to the dead-letter
 * topic before it reaches this sink. Credentials never appear in messages or {@link #toString()}.
 *
 * <p>Timestamps are stored as {@code TIMESTAMP(3)} in UTC, like Flink SQL's JDBC sink stores a
 * {@code TIMESTAMP(3)} column.
 */
public final class PostgresSessionSink implements Sink<SessionChange> {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_TABLE = "user_sessions";
    /** The rejects table is by default the table's name with this suffix: {@code user_sessions_rejects}. */
    public static final String DEFAULT_REJECTS_TABLE_SUFFIX = "_rejects";
    /** Counter, in the sink writer's metric group, of changes written to the rejects table. */
    public static final String REJECTED_CHANGES_METRIC = "rejectedChanges";
    /**
     * Counter, in the sink writer's metric group, of writes retried after a transient failure; it
     * rises while the database is unreachable and stops when a retry succeeds.
     */
    public static final String WRITE_RETRIES_METRIC = "writeRetries";

    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final int DEFAULT_MAX_RETRIES = 10;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(10);
    /** Zero: no timed writes, only full batches, checkpoints and the end of input. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ZERO;

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final PostgresSinkSettings settings;

    private PostgresSessionSink(Builder builder) {
        this.settings = new PostgresSinkSettings(
                builder.jdbcUrl,
                builder.user,
                builder.password,
                builder.table,
                builder.rejectsTable != null ? builder.rejectsTable : builder.table + DEFAULT_REJECTS_TABLE_SUFFIX,
                builder.batchSize,
                builder.maxRetries,
                builder.retryBackoff,
                builder.maxRetryBackoff,
                builder.createTable,
                builder.flushInterval);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The DDL the sink runs with {@link Builder#setCreateTable(boolean)}; shown in the README. */
    public static String createTableStatement(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "    user_id       TEXT         NOT NULL,\n"
                + "    session_start TIMESTAMP(3) NOT NULL,\n"
                + "    session_end   TIMESTAMP(3) NOT NULL,\n"
                + "    page_count    BIGINT       NOT NULL,\n"
                + "    first_page    TEXT         NOT NULL,\n"
                + "    last_page     TEXT         NOT NULL,\n"
                + "    PRIMARY KEY (user_id, session_start)\n"
                + ")";
    }

    /**
     * The DDL of the rejects table, run with {@link Builder#setCreateTable(boolean)}; shown in the
     * README. One row per rejected change: its values as far as it had them (text with NUL
     * characters shown as U+FFFD), the SQLState and the server's message (at most 1000 characters);
     * without the session's times, count and pages if PostgreSQL refuses those too.
     * {@code reject_key} is a hash of change kind, session start and user id, so a replayed reject
     * updates its row ({@code rejected_at} stays the time of the first rejection) and no index
     * holds the user id, which may be what was too large.
     */
    public static String createRejectsTableStatement(String rejectsTable) {
        return "CREATE TABLE IF NOT EXISTS " + rejectsTable + " (\n"
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
                + ")";
    }

    @Override
    public SinkWriter<SessionChange> createWriter(WriterInitContext context) {
        return new PostgresSessionWriter(
                settings,
                settings.flushInterval().isZero() ? null : context.getProcessingTimeService(),
                context.metricGroup().counter(REJECTED_CHANGES_METRIC),
                context.metricGroup().counter(WRITE_RETRIES_METRIC));
    }

    public String table() {
        return settings.table();
    }

    public String rejectsTable() {
        return settings.rejectsTable();
    }

    @Override
    public String toString() {
        return "PostgresSessionSink{" + settings + "}";
    }

    /** Settings for a {@link PostgresSessionSink}; see the class Javadoc for what is required. */
    public static final class Builder {
        private String jdbcUrl;
        private String user;
        private String password;
        private String table;
        private String rejectsTable;
        private int batchSize;
        private int maxRetries;
        private Duration retryBackoff;
        private Duration maxRetryBackoff;
        private boolean createTable;
        private Duration flushInterval;

        private Builder() {
            this.table = DEFAULT_TABLE;
            this.batchSize = DEFAULT_BATCH_SIZE;
            this.maxRetries = DEFAULT_MAX_RETRIES;
            this.retryBackoff = DEFAULT_RETRY_BACKOFF;
            this.maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;
            this.flushInterval = DEFAULT_FLUSH_INTERVAL;
        }

        /** {@code jdbc:postgresql://host:port/database}; keep credentials out of it. */
        public Builder setJdbcUrl(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        public Builder setUser(String user) {
            this.user = user;
            return this;
        }

        public Builder setPassword(String password) {
            this.password = password;
            return this;
        }

        /** Table name, optionally schema-qualified ({@code analytics.user_sessions}). */
        public Builder setTable(String table) {
            this.table = table;
            return this;
        }

        /**
         * Where rejected changes go (see the class Javadoc); optionally schema-qualified, not the
         * table itself. Default: the table's name plus {@value #DEFAULT_REJECTS_TABLE_SUFFIX}.
         */
        public Builder setRejectsTable(String rejectsTable) {
            this.rejectsTable = rejectsTable;
            return this;
        }

        /** Changes buffered before a write between checkpoints; at least 1. */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Retries of a write that failed transiently (SQLState class 08 or 53, 57P01-57P03 while the
         * server restarts, 40001, 40P01, a socket timeout); 0 or more.
         */
        public Builder setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /** Wait before the first retry; doubles per retry up to {@link #setMaxRetryBackoff(Duration)}. */
        public Builder setRetryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        public Builder setMaxRetryBackoff(Duration maxRetryBackoff) {
            this.maxRetryBackoff = maxRetryBackoff;
            return this;
        }

        /**
         * Run {@link #createTableStatement(String)} and {@link #createRejectsTableStatement(String)}
         * when a writer connects.
         */
        public Builder setCreateTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        /**
         * Also write what is buffered this often (processing time), for jobs without checkpoints or
         * with long intervals; zero turns it off. At least 1 ms otherwise.
         */
        public Builder setFlushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        public PostgresSessionSink build() {
            if (jdbcUrl == null || jdbcUrl.isBlank()) {
                throw new IllegalArgumentException("jdbcUrl is required");
            }
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                // Not echoed: a URL may carry a password.
                throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:");
            }
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException("user is required");
            }
            if (password == null) {
                throw new IllegalArgumentException("password is required");
            }
            if (table == null || !TABLE_NAME.matcher(table).matches()) {
                throw new IllegalArgumentException(
                        "table must be an SQL identifier, optionally schema-qualified, but was '" + table + "'");
            }
            if (rejectsTable != null && !TABLE_NAME.matcher(rejectsTable).matches()) {
                throw new IllegalArgumentException("rejectsTable must be an SQL identifier, optionally"
                        + " schema-qualified, but was '" + rejectsTable + "'");
            }
            if (table.equals(rejectsTable)) {
                throw new IllegalArgumentException("rejectsTable must differ from table '" + table + "'");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, but was " + batchSize);
            }
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative, but was " + maxRetries);
            }
            if (retryBackoff == null || retryBackoff.isNegative()) {
                throw new IllegalArgumentException("retryBackoff must be zero or positive, but was " + retryBackoff);
            }
            if (maxRetryBackoff == null || maxRetryBackoff.compareTo(retryBackoff) < 0) {
                throw new IllegalArgumentException("maxRetryBackoff must be at least retryBackoff (" + retryBackoff
                        + "), but was " + maxRetryBackoff);
            }
            if (flushInterval == null
                    || flushInterval.isNegative()
                    || (!flushInterval.isZero() && flushInterval.toMillis() < 1)) {
                throw new IllegalArgumentException(
                        "flushInterval must be zero (off) or at least 1 ms, but was " + flushInterval);
            }
            return new PostgresSessionSink(this);
        }
    }
}
