package dev.streamingblocks.core.time;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTimeGuardTest {

    private static final Instant NOW = Instant.parse("2026-02-06T12:00:00Z");
    private static final Instant YEAR_2099 = Instant.parse("2099-01-01T00:00:00Z");

    @Test
    void defaultsBoundOnlyTheWallClockByOneHour() {
        EventTimeGuard guard = EventTimeGuard.defaults();

        assertThat(guard.maxAheadOfWallClock()).contains(Duration.ofHours(1));
        assertThat(guard.maxAheadOfHighestSeen()).isEmpty();
        assertThat(guard.maxBehindHighestSeen()).isEmpty();
        assertThat(guard.wallClock()).isEqualTo(Clock.systemUTC());
        assertThat(EventTimeGuard.DEFAULT_MAX_AHEAD_OF_WALL_CLOCK).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void rejectsATimeMoreThanTheBoundAheadOfTheWallClockAndNamesTimeBoundAndReference() {
        EventTimeGuard guard = EventTimeGuard.defaults();

        assertThat(guard.violation(NOW.plus(Duration.ofHours(1)), null, NOW)).isEmpty();
        assertThat(guard.violation(NOW.plus(Duration.ofHours(1)).plusMillis(1), null, NOW)).contains(
                "Event time 2026-02-06T13:00:00.001Z is more than PT1H ahead of the wall clock 2026-02-06T12:00:00Z");
        assertThat(guard.violation(YEAR_2099, NOW.minusSeconds(5), NOW)).contains(
                "Event time 2099-01-01T00:00:00Z is more than PT1H ahead of the wall clock 2026-02-06T12:00:00Z");
        // a replay of historical data passes
        assertThat(guard.violation(Instant.parse("2020-01-01T00:00:00Z"), null, NOW)).isEmpty();
    }

    @Test
    void rejectsATimeTooFarAheadOfOrBehindTheHighestSeen() {
        EventTimeGuard guard = EventTimeGuard.builder()
                .disableMaxAheadOfWallClock()
                .setMaxAheadOfHighestSeen(Duration.ofDays(1))
                .setMaxBehindHighestSeen(Duration.ofDays(7))
                .build();
        Instant highest = Instant.parse("2020-03-01T00:00:00Z");

        assertThat(guard.violation(highest.plus(Duration.ofDays(1)), highest, NOW)).isEmpty();
        assertThat(guard.violation(highest.plus(Duration.ofDays(1)).plusMillis(1), highest, NOW)).contains(
                "Event time 2020-03-02T00:00:00.001Z is more than PT24H ahead of the highest event time seen"
                        + " 2020-03-01T00:00:00Z");
        assertThat(guard.violation(highest.minus(Duration.ofDays(7)), highest, NOW)).isEmpty();
        assertThat(guard.violation(highest.minus(Duration.ofDays(7)).minusMillis(1), highest, NOW)).contains(
                "Event time 2020-02-22T23:59:59.999Z is more than PT168H behind the highest event time seen"
                        + " 2020-03-01T00:00:00Z");
        // nothing seen yet: no reference, anything goes
        assertThat(guard.violation(YEAR_2099, null, NOW)).isEmpty();
        assertThat(guard.violation(Instant.EPOCH, null, NOW)).isEmpty();
    }

    @Test
    void checkReadsTheInjectedClockAndDescribesTheRejection() {
        MutableClock clock = new MutableClock(NOW);
        EventTimeGuard guard = EventTimeGuard.builder().setWallClock(clock).build();
        long ahead = NOW.plus(Duration.ofMinutes(90)).toEpochMilli();

        EventTimeOutOfBoundsException e = guard.check(ahead, Long.MIN_VALUE);
        assertThat(e).isNotNull();
        assertThat(e.eventTime()).isEqualTo(NOW.plus(Duration.ofMinutes(90)));
        assertThat(e.bound()).isEqualTo(Duration.ofHours(1));
        assertThat(e.reference()).isEqualTo(EventTimeOutOfBoundsException.Reference.WALL_CLOCK);
        assertThat(e.referenceTime()).isEqualTo(NOW);
        assertThat(e).isInstanceOf(InvalidEventTimeException.class)
                .hasMessage("Event time 2026-02-06T13:30:00Z is more than PT1H ahead of the wall clock"
                        + " 2026-02-06T12:00:00Z");

        clock.now = NOW.plus(Duration.ofMinutes(30));
        assertThat(guard.check(ahead, Long.MIN_VALUE)).isNull();
    }

    @Test
    void extremeTimesDoNotOverflow() {
        EventTimeGuard guard = EventTimeGuard.builder()
                .setWallClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .setMaxAheadOfHighestSeen(Duration.ofDays(1))
                .setMaxBehindHighestSeen(Duration.ofDays(1))
                .build();

        assertThat(guard.check(Long.MAX_VALUE, NOW.toEpochMilli())).isNotNull();
        assertThat(guard.check(Long.MIN_VALUE + 1, NOW.toEpochMilli())).isNotNull();
        assertThat(guard.check(Long.MIN_VALUE + 1, Long.MIN_VALUE + 2)).isNull();
        assertThat(EventTimeGuard.builder().disableMaxAheadOfWallClock().setMaxAheadOfHighestSeen(Duration.ofDays(1))
                .build().check(Long.MAX_VALUE, Long.MAX_VALUE - 1)).isNull();
    }

    @Test
    void isSerializableWithItsClock() throws Exception {
        EventTimeGuard guard = EventTimeGuard.builder()
                .setWallClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .setMaxBehindHighestSeen(Duration.ofDays(2))
                .build();

        EventTimeGuard copy = InstantiationUtil.clone(guard);
        assertThat(copy).isEqualTo(guard);
        assertThat(copy.check(YEAR_2099.toEpochMilli(), Long.MIN_VALUE)).isNotNull();
        assertThat(InstantiationUtil.clone(EventTimeGuard.defaults())).isEqualTo(EventTimeGuard.defaults());
    }

    @Test
    void builderNamesTheOffendingProperty() {
        assertThatThrownBy(() -> EventTimeGuard.builder().setMaxAheadOfWallClock(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAheadOfWallClock must be at least 1 ms, was PT0S");
        assertThatThrownBy(() -> EventTimeGuard.builder().setMaxAheadOfHighestSeen(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAheadOfHighestSeen must be at least 1 ms, was PT-1S");
        assertThatThrownBy(() -> EventTimeGuard.builder().setMaxBehindHighestSeen(Duration.ofNanos(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBehindHighestSeen must be at least 1 ms, was PT0.000000001S");
        assertThatThrownBy(() -> EventTimeGuard.builder().setMaxAheadOfWallClock(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAheadOfWallClock must not be null; disableMaxAheadOfWallClock() instead");
        assertThatThrownBy(() -> EventTimeGuard.builder().disableMaxAheadOfWallClock().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one of maxAheadOfWallClock, maxAheadOfHighestSeen, maxBehindHighestSeen"
                        + " must be set");
        assertThatThrownBy(() -> EventTimeGuard.builder().setWallClock(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wallClock must not be null");
        assertThatThrownBy(() -> EventTimeGuard.builder().setWallClock(new NotSerializableClock()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wallClock must be Serializable (it ships to every source subtask), but "
                        + NotSerializableClock.class.getName() + " is not");
        assertThat(EventTimeGuard.builder().build().violation(NOW, null, NOW)).isEqualTo(Optional.empty());
    }

    /** A wall clock the test moves by hand. */
    static final class MutableClock extends Clock implements Serializable {
        private static final long serialVersionUID = 1L;
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final class NotSerializableClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return NOW;
        }
    }
}
