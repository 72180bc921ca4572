package dev.streamingblocks.core.time;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkAlignmentParams;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.util.Optional;

/**
 * The strategy {@link EventTimeWatermarks#build()} returns: a plain {@link WatermarkStrategy} that
 * also tells a source how it reads event time ({@link #timestampAssigner()}) and which
 * {@link #guard()} its watermark generator applies, so a source can apply the guard itself before
 * it emits a record (as {@code TypedKafkaSource} does, dead-lettering rejected records).
 *
 * @param <T> the record type
 */
public final class EventTimeWatermarkStrategy<T> implements WatermarkStrategy<T> {

    private static final long serialVersionUID = 1L;

    private final WatermarkStrategy<T> guarded;
    private final WatermarkStrategy<T> unguarded;
    private final SerializableTimestampAssigner<T> timestampAssigner;
    private final EventTimeGuard guard;

    EventTimeWatermarkStrategy(WatermarkStrategy<T> guarded, WatermarkStrategy<T> unguarded,
            SerializableTimestampAssigner<T> timestampAssigner, EventTimeGuard guard) {
        this.guarded = guarded;
        this.unguarded = unguarded;
        this.timestampAssigner = timestampAssigner;
        this.guard = guard;
    }

    /** The guard the watermark generator applies; empty if none was set. */
    public Optional<EventTimeGuard> guard() {
        return Optional.ofNullable(guard);
    }

    /**
     * How the event time is read; throws {@link InvalidEventTimeException} for a record whose time
     * cannot be read.
     */
    public SerializableTimestampAssigner<T> timestampAssigner() {
        return timestampAssigner;
    }

    /**
     * The same strategy (timestamps, out-of-orderness, alignment) whose watermark
     * generator does not apply the guard: for a source that rejects records by the guard before
     * they reach the generator.
     */
    public WatermarkStrategy<T> withoutGuard() {
        return unguarded;
    }

    @Override
    public WatermarkGenerator<T> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return guarded.createWatermarkGenerator(context);
    }

    @Override
    public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return guarded.createTimestampAssigner(context);
    }

    @Override
    public WatermarkAlignmentParams getAlignmentParameters() {
        return guarded.getAlignmentParameters();
    }
}
