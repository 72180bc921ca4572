package dev.streamingblocks.testkit.registry;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

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
public final class SchemaRegistryExtension implements BeforeAllCallback, AfterAllCallback {

    private final EmbeddedSchemaRegistry.Builder builder;
    private volatile EmbeddedSchemaRegistry registry;
    private int depth;

    /** An in-memory registry on an ephemeral port with default settings. */
    public SchemaRegistryExtension() {
        this(EmbeddedSchemaRegistry.builder());
    }

    /** A registry built from {@code builder} for each test class. */
    public SchemaRegistryExtension(EmbeddedSchemaRegistry.Builder builder) {
        if (builder == null) {
            throw new IllegalArgumentException("builder must not be null");
        }
        this.builder = builder;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        // @Nested classes inherit the extension and call back again: keep the outer registry.
        if (depth++ > 0) {
            return;
        }
        EmbeddedSchemaRegistry started = builder.build();
        try {
            started.start();
        } catch (RuntimeException e) {
            depth--;
            throw e;
        }
        registry = started;
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (depth == 0 || --depth > 0) {
            return;
        }
        EmbeddedSchemaRegistry running = registry;
        registry = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running registry's base URL. */
    public String url() {
        return registry().url();
    }

    /** The running registry, for fault injection and the request counter. */
    public EmbeddedSchemaRegistry registry() {
        EmbeddedSchemaRegistry running = registry;
        if (running == null) {
            throw new IllegalStateException(
                    "The schema registry runs only while the test class runs; register"
                            + " SchemaRegistryExtension on a static field with @RegisterExtension");
        }
        return running;
    }
}
