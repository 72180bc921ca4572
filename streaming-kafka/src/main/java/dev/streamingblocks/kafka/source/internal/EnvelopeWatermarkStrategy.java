package dev.streamingblocks.kafka.source.internal;

import dev.streamingblocks.kafka.source.DeadLetter;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkAlignmentParams;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;

/**
 * Applies the user's {@code WatermarkStrategy<T>} to the source's {@code Either<DeadLetter, T>}:
 * good values drive timestamps and watermarks as usual; a dead letter keeps its Kafka timestamp and
 * never moves the watermark, since its bytes cannot be trusted.
 */
public final class EnvelopeWatermarkStrategy<T> implements WatermarkStrategy<Either<DeadLetter, T>> {

    private static final long serialVersionUID = 1L;

    private final WatermarkStrategy<T> inner;

    public EnvelopeWatermarkStrategy(WatermarkStrategy<T> inner) {
        this.inner = inner;
    }

    @Override
    public WatermarkGenerator<Either<DeadLetter, T>> createWatermarkGenerator(
            WatermarkGeneratorSupplier.Context context) {
        WatermarkGenerator<T> generator = inner.createWatermarkGenerator(context);
        return new WatermarkGenerator<>() {
            @Override
            public void onEvent(Either<DeadLetter, T> event, long eventTimestamp, WatermarkOutput output) {
                if (event.isRight()) {
                    generator.onEvent(event.right(), eventTimestamp, output);
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                generator.onPeriodicEmit(output);
            }
        };
    }

    @Override
    public TimestampAssigner<Either<DeadLetter, T>> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        TimestampAssigner<T> assigner = inner.createTimestampAssigner(context);
        return (event, recordTimestamp) ->
                event.isRight() ? assigner.extractTimestamp(event.right(), recordTimestamp) : recordTimestamp;
    }

    @Override
    public WatermarkAlignmentParams getAlignmentParameters() {
        return inner.getAlignmentParameters();
    }
}
