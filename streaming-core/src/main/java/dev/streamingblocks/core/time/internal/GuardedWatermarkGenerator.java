package dev.streamingblocks.core.time.internal;

import dev.streamingblocks.core.time.EventTimeGuard;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.Counter;

/**
 * Passes an event to the wrapped generator only if its time is within the {@link EventTimeGuard};
 * a rejected time is counted and never becomes the highest time seen. One instance per split, so
 * the highest time is per split here.
 */
public final class GuardedWatermarkGenerator<T> implements WatermarkGenerator<T> {

    private final WatermarkGenerator<T> inner;
    private final EventTimeGuard.Checker guard;
    private final Counter rejected;
    private long highestSeen = Long.MIN_VALUE;

    public GuardedWatermarkGenerator(WatermarkGenerator<T> inner, EventTimeGuard guard, Counter rejected) {
        this.inner = inner;
        this.guard = guard.newChecker();
        this.rejected = rejected;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        if (guard.check(eventTimestamp, highestSeen) != null) {
            rejected.inc();
            return;
        }
        if (eventTimestamp > highestSeen) {
            highestSeen = eventTimestamp;
        }
        inner.onEvent(event, eventTimestamp, output);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        inner.onPeriodicEmit(output);
    }
}
