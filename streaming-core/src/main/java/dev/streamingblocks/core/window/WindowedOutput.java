package dev.streamingblocks.core.window;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * What a windowed building block returns: its results and the records that arrived too late for
 * any open window. Late records are already counted in the {@link LateData#LATE_RECORDS_METRIC}
 * metric; route them somewhere (a dead-letter topic, a correction job) or ignore them knowingly.
 *
 * @param <R> the result type
 * @param <T> the input record type
 */
public final class WindowedOutput<R, T> {

    private final SingleOutputStreamOperator<R> results;
    private final DataStream<T> lateRecords;

    public WindowedOutput(SingleOutputStreamOperator<R> results, DataStream<T> lateRecords) {
        this.results = results;
        this.lateRecords = lateRecords;
    }

    public SingleOutputStreamOperator<R> results() {
        return results;
    }

    /** Records later than the allowed lateness for every window they belong to. */
    public DataStream<T> lateRecords() {
        return lateRecords;
    }
}
