package dev.streamingblocks.kafka.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.source.DeadLetter;
import dev.streamingblocks.kafka.source.Payment;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

class EnvelopeWatermarkStrategyTest {

    private static final long KAFKA_TIMESTAMP = 5_000L;

    private final EnvelopeWatermarkStrategy<Payment> strategy =
            new EnvelopeWatermarkStrategy<>(WatermarkStrategy.<Payment>forMonotonousTimestamps()
                    .withTimestampAssigner((payment, kafkaTimestamp) -> payment.eventTime()));

    private final List<Long> watermarks = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    private static Either<DeadLetter, Payment> good(long eventTime) {
        return Either.Right(new Payment("p", "a", 1, eventTime));
    }

    private static Either<DeadLetter, Payment> deadLetter() {
        return Either.Left(new DeadLetter(null, new byte[] {1}, "t", 0, 0L, KAFKA_TIMESTAMP, "E", "m"));
    }

    @Test
    void goodValuesUseTheUserAssignerAndDeadLettersKeepTheirKafkaTimestamp() {
        TimestampAssigner<Either<DeadLetter, Payment>> assigner = strategy.createTimestampAssigner(null);

        assertThat(assigner.extractTimestamp(good(1_000L), KAFKA_TIMESTAMP)).isEqualTo(1_000L);
        assertThat(assigner.extractTimestamp(deadLetter(), KAFKA_TIMESTAMP)).isEqualTo(KAFKA_TIMESTAMP);
    }

    @Test
    void deadLettersNeverMoveTheWatermark() {
        WatermarkGenerator<Either<DeadLetter, Payment>> generator = strategy.createWatermarkGenerator(null);

        generator.onEvent(good(1_000L), 1_000L, output);
        generator.onEvent(deadLetter(), 9_000_000L, output);
        generator.onPeriodicEmit(output);

        // Monotonous watermarks trail the largest good timestamp by 1 ms; the dead letter's is ignored.
        assertThat(watermarks).containsExactly(999L);
    }
}
