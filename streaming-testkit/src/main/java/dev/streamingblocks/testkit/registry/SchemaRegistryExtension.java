package dev.streamingblocks.testkit.registry;

import dev.streamingblocks.testkit.internal.ClassScopedServerExtension;
import java.util.function.Supplier;

/**
 * A JUnit 5 extension that runs an {@link EmbeddedSchemaRegistry} for the tests of one class:
 * started before the first test, closed after the last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();
 *
 * @Test
 * void registers() {
 *     String url = REGISTRY.url();   // "http://127.0.0.1:PORT"
 * }
 * }</pre>
 *
 * <p>Register it on a {@code static} field: the registry lives for the whole class, {@code
 * @Nested} classes included. Pass a
 * configured {@link EmbeddedSchemaRegistry.Builder} for a storage file, basic auth or another
 * default compatibility level.
 */
public final class SchemaRegistryExtension extends ClassScopedServerExtension<EmbeddedSchemaRegistry> {

    /** An in-memory registry on an ephemeral port with default settings. */
    public SchemaRegistryExtension() {
        this(EmbeddedSchemaRegistry.builder());
    }

    /** A registry built from {@code builder} for each test class. */
    public SchemaRegistryExtension(EmbeddedSchemaRegistry.Builder builder) {
        super(
                started(requireBuilder(builder)),
                "The schema registry runs only while the test class runs; register"
                        + " SchemaRegistryExtension on a static field with @RegisterExtension");
    }

    /** The running registry's base URL. */
    public String url() {
        return registry().url();
    }

    /** The running registry, for fault injection and the request counter. */
    public EmbeddedSchemaRegistry registry() {
        return server();
    }

    private static Supplier<EmbeddedSchemaRegistry> started(EmbeddedSchemaRegistry.Builder builder) {
        return () -> {
            EmbeddedSchemaRegistry registry = builder.build();
            registry.start();
            return registry;
        };
    }
}
