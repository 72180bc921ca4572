package dev.streamingblocks.testkit.await;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a condition in a test, polling it, instead of sleeping for a fixed time: the test goes
 * on as soon as the condition holds, and fails with {@code what} when it does not within the timeout.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(30), "the writer retried", () -> writer.retries() > 0);
 * }</pre>
 */
public final class Await {

    /** How long to wait between two looks at the condition. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private Await() {}

    /** A condition that may throw, e.g. a query against a server that is still starting. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @throws AssertionError {@code "Not within <timeout>: <what>"} when it does not hold in time
     */
    public static void until(Duration timeout, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Not within " + timeout + ": " + what);
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
            if (Thread.interrupted()) {
                throw new InterruptedException("Interrupted while waiting until " + what);
            }
        }
    }
}
