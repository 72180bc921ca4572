package dev.streamingblocks.testkit.postgres;

import java.util.Objects;

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
    private EmbeddedPostgres postgres;

    /** A server with the defaults: database, user {@value EmbeddedPostgres#DEFAULT_DATABASE}. */
    public PostgresExtension() {
        this(EmbeddedPostgres.builder());
    }

    /** A server as the builder describes. */
    public PostgresExtension(EmbeddedPostgres.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (postgres == null) {
            postgres = builder.build().start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    /** The running server. */
    public EmbeddedPostgres postgres() {
        if (postgres == null) {
            throw new IllegalStateException(
                    "PostgreSQL is not running: register PostgresExtension on a static field"
                            + " with @RegisterExtension and use it from a test");
        }
        return postgres;
    }
}
