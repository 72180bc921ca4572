package dev.streamingblocks.testkit.internal;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle the testkit's JUnit extensions share: one server for a test class, started before
 * its first test and closed after its last. {@code @Nested} classes inherit the extension and call
 * back again; they share the outer server instead of stopping it after the first nested class.
 *
 * @param <S> the server
 */
public abstract class ClassScopedServerExtension<S extends AutoCloseable>
        implements BeforeAllCallback, AfterAllCallback {

    private final Supplier<S> starter;
    private final String notRunningMessage;
    private volatile S server;
    private int depth;

    /**
     * @param starter builds and starts the server; it must return a running server or throw
     * @param notRunningMessage what {@link #server()} says when called outside the test class
     */
    protected ClassScopedServerExtension(Supplier<S> starter, String notRunningMessage) {
        this.starter = starter;
        this.notRunningMessage = notRunningMessage;
    }

    /** Fails fast, at registration, on a null builder rather than in the first test. */
    protected static <B> B requireBuilder(B builder) {
        if (builder == null) {
            throw new IllegalArgumentException("builder must not be null");
        }
        return builder;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (depth++ > 0) {
            return;
        }
        try {
            server = starter.get();
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
        S running = server;
        server = null;
        if (running != null) {
            try {
                running.close();
            } catch (Exception e) {
                throw new IllegalStateException("Could not stop " + running, e);
            }
        }
    }

    /** The running server; an {@link IllegalStateException} outside the test class. */
    protected S server() {
        S running = server;
        if (running == null) {
            throw new IllegalStateException(notRunningMessage);
        }
        return running;
    }
}
