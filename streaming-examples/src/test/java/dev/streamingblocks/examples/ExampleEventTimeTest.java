package dev.streamingblocks.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.fraud.TransactionGenerator;
import dev.streamingblocks.examples.orders.OrderGenerator;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.examples.sessions.PageViewGenerator;
import dev.streamingblocks.examples.sessions.SessionsJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.junit.jupiter.api.Test;

/** The example jobs are guarded, and what {@code Main produce} generates by default passes their guard. */
class ExampleEventTimeTest {

    /** Stands for "now" when {@code produce} starts, as its event time starts at the wall clock. */
    private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

    private static final long YEAR_2099 = Instant.parse("2099-01-01T00:00:00Z").toEpochMilli();

    @Test
    void everyExampleJobUsesTheExampleGuard() {
        for (WatermarkStrategy<?> strategy :
                List.of(OrderStatsJob.watermarks(), FraudJob.watermarks(), SessionsJob.watermarks())) {
            assertThat(strategy).isInstanceOf(EventTimeWatermarkStrategy.class);
            assertThat(((EventTimeWatermarkStrategy<?>) strategy).guard()).contains(ExampleEventTime.guard());
        }
        assertThat(ExampleEventTime.guard().maxAheadOfWallClock()).contains(Duration.ofDays(1));
        assertThat(ExampleEventTime.guard().maxAheadOfHighestSeen()).isEmpty();
        assertThat(ExampleEventTime.guard().maxBehindHighestSeen()).isEmpty();
    }

    @Test
    void aYear2099OrderIsRejectedAndTheProducersDefaultRunsPass() {
        EventTimeGuard guard = EventTimeGuard.builder()
                .setMaxAheadOfWallClock(ExampleEventTime.MAX_AHEAD_OF_WALL_CLOCK)
                .setWallClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build();
        assertThat(guard.check(YEAR_2099, Long.MIN_VALUE)).isNotNull();

        // Main produce's generators with its spacings, started "now", 1,000 records each (its default count)
        for (Order o : new OrderGenerator(42, NOW, Duration.ofMillis(100)).next(1000)) {
            assertThat(guard.check(o.getTimestamp(), Long.MIN_VALUE)).isNull();
        }
        new TransactionGenerator(42, NOW, Duration.ofMillis(100), 100)
                .next(1000)
                .forEach(t -> assertThat(guard.check(t.getTimestamp().toEpochMilli(), Long.MIN_VALUE))
                        .isNull());
        new PageViewGenerator(42, NOW, Duration.ofSeconds(5))
                .next(1000)
                .forEach(v -> assertThat(guard.check(v.viewTime().toEpochMilli(), Long.MIN_VALUE))
                        .isNull());
        // ... which the library default of 1 h would not let through
        PageViewGenerator views = new PageViewGenerator(42, NOW, Duration.ofSeconds(5));
        views.next(999);
        assertThat(EventTimeGuard.builder()
                        .setWallClock(Clock.fixed(NOW, ZoneOffset.UTC))
                        .build()
                        .check(views.next().viewTime().toEpochMilli(), Long.MIN_VALUE))
                .isNotNull();
    }
}
