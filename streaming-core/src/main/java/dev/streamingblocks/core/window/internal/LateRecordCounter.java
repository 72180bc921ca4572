package dev.streamingblocks.core.window.internal;

import dev.streamingblocks.core.window.LateData;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Forwards late records unchanged and counts them. */
public final class LateRecordCounter<T> extends ProcessFunction<T, T> {

    private static final long serialVersionUID = 1L;

    private transient Counter lateRecords;

    @Override
    public void open(OpenContext openContext) {
        lateRecords = getRuntimeContext().getMetricGroup().counter(LateData.LATE_RECORDS_METRIC);
    }

    @Override
    public void processElement(T value, Context ctx, Collector<T> out) {
        lateRecords.inc();
        out.collect(value);
    }
}
