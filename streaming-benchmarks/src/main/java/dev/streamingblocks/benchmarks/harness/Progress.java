package dev.streamingblocks.benchmarks.harness;

import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Progress lines of a long benchmark, on standard output with the UTC time, so a run that takes
 * minutes shows what it is doing and a stuck one shows where.
 */
public final class Progress {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Progress() {}

    /** Prints {@code [HH:mm:ss] } and the formatted line ({@link Locale#ROOT}). */
    public static void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        synchronized (System.out) {
            System.out.println("[" + LocalTime.now(ZoneOffset.UTC).format(TIME) + "] " + text);
            System.out.flush();
        }
    }

    /** A line at most every {@code intervalMillis}, for loops that should not print on every step. */
    public static final class Throttle {
        private final long intervalNanos;
        private long next;

        public Throttle(long intervalMillis) {
            this.intervalNanos = intervalMillis * 1_000_000L;
            this.next = System.nanoTime() + intervalNanos;
        }

        /** Prints the supplied line if the interval has passed since the last one. */
        public void maybe(Supplier<String> line) {
            long now = System.nanoTime();
            if (now - next >= 0) {
                next = now + intervalNanos;
                line(line.get().replace("%", "%%"));
            }
        }
    }
}
