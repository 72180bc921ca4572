package dev.streamingblocks.kafka.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.types.Either;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

/**
 * Idleness is the source's setting, whatever watermark strategy it is given: on by default after
 * {@link TypedKafkaSource#DEFAULT_IDLENESS}, off with {@code withoutIdleness()}.
 */
class TypedKafkaSourceIdlenessTest {

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    private static TypedKafkaSource.Builder<Payment> source() {
        return TypedKafkaSource.<Payment>builder()
                .setName("payments-source")
                .setBootstrapServers("localhost:9092")
                .setTopics("payments")
                .setGroupId("payments-reader")
                .setJsonValue(Payment.class)
                .setWatermarkStrategy(EventTimeWatermarkStrategy.<Payment>builder()
                        .setEventTimeExtractor(payment -> Instant.ofEpochMilli(payment.eventTime()))
                        .setMaxOutOfOrderness(Duration.ofSeconds(5))
                        .build());
    }

    @Test
    void idlenessIsOnByDefaultAndMarksASilentPartitionIdleAfterTheTimeout() {
        ManualClock clock = new ManualClock();
        // Flink's idleness timer reads a relative time of 0 as "no timer started"
        clock.advanceTime(Duration.ofSeconds(1));
        IdleCount output = new IdleCount();
        WatermarkGenerator<Either<DeadLetter, Payment>> generator =
                source().build().envelopeWatermarkStrategy().createWatermarkGenerator(context(clock));

        long time = BEGINNING.toEpochMilli();
        generator.onEvent(Either.Right(new Payment("p-1", "a-1", 10, time)), time, output);
        generator.onPeriodicEmit(output);
        // the first check without new records starts the inactivity timer
        generator.onPeriodicEmit(output);
        clock.advanceTime(TypedKafkaSource.DEFAULT_IDLENESS);
        generator.onPeriodicEmit(output);
        assertThat(output.idleMarks).isZero();

        clock.advanceTime(Duration.ofMillis(1));
        generator.onPeriodicEmit(output);
        assertThat(output.idleMarks).isEqualTo(1);
    }

    @Test
    void withoutIdlenessNeverMarksIdle() {
        ManualClock clock = new ManualClock();
        clock.advanceTime(Duration.ofSeconds(1));
        IdleCount output = new IdleCount();
        WatermarkGenerator<Either<DeadLetter, Payment>> generator =
                source().withoutIdleness().build().envelopeWatermarkStrategy().createWatermarkGenerator(context(clock));

        generator.onPeriodicEmit(output);
        generator.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofHours(1));
        generator.onPeriodicEmit(output);

        assertThat(output.idleMarks).isZero();
    }

    private static WatermarkGeneratorSupplier.Context context(RelativeClock clock) {
        return new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return clock;
            }
        };
    }

    private static final class IdleCount implements WatermarkOutput {
        int idleMarks;

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {
            idleMarks++;
        }

        @Override
        public void markActive() {}
    }
}
