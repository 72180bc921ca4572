package dev.streamingblocks.core.time.internal;

import dev.streamingblocks.core.time.EventTimeGuard;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;

/** Wraps the generators of {@code inner} in a {@link GuardedWatermarkGenerator}. */
public final class GuardedWatermarkGeneratorSupplier<T> implements WatermarkGeneratorSupplier<T> {

    private static final long serialVersionUID = 1L;

    private final WatermarkGeneratorSupplier<T> inner;
    private final EventTimeGuard guard;

    public GuardedWatermarkGeneratorSupplier(WatermarkGeneratorSupplier<T> inner, EventTimeGuard guard) {
        this.inner = inner;
        this.guard = guard;
    }

    @Override
    public WatermarkGenerator<T> createWatermarkGenerator(Context context) {
        return new GuardedWatermarkGenerator<>(
                inner.createWatermarkGenerator(context),
                guard,
                context.getMetricGroup().counter(EventTimeGuard.REJECTED_METRIC));
    }
}
