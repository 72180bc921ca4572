package dev.streamingblocks.core.window.internal;

import dev.streamingblocks.core.window.LateData;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * The late records of a pre-aggregated window, unwrapped and counted. Only records the
 * pre-aggregation passed on can be late: a partial is sent before its subtask's watermark passes
 * its window, so a late partial means that order was broken, and fails loudly rather than losing
 * the records inside it.
 */
public final class LatePartialCounter<T, K, ACC> extends ProcessFunction<Either<WindowPartial<K, ACC>, T>, T> {

    private static final long serialVersionUID = 1L;

    private transient Counter lateRecords;

    @Override
    public void open(OpenContext openContext) {
        lateRecords = getRuntimeContext().getMetricGroup().counter(LateData.LATE_RECORDS_METRIC);
    }

    @Override
    public void processElement(Either<WindowPartial<K, ACC>, T> value, Context ctx, Collector<T> out) {
        if (value.isLeft()) {
            WindowPartial<K, ACC> partial = value.left();
            throw new IllegalStateException("The partial aggregate of key " + partial.key() + " for the window ["
                    + partial.windowStart() + ", " + partial.windowEnd() + ") arrived after the window closed");
        }
        lateRecords.inc();
        out.collect(value.right());
    }
}
