package dev.streamingblocks.core.window.internal;

import dev.streamingblocks.core.window.ThresholdBreach;
import java.time.Instant;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Emits a breach the first time a window's match count reaches the threshold. Later firings of the
 * same window (late records within the allowed lateness) see the per-window flag and stay quiet.
 */
public final class ThresholdWindowFunction<K> extends ProcessWindowFunction<Long, ThresholdBreach<K>, K, TimeWindow> {

    private static final long serialVersionUID = 1L;

    private static final ValueStateDescriptor<Boolean> EMITTED =
            new ValueStateDescriptor<>("threshold-emitted", Types.BOOLEAN);

    private final long minCount;

    public ThresholdWindowFunction(long minCount) {
        this.minCount = minCount;
    }

    @Override
    public void process(K key, Context context, Iterable<Long> counts, Collector<ThresholdBreach<K>> out)
            throws Exception {
        long count = counts.iterator().next();
        if (count < minCount) {
            return;
        }
        ValueState<Boolean> emitted = context.windowState().getState(EMITTED);
        if (Boolean.TRUE.equals(emitted.value())) {
            return;
        }
        emitted.update(true);
        TimeWindow window = context.window();
        out.collect(new ThresholdBreach<>(
                key, Instant.ofEpochMilli(window.getStart()), Instant.ofEpochMilli(window.getEnd()), count));
    }

    @Override
    public void clear(Context context) {
        context.windowState().getState(EMITTED).clear();
    }
}
