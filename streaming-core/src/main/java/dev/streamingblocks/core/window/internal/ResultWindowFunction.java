package dev.streamingblocks.core.window.internal;

import dev.streamingblocks.core.window.WindowResult;
import java.time.Instant;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Wraps the pre-aggregated value of a window with its key, start and end. */
public final class ResultWindowFunction<K, R> extends ProcessWindowFunction<R, WindowResult<K, R>, K, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(K key, Context context, Iterable<R> aggregated, Collector<WindowResult<K, R>> out) {
        TimeWindow window = context.window();
        // An aggregating window hands over exactly one pre-aggregated value.
        R value = aggregated.iterator().next();
        out.collect(new WindowResult<>(
                key, Instant.ofEpochMilli(window.getStart()), Instant.ofEpochMilli(window.getEnd()), value));
    }
}
