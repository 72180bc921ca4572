package dev.streamingblocks.sessions.postgres.internal;

import java.io.Serializable;
import java.time.Duration;

/**
 * The settings of a {@code PostgresSessionSink}, checked by its builder, held once by the sink and
 * handed as they are to each writer. {@link #toString()} leaves the JDBC URL and the password out.
 */
public record PostgresSinkSettings(
        String jdbcUrl,
        String user,
        String password,
        String table,
        String rejectsTable,
        int batchSize,
        int maxRetries,
        Duration retryBackoff,
        Duration maxRetryBackoff,
        boolean createTable,
        Duration flushInterval)
        implements Serializable {

    @Override
    public String toString() {
        return "table=" + table + ", rejectsTable=" + rejectsTable + ", user=" + user + ", batchSize=" + batchSize
                + ", maxRetries=" + maxRetries + ", createTable=" + createTable + ", flushInterval=" + flushInterval;
    }
}
