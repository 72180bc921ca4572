package dev.streamingblocks.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.benchmarks.harness.Result;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How rounds of one variant become the one result the table shows. */
class OrderStatsBenchmarkTest {

    private static Result ok(long millis) {
        return Result.ok("v", 2, 1_000, Duration.ofMillis(millis), "250 output records");
    }

    @Test
    void theMedianRoundIsReportedWithEveryRoundsTimeInItsNote() {
        Result median = OrderStatsBenchmark.median(List.of(ok(2_670), ok(1_410), ok(2_210)));

        assertThat(median.elapsed()).isEqualTo(Duration.ofMillis(2_210));
        assertThat(median.detail()).isEqualTo("250 output records; median of 3 rounds (2.67, 1.41, 2.21 s)");
        assertThat(OrderStatsBenchmark.median(List.of(ok(3_000), ok(1_000))).elapsed())
                .as("the upper of two")
                .isEqualTo(Duration.ofMillis(3_000));
    }

    @Test
    void oneRoundIsReportedAsItIsAndAWrongRoundIsNeverHidden() {
        Result only = ok(1_234);
        assertThat(OrderStatsBenchmark.median(List.of(only))).isSameAs(only);

        Result wrong = Result.wrong("v", 2, 1_000, "3 results missing");
        assertThat(OrderStatsBenchmark.median(List.of(ok(1_000), wrong, ok(900))))
                .isSameAs(wrong);
    }
}
