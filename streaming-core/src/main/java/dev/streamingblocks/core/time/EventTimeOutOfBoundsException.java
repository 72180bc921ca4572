package dev.streamingblocks.core.time;

import java.time.Duration;
import java.time.Instant;

/**
 * A record whose event time an {@link EventTimeGuard} rejects: too far ahead of the wall clock,
 * too far ahead of the highest event time seen, or too far behind it. The message names the event
 * time, the bound and the reference, e.g. {@code Event time 2099-01-01T00:00:00Z is more than PT1H
 * ahead of the wall clock 2026-02-06T12:00:00Z}.
 *
 * <p>Created without a stack trace: it describes bad data, not a place in the code.
 */
public class EventTimeOutOfBoundsException extends InvalidEventTimeException {

    private static final long serialVersionUID = 1L;

    /** What the event time was compared with. */
    public enum Reference {
        /** The wall clock: the event time is more than the bound ahead of it. */
        WALL_CLOCK("ahead of the wall clock"),
        /** The highest event time seen: the event time is more than the bound ahead of it. */
        AHEAD_OF_HIGHEST_SEEN("ahead of the highest event time seen"),
        /** The highest event time seen: the event time is more than the bound behind it. */
        BEHIND_HIGHEST_SEEN("behind the highest event time seen");

        private final String phrase;

        Reference(String phrase) {
            this.phrase = phrase;
        }
    }

    private final Instant eventTime;
    private final Duration bound;
    private final Reference reference;
    private final Instant referenceTime;

    public EventTimeOutOfBoundsException(
            Instant eventTime, Duration bound, Reference reference, Instant referenceTime) {
        super(
                "Event time " + eventTime + " is more than " + bound + " " + reference.phrase + " " + referenceTime,
                false);
        this.eventTime = eventTime;
        this.bound = bound;
        this.reference = reference;
        this.referenceTime = referenceTime;
    }

    /** The rejected event time. */
    public Instant eventTime() {
        return eventTime;
    }

    /** The bound it broke. */
    public Duration bound() {
        return bound;
    }

    /** What it was compared with. */
    public Reference reference() {
        return reference;
    }

    /** The reference instant: the wall clock's time or the highest event time seen. */
    public Instant referenceTime() {
        return referenceTime;
    }
}
