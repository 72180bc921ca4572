package dev.streamingblocks.examples.dashboard;

import java.time.Duration;

/**
 * Frames for the {@code text/event-stream} format (the HTML standard's server-sent events): what the
 * dashboard writes and the browser's {@code EventSource} parses.
 */
final class ServerSentEvents {

    private ServerSentEvents() {}

    /**
     * One event: {@code event: <name>}, one {@code data:} line per line of {@code data} (the browser
     * joins them with newlines again), then the blank line that dispatches it.
     */
    static String event(String name, String data) {
        if (name.isEmpty() || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0 || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("An event name must be one non-empty line without ':', was '"
                    + name.replace("\n", "\\n").replace("\r", "\\r") + "'");
        }
        StringBuilder frame = new StringBuilder("event: ").append(name).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        return frame.append('\n').toString();
    }

    /** How long the browser waits before it reconnects after the stream breaks. */
    static String retry(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("retry delay must not be negative, was " + delay);
        }
        return "retry: " + delay.toMillis() + "\n\n";
    }

    /** A comment the browser ignores: keeps idle connections (and proxies) from timing out. */
    static String comment(String text) {
        return ": " + text.replaceAll("[\r\n]+", " ") + "\n\n";
    }
}
