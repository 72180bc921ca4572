package dev.streamingblocks.core.time;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Bounds that a record's event time must respect before it may move the watermark. One record
 * with a clock bug (year 2099) would otherwise move the watermark there and make every later
 * record of its source late.
 *
 * <pre>{@code
 * EventTimeGuard guard = EventTimeGuard.builder()                     // maxAheadOfWallClock 1 h by default
 *         .setMaxAheadOfHighestSeen(Duration.ofDays(1))               // optional
 *         .setMaxBehindHighestSeen(Duration.ofDays(7))                // optional: a horizon for old records
 *         .build();
 * WatermarkStrategy<Order> strategy = EventTimeWatermarkStrategy.<Order>builder()
 *         .setAvroTimestampField("timestamp")
 *         .setMaxOutOfOrderness(Duration.ofSeconds(5))
 *         .setGuard(guard)
 *         .build();
 * }</pre>
 *
 * <p>A record is rejected when its event time is
 * <ul>
 *   <li>more than {@code maxAheadOfWallClock} ahead of the wall clock (default
 *       {@link #DEFAULT_MAX_AHEAD_OF_WALL_CLOCK}; {@link Builder#disableMaxAheadOfWallClock()} turns it off).
 *       A replay of historical data always passes;</li>
 *   <li>more than {@code maxAheadOfHighestSeen} ahead of the highest event time accepted so far
 *       (off by default). This also catches a bad time in a replay, when the wall clock is far
 *       ahead of the data. Trade-off: a source whose data really jumps ahead by more than the bound
 *       (a partition silent for longer, then resuming with current data) has every later record
 *       rejected until the job restarts; choose the bound longer than any real gap;</li>
 *   <li>more than {@code maxBehindHighestSeen} behind the highest event time accepted so far (off
 *       by default): a horizon for far-past records, which would only be late.</li>
 * </ul>
 * Before any record is accepted there is no highest time, so only the wall-clock bound applies.
 * A rejected record never becomes the highest time seen. The highest time is kept in memory, not
 * in checkpoints: after a restore it starts again from the first record accepted.
 *
 * <p>Where a guard is applied: the watermark generator of an {@link EventTimeWatermarkStrategy}
 * ignores a rejected time (it cannot drop the record, which still flows downstream) and counts it
 * in the {@value #REJECTED_METRIC} metric; {@code TypedKafkaSource} (streaming-kafka) applies the
 * guard before the record is emitted and sends a rejected record to its dead-letter path.
 *
 * <p>Immutable and serializable: it ships to every source subtask, with its wall clock (which must
 * therefore be {@link Serializable}; {@link Clock#systemUTC()} and {@link Clock#fixed} are).
 */
public final class EventTimeGuard implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * How far ahead of the wall clock an event time may be, by default: producers' clocks drift by
     * seconds or minutes, a clock bug by years.
     */
    public static final Duration DEFAULT_MAX_AHEAD_OF_WALL_CLOCK = Duration.ofHours(1);

    /** The counter of rejected event times, on the operator that applies the guard. */
    public static final String REJECTED_METRIC = "eventTimeRejected";

    private static final long UNSET = -1L;

    private final long maxAheadOfWallClockMillis;
    private final long maxAheadOfHighestSeenMillis;
    private final long maxBehindHighestSeenMillis;
    private final Clock wallClock;

    private EventTimeGuard(Builder builder) {
        this.maxAheadOfWallClockMillis = millisOrUnset(builder.maxAheadOfWallClock);
        this.maxAheadOfHighestSeenMillis = millisOrUnset(builder.maxAheadOfHighestSeen);
        this.maxBehindHighestSeenMillis = millisOrUnset(builder.maxBehindHighestSeen);
        this.wallClock = builder.wallClock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The guard with the defaults: at most {@link #DEFAULT_MAX_AHEAD_OF_WALL_CLOCK} ahead of the system clock. */
    public static EventTimeGuard defaults() {
        return builder().build();
    }

    public Optional<Duration> maxAheadOfWallClock() {
        return durationOrEmpty(maxAheadOfWallClockMillis);
    }

    public Optional<Duration> maxAheadOfHighestSeen() {
        return durationOrEmpty(maxAheadOfHighestSeenMillis);
    }

    public Optional<Duration> maxBehindHighestSeen() {
        return durationOrEmpty(maxBehindHighestSeenMillis);
    }

    public Clock wallClock() {
        return wallClock;
    }

    /**
     * Why {@code eventTime} is rejected, or empty if it is within the bounds.
     *
     * @param highestSeen the highest event time accepted so far, {@code null} if none
     * @param now the wall clock's time
     */
    public Optional<String> violation(Instant eventTime, Instant highestSeen, Instant now) {
        Objects.requireNonNull(eventTime, "eventTime must not be null");
        Objects.requireNonNull(now, "now must not be null");
        EventTimeOutOfBoundsException e = check(
                eventTime.toEpochMilli(),
                highestSeen == null ? Long.MIN_VALUE : highestSeen.toEpochMilli(),
                now.toEpochMilli());
        return e == null ? Optional.empty() : Optional.of(e.getMessage());
    }

    /**
     * The per-record check, against this guard's wall clock: {@code null} if {@code eventTimeMillis}
     * is within the bounds, else the rejection. Epoch milliseconds, as in Flink's
     * {@code TimestampAssigner}, so a record within the bounds costs no allocation. The wall clock
     * is read only for a time above {@code highestSeenMillis}: anything at or below an accepted time
     * was within the wall-clock bound already.
     *
     * @param highestSeenMillis the highest event time accepted so far, {@link Long#MIN_VALUE} if none
     */
    public EventTimeOutOfBoundsException check(long eventTimeMillis, long highestSeenMillis) {
        if (eventTimeMillis <= highestSeenMillis) {
            return checkBehind(eventTimeMillis, highestSeenMillis);
        }
        return check(
                eventTimeMillis,
                highestSeenMillis,
                maxAheadOfWallClockMillis == UNSET ? Long.MIN_VALUE : wallClock.millis());
    }

    /**
     * A checker for one source subtask or split, not shared between threads: the same verdicts as
     * {@link #check(long, long)}, but it reads the wall clock only when an event time exceeds the
     * highest time the previous reading accepted (wall clock + {@code maxAheadOfWallClock}).
     */
    public Checker newChecker() {
        return new Checker();
    }

    /**
     * {@link EventTimeGuard#check(long, long)} with the wall clock's last reading reused while it
     * settles the case. Why: reading the clock costs about as much as the rest of the guard, and a
     * source whose event time advances on most records (a replay, or a fast producer) would read it
     * for every record; with this, live data reads it about once per {@code maxAheadOfWallClock} and
     * a replay of old data once. A rejection is always decided, and described, against a fresh
     * reading. The only difference from {@link EventTimeGuard#check(long, long)}: after the wall
     * clock steps back by some amount, times up to that amount beyond the bound are still accepted
     * until the clock has caught up again.
     */
    public final class Checker {

        /** Event times up to this passed the wall-clock bound at the last reading. */
        private long acceptedUpTo = Long.MIN_VALUE;

        private Checker() {}

        /**
         * {@code null} if {@code eventTimeMillis} is within the bounds, else the rejection.
         *
         * @param highestSeenMillis the highest event time accepted so far, {@link Long#MIN_VALUE} if none
         */
        public EventTimeOutOfBoundsException check(long eventTimeMillis, long highestSeenMillis) {
            if (eventTimeMillis <= highestSeenMillis) {
                return checkBehind(eventTimeMillis, highestSeenMillis);
            }
            if (maxAheadOfWallClockMillis != UNSET && eventTimeMillis > acceptedUpTo) {
                long now = wallClock.millis();
                acceptedUpTo = saturatedAdd(now, maxAheadOfWallClockMillis);
                if (eventTimeMillis > acceptedUpTo) {
                    return aheadOfWallClock(eventTimeMillis, now);
                }
            }
            return checkAgainstHighestSeen(eventTimeMillis, highestSeenMillis);
        }
    }

    private EventTimeOutOfBoundsException check(long eventTime, long highestSeen, long now) {
        if (maxAheadOfWallClockMillis != UNSET && eventTime > saturatedAdd(now, maxAheadOfWallClockMillis)) {
            return aheadOfWallClock(eventTime, now);
        }
        return checkAgainstHighestSeen(eventTime, highestSeen);
    }

    private EventTimeOutOfBoundsException aheadOfWallClock(long eventTime, long now) {
        return new EventTimeOutOfBoundsException(
                Instant.ofEpochMilli(eventTime),
                Duration.ofMillis(maxAheadOfWallClockMillis),
                EventTimeOutOfBoundsException.Reference.WALL_CLOCK,
                Instant.ofEpochMilli(now));
    }

    private EventTimeOutOfBoundsException checkAgainstHighestSeen(long eventTime, long highestSeen) {
        if (highestSeen == Long.MIN_VALUE) {
            return null;
        }
        if (maxAheadOfHighestSeenMillis != UNSET
                && eventTime > saturatedAdd(highestSeen, maxAheadOfHighestSeenMillis)) {
            return new EventTimeOutOfBoundsException(
                    Instant.ofEpochMilli(eventTime),
                    Duration.ofMillis(maxAheadOfHighestSeenMillis),
                    EventTimeOutOfBoundsException.Reference.AHEAD_OF_HIGHEST_SEEN,
                    Instant.ofEpochMilli(highestSeen));
        }
        return checkBehind(eventTime, highestSeen);
    }

    private EventTimeOutOfBoundsException checkBehind(long eventTime, long highestSeen) {
        if (maxBehindHighestSeenMillis != UNSET
                && highestSeen != Long.MIN_VALUE
                && eventTime < saturatedSubtract(highestSeen, maxBehindHighestSeenMillis)) {
            return new EventTimeOutOfBoundsException(
                    Instant.ofEpochMilli(eventTime),
                    Duration.ofMillis(maxBehindHighestSeenMillis),
                    EventTimeOutOfBoundsException.Reference.BEHIND_HIGHEST_SEEN,
                    Instant.ofEpochMilli(highestSeen));
        }
        return null;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long saturatedSubtract(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }

    private static long millisOrUnset(Duration d) {
        return d == null ? UNSET : d.toMillis();
    }

    private static Optional<Duration> durationOrEmpty(long millis) {
        return millis == UNSET ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EventTimeGuard)) {
            return false;
        }
        EventTimeGuard that = (EventTimeGuard) o;
        return maxAheadOfWallClockMillis == that.maxAheadOfWallClockMillis
                && maxAheadOfHighestSeenMillis == that.maxAheadOfHighestSeenMillis
                && maxBehindHighestSeenMillis == that.maxBehindHighestSeenMillis
                && wallClock.equals(that.wallClock);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                maxAheadOfWallClockMillis, maxAheadOfHighestSeenMillis, maxBehindHighestSeenMillis, wallClock);
    }

    @Override
    public String toString() {
        return "EventTimeGuard{maxAheadOfWallClock="
                + maxAheadOfWallClock().map(Duration::toString).orElse("off")
                + ", maxAheadOfHighestSeen="
                + maxAheadOfHighestSeen().map(Duration::toString).orElse("off")
                + ", maxBehindHighestSeen="
                + maxBehindHighestSeen().map(Duration::toString).orElse("off")
                + ", wallClock=" + wallClock + "}";
    }

    /** Builds an {@link EventTimeGuard}; {@link #build()} names the offending property. */
    public static final class Builder {

        private Duration maxAheadOfWallClock;
        private Duration maxAheadOfHighestSeen;
        private Duration maxBehindHighestSeen;
        private Clock wallClock;

        Builder() {
            this.maxAheadOfWallClock = DEFAULT_MAX_AHEAD_OF_WALL_CLOCK;
            this.wallClock = Clock.systemUTC();
        }

        /** Rejects event times more than this ahead of the wall clock; default {@link #DEFAULT_MAX_AHEAD_OF_WALL_CLOCK}. */
        public Builder setMaxAheadOfWallClock(Duration bound) {
            this.maxAheadOfWallClock = requireNonNull(bound, "maxAheadOfWallClock", "disableMaxAheadOfWallClock()");
            return this;
        }

        /** No bound relative to the wall clock. */
        public Builder disableMaxAheadOfWallClock() {
            this.maxAheadOfWallClock = null;
            return this;
        }

        /** Rejects event times more than this ahead of the highest accepted so far; off by default. */
        public Builder setMaxAheadOfHighestSeen(Duration bound) {
            this.maxAheadOfHighestSeen = requireNonNull(bound, "maxAheadOfHighestSeen", "leave it unset");
            return this;
        }

        /** Rejects event times more than this behind the highest accepted so far (a horizon); off by default. */
        public Builder setMaxBehindHighestSeen(Duration bound) {
            this.maxBehindHighestSeen = requireNonNull(bound, "maxBehindHighestSeen", "leave it unset");
            return this;
        }

        /** The wall clock; default {@link Clock#systemUTC()}. Must be serializable; tests pass a fixed or manual clock. */
        public Builder setWallClock(Clock wallClock) {
            if (wallClock == null) {
                throw new IllegalArgumentException("wallClock must not be null");
            }
            this.wallClock = wallClock;
            return this;
        }

        public EventTimeGuard build() {
            requirePositive(maxAheadOfWallClock, "maxAheadOfWallClock");
            requirePositive(maxAheadOfHighestSeen, "maxAheadOfHighestSeen");
            requirePositive(maxBehindHighestSeen, "maxBehindHighestSeen");
            if (maxAheadOfWallClock == null && maxAheadOfHighestSeen == null && maxBehindHighestSeen == null) {
                throw new IllegalArgumentException(
                        "at least one of maxAheadOfWallClock, maxAheadOfHighestSeen, maxBehindHighestSeen must be set");
            }
            if (!(wallClock instanceof Serializable)) {
                throw new IllegalArgumentException("wallClock must be Serializable (it ships to every source"
                        + " subtask), but " + wallClock.getClass().getName() + " is not");
            }
            return new EventTimeGuard(this);
        }

        private static Duration requireNonNull(Duration bound, String property, String instead) {
            if (bound == null) {
                throw new IllegalArgumentException(property + " must not be null; " + instead + " instead");
            }
            return bound;
        }

        private static void requirePositive(Duration bound, String property) {
            if (bound != null && (bound.isZero() || bound.isNegative() || bound.toMillis() == 0)) {
                throw new IllegalArgumentException(property + " must be at least 1 ms, was " + bound);
            }
        }
    }
}
