package dev.streamingblocks.testkit.postgres;


import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts an {@link EmbeddedPostgres} before the first test of a class and
 * stops it after the last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension POSTGRES = new PostgresExtension();
 *
 * @Test
 * void writesRows() throws SQLException {
 *     try (Connection connection = POSTGRES.postgres().connect()) { ... }
 * }
 * }</pre>
 *
 * <p>Register it on a {@code static} field so one server serves the whole class; tests keep apart
 * by using unique table names.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    private final EmbeddedPostgres.Builder builder;
    private volatile EmbeddedPostgres postgres;
    private int depth;

    /** A server with the defaults: database, user {@value EmbeddedPostgres#DEFAULT_DATABASE}. */
    public PostgresExtension() {
        this(EmbeddedPostgres.builder());
    }

    /** A server as the builder describes. */
    public PostgresExtension(EmbeddedPostgres.Builder builder) {
        if (builder == null) {
            throw new IllegalArgumentException("builder must not be null");
        }
        this.builder = builder;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        // @Nested classes inherit the extension and call back again: keep the outer server.
        if (depth++ > 0) {
            return;
        }
        try {
            postgres = builder.build().start();
        } catch (RuntimeException e) {
            depth--;
            throw e;
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (depth == 0 || --depth > 0) {
            return;
        }
        EmbeddedPostgres running = postgres;
        postgres = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running server. */
    public EmbeddedPostgres postgres() {
        EmbeddedPostgres running = postgres;
        if (running == null) {
            throw new IllegalStateException(
                    "PostgreSQL is not running: register PostgresExtension on a static field"
                            + " with @RegisterExtension and use it from a test");
        }
        return running;
    }
}
