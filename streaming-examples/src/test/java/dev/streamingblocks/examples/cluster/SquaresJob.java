package dev.streamingblocks.examples.cluster;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * A job with no dependencies beyond Flink, so a jar of its own classes runs on a bare cluster: it
 * sums the squares of 1..N into the accumulator {@value #ACCUMULATOR}, which the REST API reports.
 * Argument: N.
 */
public final class SquaresJob {

    public static final String ACCUMULATOR = "sum-of-squares";

    private SquaresJob() {}

    public static void main(String[] args) throws Exception {
        long n = Long.parseLong(args[0]);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSequence(1, n)
                .map(new SquareSum())
                .uid("square-sum")
                .name("square-sum")
                .sinkTo(new DiscardingSink<>());
        env.execute("squares");
    }

    /** Sums squares in an accumulator; Flink merges the subtasks' values. */
    static final class SquareSum extends RichMapFunction<Long, Long> {
        private transient LongCounter sum;

        @Override
        public void open(OpenContext openContext) {
            sum = new LongCounter();
            getRuntimeContext().addAccumulator(ACCUMULATOR, sum);
        }

        @Override
        public Long map(Long value) {
            long square = value * value;
            sum.add(square);
            return square;
        }
    }
}
