package dev.streamingblocks.examples;

import dev.streamingblocks.core.time.EventTimeGuard;
import java.time.Duration;

/**
 * The event-time guard of the example jobs: a record more than {@link #MAX_AHEAD_OF_WALL_CLOCK}
 * ahead of the wall clock (a clock bug such as year 2099) goes to the job's dead-letter topic
 * with the reason instead of moving the watermark and making every later record late.
 *
 * <p>Why a day rather than {@link EventTimeGuard#DEFAULT_MAX_AHEAD_OF_WALL_CLOCK}: {@code Main produce}
 * starts event time at the wall clock and advances it faster than the clock (100 ms per order or
 * transaction, 5 s per page view plus a 45-minute break every 200), so its default 1,000 page views
 * end about 4.5 hours ahead of it. A day lets {@code produce} runs of up to about 860,000 orders or
 * transactions, or about 4,600 page views, through; the article's fixed 2026-02-06 data always passes.
 * No bound relative to the highest time seen: a job left running would otherwise reject every
 * record of a {@code produce} run started more than that bound after the previous one.
 */
public final class ExampleEventTime {

    /** How far ahead of the wall clock an example record's event time may be. */
    public static final Duration MAX_AHEAD_OF_WALL_CLOCK = Duration.ofDays(1);

    private ExampleEventTime() {}

    /** The guard the example jobs' watermark strategies use. */
    public static EventTimeGuard guard() {
        return EventTimeGuard.builder()
                .setMaxAheadOfWallClock(MAX_AHEAD_OF_WALL_CLOCK)
                .build();
    }
}
