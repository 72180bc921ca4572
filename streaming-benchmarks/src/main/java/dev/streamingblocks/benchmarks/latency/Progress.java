package dev.streamingblocks.benchmarks.latency;

import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Progress lines of a running benchmark, on standard error with the UTC time, so results on standard out stay clean. */
public final class Progress {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Progress() {}

    public static void line(String format, Object... args) {
        System.err.println(
                "[" + LocalTime.now(ZoneOffset.UTC).format(TIME) + "] " + String.format(Locale.ROOT, format, args));
    }
}
