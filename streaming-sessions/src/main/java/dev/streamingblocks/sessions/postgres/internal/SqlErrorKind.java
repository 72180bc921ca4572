package dev.streamingblocks.sessions.postgres.internal;

import java.net.SocketTimeoutException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.Set;

/** What the session writer does about a failed statement, judged by its SQLState. */
public enum SqlErrorKind {
    /** The server or the connection, not the change: retried with backoff, then the job fails. */
    TRANSIENT,
    /** This change cannot be stored: it is rejected, the others are committed, the job goes on. */
    DATA,
    /** Configuration (missing table, no permission, wrong password, ...): the job fails at once. */
    FATAL;

    /** Terminated while the server shuts down (admin, crash) and refused while it starts. */
    private static final Set<String> SERVER_RESTARTING = Set.of("57P01", "57P02", "57P03");
    /** Serialization failure and deadlock: the same transaction succeeds when run again. */
    private static final Set<String> RETRY_TRANSACTION = Set.of("40001", "40P01");

    /**
     * {@link #TRANSIENT}: class 08 (connection exception), 57P01/57P02/57P03, 40001, 40P01, class 53
     * (insufficient resources: disk full, out of memory, too many connections), and a socket
     * timeout. {@link #DATA}: class 22 (data exception), 23 (integrity constraint violation) and 54
     * (program limit exceeded, e.g. an index row that is too large). Everything else, also 57014
     * (a statement timeout, which the same statement would hit again), is {@link #FATAL}.
     */
    public static SqlErrorKind classify(SQLException e) {
        String state = sqlState(e);
        if (state != null) {
            if (state.startsWith("08")
                    || state.startsWith("53")
                    || SERVER_RESTARTING.contains(state)
                    || RETRY_TRANSACTION.contains(state)) {
                return TRANSIENT;
            }
            if (state.startsWith("22") || state.startsWith("23") || state.startsWith("54")) {
                return DATA;
            }
        }
        return causedBySocketTimeout(e) || causedBySocketTimeout(rootOf(e)) ? TRANSIENT : FATAL;
    }

    private static boolean causedBySocketTimeout(Throwable e) {
        for (int depth = 0; e != null && depth < 20; e = e.getCause(), depth++) {
            if (e instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** A batch failure carries the server's error as its next exception. */
    static SQLException rootOf(SQLException e) {
        if (e instanceof BatchUpdateException && e.getNextException() != null) {
            return e.getNextException();
        }
        return e;
    }

    static String sqlState(SQLException e) {
        SQLException root = rootOf(e);
        return root.getSQLState() != null ? root.getSQLState() : e.getSQLState();
    }
}
