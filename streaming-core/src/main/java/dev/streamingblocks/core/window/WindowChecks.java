package dev.streamingblocks.core.window;

import java.time.Duration;

/** The {@code build()} checks the window blocks share, so their messages stay the same. */
final class WindowChecks {

    private WindowChecks() {}

    static void requireWindow(WindowSpec window) {
        if (window == null) {
            throw new IllegalArgumentException("window must be set");
        }
    }

    static void requireLatenessAndUid(Duration allowedLateness, String uid) {
        if (allowedLateness == null || allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowedLateness must not be negative, was " + allowedLateness);
        }
        if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("uid must be set: the window state is restored by it");
        }
    }
}
