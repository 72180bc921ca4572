package dev.streamingblocks.sessions.postgres;

import java.io.IOException;

/**
 * Writing session changes to PostgreSQL failed for good: an SQL error that retrying cannot fix, or
 * a connection failure that outlasted the retries. The message names the table and the statement,
 * never credentials.
 */
public class PostgresWriteException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String table;
    private final String sqlState;

    public PostgresWriteException(String message, String table, String sqlState, Throwable cause) {
        super(message, cause);
        this.table = table;
        this.sqlState = sqlState;
    }

    public String table() {
        return table;
    }

    /** The SQLState of the underlying error, e.g. {@code 42P01}; may be null. */
    public String sqlState() {
        return sqlState;
    }
}
