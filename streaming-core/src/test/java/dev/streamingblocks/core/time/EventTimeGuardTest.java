package dev.streamingblocks.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

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
        assertThat(guard.violation(NOW.plus(Duration.ofHours(1)).plusMillis(1), null, NOW))
                .contains(
                        "Event time 2026-02-06T13:00:00.001Z is more than PT1H ahead of the wall clock 2026-02-06T12:00:00Z");
        assertThat(guard.violation(YEAR_2099, NOW.minusSeconds(5), NOW))
                .contains(
                        "Event time 2099-01-01T00:00:00Z is more than PT1H ahead of the wall clock 2026-02-06T12:00:00Z");
        // a replay of historical data passes
        assertThat(guard.violation(Instant.parse("2020-01-01T00:00:00Z"), null, NOW))
                .isEmpty();
    }

    @Test
    void rejectsATimeTooFarAheadOfOrBehindTheHighestSeen() {
        EventTimeGuard guard = EventTimeGuard.builder()
                .disableMaxAheadOfWallClock()
                .setMaxAheadOfHighestSeen(Duration.ofDays(1))
                .setMaxBehindHighestSeen(Duration.ofDays(7))
                .build();
        Instant highest = Instant.parse("2020-03-01T00:00:00Z");

        assertThat(guard.violation(highest.plus(Duration.ofDays(1)), highest, NOW))
                .isEmpty();
        assertThat(guard.violation(highest.plus(Duration.ofDays(1)).plusMillis(1), highest, NOW))
                .contains("Event time 2020-03-02T00:00:00.001Z is more than PT24H ahead of the highest event time seen"
                        + " 2020-03-01T00:00:00Z");
        assertThat(guard.violation(highest.minus(Duration.ofDays(7)), highest, NOW))
                .isEmpty();
        assertThat(guard.violation(highest.minus(Duration.ofDays(7)).minusMillis(1), highest, NOW))
                .contains("Event time 2020-02-22T23:59:59.999Z is more than PT168H behind the highest event time seen"
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
        assertThat(e)
                .isInstanceOf(InvalidEventTimeException.class)
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
        assertThat(EventTimeGuard.builder()
                        .disableMaxAheadOfWallClock()
                        .setMaxAheadOfHighestSeen(Duration.ofDays(1))
                        .build()
                        .check(Long.MAX_VALUE, Long.MAX_VALUE - 1))
                .isNull();
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
        assertThatThrownBy(() -> EventTimeGuard.builder()
                        .setMaxAheadOfWallClock(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAheadOfWallClock must be at least 1 ms, was PT0S");
        assertThatThrownBy(() -> EventTimeGuard.builder()
                        .setMaxAheadOfHighestSeen(Duration.ofSeconds(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAheadOfHighestSeen must be at least 1 ms, was PT-1S");
        assertThatThrownBy(() -> EventTimeGuard.builder()
                        .setMaxBehindHighestSeen(Duration.ofNanos(1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBehindHighestSeen must be at least 1 ms, was PT0.000000001S");
        assertThatThrownBy(() -> EventTimeGuard.builder().setMaxAheadOfWallClock(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAheadOfWallClock must not be null; disableMaxAheadOfWallClock() instead");
        assertThatThrownBy(() ->
                        EventTimeGuard.builder().disableMaxAheadOfWallClock().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one of maxAheadOfWallClock, maxAheadOfHighestSeen, maxBehindHighestSeen"
                        + " must be set");
        assertThatThrownBy(() -> EventTimeGuard.builder().setWallClock(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wallClock must not be null");
        assertThatThrownBy(() -> EventTimeGuard.builder()
                        .setWallClock(new NotSerializableClock())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wallClock must be Serializable (it ships to every source subtask), but "
                        + NotSerializableClock.class.getName() + " is not");
        assertThat(EventTimeGuard.builder().build().violation(NOW, null, NOW)).isEqualTo(Optional.empty());
    }

    /** A wall clock the test moves by hand. */
    @Test
    void checkerReadsTheWallClockOnlyWhenATimePassesItsLastReadingAndRejectsAgainstAFreshOne() {
        MutableClock clock = new MutableClock(NOW);
        EventTimeGuard guard = EventTimeGuard.builder()
                .setWallClock(clock)
                .setMaxBehindHighestSeen(Duration.ofDays(1))
                .build();
        EventTimeGuard.Checker checker = guard.newChecker();

        // a replay of last month, each record 1 ms later: one reading for all of them
        long time = NOW.minus(Duration.ofDays(30)).toEpochMilli();
        for (int i = 0; i < 1_000; i++, time++) {
            assertThat(checker.check(time, time - 1)).isNull();
        }
        assertThat(clock.reads).isEqualTo(1);
        long withinLastReading = NOW.plus(Duration.ofMinutes(59)).toEpochMilli();
        assertThat(checker.check(withinLastReading, time)).isNull();
        assertThat(clock.reads).isEqualTo(1);

        // past the last reading's bound: a fresh reading decides
        clock.now = NOW.plus(Duration.ofMinutes(10));
        long accepted = NOW.plus(Duration.ofMinutes(65)).toEpochMilli();
        assertThat(checker.check(accepted, withinLastReading)).isNull();
        assertThat(clock.reads).isEqualTo(2);
        EventTimeOutOfBoundsException rejected =
                checker.check(NOW.plus(Duration.ofMinutes(75)).toEpochMilli(), accepted);
        assertThat(clock.reads).isEqualTo(3);
        assertThat(rejected)
                .hasMessage("Event time 2026-02-06T13:15:00Z is more than PT1H ahead of the wall clock"
                        + " 2026-02-06T12:10:00Z");

        // the other bounds need no reading
        EventTimeOutOfBoundsException tooOld =
                checker.check(accepted - Duration.ofDays(2).toMillis(), accepted);
        assertThat(tooOld.reference()).isEqualTo(EventTimeOutOfBoundsException.Reference.BEHIND_HIGHEST_SEEN);
        assertThat(clock.reads).isEqualTo(3);
    }

    @Test
    void checkerGivesTheVerdictsOfCheckUnderAClockThatDoesNotGoBack() {
        EventTimeGuard guard = EventTimeGuard.builder()
                .setWallClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .setMaxAheadOfHighestSeen(Duration.ofMinutes(30))
                .setMaxBehindHighestSeen(Duration.ofHours(2))
                .build();
        EventTimeGuard.Checker checker = guard.newChecker();
        long highest = Long.MIN_VALUE;
        // accepted, ahead of the highest, behind it, climbing to the wall-clock bound, past it, at it
        List<Long> minutes = new ArrayList<>(List.of(-600L, -590L, -500L, -720L));
        for (long minute = -565; minute <= 55; minute += 25) {
            minutes.add(minute);
        }
        minutes.addAll(List.of(61L, 59L, 60L, 10L, 95L, -100L));
        int rejected = 0;
        for (long minute : minutes) {
            long time = NOW.plus(Duration.ofMinutes(minute)).toEpochMilli();
            EventTimeOutOfBoundsException expected = guard.check(time, highest);
            EventTimeOutOfBoundsException actual = checker.check(time, highest);
            assertThat(actual == null ? null : actual.getMessage())
                    .as("event time at %d minutes", minute)
                    .isEqualTo(expected == null ? null : expected.getMessage());
            if (actual == null && time > highest) {
                highest = time;
            }
            rejected += actual == null ? 0 : 1;
        }
        assertThat(rejected).isEqualTo(5);
    }

    static final class MutableClock extends Clock implements Serializable {
        private static final long serialVersionUID = 1L;
        Instant now;
        int reads;

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
            reads++;
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
