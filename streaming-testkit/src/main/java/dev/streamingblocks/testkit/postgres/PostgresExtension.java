package dev.streamingblocks.testkit.postgres;

import dev.streamingblocks.testkit.internal.ClassScopedServerExtension;
import java.util.function.Supplier;

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
public final class PostgresExtension extends ClassScopedServerExtension<EmbeddedPostgres> {

    /** A server with the defaults: database, user {@value EmbeddedPostgres#DEFAULT_DATABASE}. */
    public PostgresExtension() {
        this(EmbeddedPostgres.builder());
    }

    /** A server as the builder describes. */
    public PostgresExtension(EmbeddedPostgres.Builder builder) {
        super(
                started(requireBuilder(builder)),
                "PostgreSQL is not running: register PostgresExtension on a static field"
                        + " with @RegisterExtension and use it from a test");
    }

    private static Supplier<EmbeddedPostgres> started(EmbeddedPostgres.Builder builder) {
        return () -> builder.build().start();
    }

    /** The running server. */
    public EmbeddedPostgres postgres() {
        return server();
    }
}
