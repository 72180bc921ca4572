package dev.streamingblocks.core.window;

import dev.streamingblocks.core.window.internal.LateRecordCounter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * How windowed building blocks surface late records: through a side output, counted in the
 * {@value #LATE_RECORDS_METRIC} counter of the operator named {@code <name> late records}. Nothing is
 * dropped silently.
 *
 * <pre>{@code
 * DataStream<Order> late = LateData.counted(windowed, lateTag, "orders-per-minute");
 * }</pre>
 */
public final class LateData {

    /** The counter of late records, in the metric group of the counting operator. */
    public static final String LATE_RECORDS_METRIC = "numLateRecords";

    /** Appended to a block's uid to form the uid of its late-record counter. */
    public static final String LATE_UID_SUFFIX = "-late-records";

    private LateData() {}

    /** The side output {@code tag} of {@code operator}, passed through a counting operator. */
    public static <T> DataStream<T> counted(SingleOutputStreamOperator<?> operator, OutputTag<T> tag, String uid) {
        return operator.getSideOutput(tag)
                .process(new LateRecordCounter<T>(), tag.getTypeInfo())
                .uid(uid + LATE_UID_SUFFIX)
                .name(uid + " late records");
    }
}
