package dev.streamingblocks.core.window;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Pulls the window operator a block built out of a real job graph and drives it in a harness. */
final class WindowHarness {

    static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    private WindowHarness() {}

    static long t(double seconds) {
        return BEGINNING.toEpochMilli() + Math.round(seconds * 1000);
    }

    static Instant at(double seconds) {
        return Instant.ofEpochMilli(t(seconds));
    }

    static StreamExecutionEnvironment env() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        return StreamExecutionEnvironment.getExecutionEnvironment(config);
    }

    /** A stream of the test event type; never executed, only used to build the graph. */
    static DataStream<Tx> transactions(StreamExecutionEnvironment env) {
        return env.fromData(new Tx("a", 0L, 0.0));
    }

    /** The two-phase block summing amounts per user, as a user builds it, on a graph that is never executed. */
    static WindowedOutput<WindowResult<String, Double>, Tx> preAggregatedSum(
            WindowSpec spec, Duration lateness, String uid) {
        return KeyedWindowAggregate.<Tx, Double>builder()
                .setWindow(spec)
                .setAggregation(WindowAggregation.sum(Tx::amount))
                .setAllowedLateness(lateness)
                .setUid(uid)
                .build()
                .apply(transactions(env()), Tx::user);
    }

    @SuppressWarnings("unchecked")
    static <K, IN, OUT> KeyedOneInputStreamOperatorTestHarness<K, IN, OUT> harness(
            SingleOutputStreamOperator<OUT> operator) throws Exception {
        OneInputTransformation<IN, OUT> transformation = (OneInputTransformation<IN, OUT>) operator.getTransformation();
        KeyedOneInputStreamOperatorTestHarness<K, IN, OUT> harness = new KeyedOneInputStreamOperatorTestHarness<>(
                transformation.getOperatorFactory(),
                (KeySelector<IN, K>) transformation.getStateKeySelector(),
                (TypeInformation<K>) transformation.getStateKeyType());
        harness.open();
        return harness;
    }

    static <OUT> List<OUT> drain(KeyedOneInputStreamOperatorTestHarness<?, ?, OUT> harness) {
        List<OUT> values = harness.extractOutputValues();
        harness.getOutput().clear();
        return values;
    }

    /** The test event: a user's transaction. */
    public record Tx(String user, long time, double amount) {}
}
