package dev.streamingblocks.core.window;

import static dev.streamingblocks.core.window.WindowHarness.at;
import static dev.streamingblocks.core.window.WindowHarness.drain;
import static dev.streamingblocks.core.window.WindowHarness.harness;
import static dev.streamingblocks.core.window.WindowHarness.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.testutils.CapturedOperatorMetrics;
import dev.streamingblocks.core.window.WindowHarness.Tx;
import dev.streamingblocks.core.window.internal.LateRecordCounter;
import java.time.Duration;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

class ThresholdDetectorTest {

    private static final String UID = "large-transaction-bursts";
    private static final double LARGE = 1000.0;

    @Test
    void emitsOnceWhenAtLeastNMatchingRecordsFallInTheWindow() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Tx, ThresholdBreach<String>> h =
                harness(detector(Duration.ZERO).results())) {
            h.processElement(tx("a", 1, 1000.00), t(1)); // exactly at the threshold: does not match
            h.processElement(tx("a", 2, 1000.01), t(2));
            h.processElement(tx("a", 3, 5000), t(3));
            h.processElement(tx("a", 59.999, 2000), t(59.999));
            h.processElement(tx("a", 58, 4000), t(58)); // 4th match in the same window
            h.processElement(tx("b", 10, 2000), t(10));
            h.processElement(tx("b", 11, 2000), t(11));
            h.processElement(tx("b", 60, 2000), t(60)); // next window: b never reaches 3

            h.processWatermark(t(120) - 1);

            assertThat(drain(h)).containsExactly(new ThresholdBreach<>("a", at(0), at(60), 4L));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aLateRecordWithinTheAllowedLatenessCanCompleteAWindowButNeverEmitsTwice() throws Exception {
        WindowedOutput<ThresholdBreach<String>, Tx> output = detector(Duration.ofSeconds(10));
        try (KeyedOneInputStreamOperatorTestHarness<String, Tx, ThresholdBreach<String>> h =
                harness(output.results())) {
            h.processElement(tx("a", 1, 2000), t(1));
            h.processElement(tx("a", 2, 2000), t(2));
            h.processWatermark(t(60) - 1);
            assertThat(drain(h)).isEmpty();

            h.processElement(tx("a", 3, 2000), t(3)); // late, within lateness: completes the burst
            assertThat(drain(h)).containsExactly(new ThresholdBreach<>("a", at(0), at(60), 3L));

            h.processElement(tx("a", 4, 2000), t(4)); // fires the window again: no second breach
            assertThat(drain(h)).isEmpty();

            h.processWatermark(t(70) - 1);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();

            Tx tooLate = tx("a", 5, 2000);
            h.processElement(tooLate, t(5));
            assertThat(drain(h)).isEmpty();
            assertThat(h.getSideOutput(new OutputTag<>(UID + LateData.LATE_UID_SUFFIX, Types.POJO(Tx.class))))
                    .containsExactly(new StreamRecord<>(tooLate, t(5)));
        }
    }

    @Test
    void lateRecordCounterCountsEveryRecordItForwards() throws Exception {
        try (CapturedOperatorMetrics metrics = new CapturedOperatorMetrics();
                OneInputStreamOperatorTestHarness<Tx, Tx> h = new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new LateRecordCounter<Tx>()), metrics.environment(1, 1, 0))) {
            h.open();
            h.processElement(tx("a", 1, 1), t(1));
            h.processElement(tx("b", 2, 2), t(2));

            assertThat(metrics.counter(LateData.LATE_RECORDS_METRIC)).isEqualTo(2L);
            assertThat(h.extractOutputValues()).containsExactly(tx("a", 1, 1), tx("b", 2, 2));
        }
    }

    @Test
    void resultTypesSerializeWithoutKryo() throws Exception {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        ThresholdBreach<String> breach = new ThresholdBreach<>("a", at(0), at(60), 3L);
        WindowResult<String, Double> result = new WindowResult<>("a", at(0), at(60), 1.5);

        assertThat(roundTrip(ThresholdBreach.typeInfo(Types.STRING).createSerializer(config), breach))
                .isEqualTo(breach);
        assertThat(roundTrip(WindowResult.typeInfo(Types.STRING, Types.DOUBLE).createSerializer(config), result))
                .isEqualTo(result);
    }

    @Test
    void builderNamesTheOffendingProperty() {
        assertThatThrownBy(() -> ThresholdDetector.<Tx>builder()
                        .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                        .setPredicate(tx -> true)
                        .setMinCount(0)
                        .setUid(UID)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minCount must be at least 1, was 0");
        assertThatThrownBy(() -> ThresholdDetector.<Tx>builder()
                        .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                        .setMinCount(3)
                        .setUid(UID)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("predicate must be set");
        assertThatThrownBy(() -> ThresholdDetector.<Tx>builder()
                        .setPredicate(tx -> true)
                        .setMinCount(3)
                        .setUid(UID)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be set");
        assertThatThrownBy(() -> ThresholdDetector.<Tx>builder()
                        .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                        .setPredicate(tx -> true)
                        .setMinCount(3)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uid must be set: the window state is restored by it");
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static WindowedOutput<ThresholdBreach<String>, Tx> detector(Duration allowedLateness) {
        StreamExecutionEnvironment env = WindowHarness.env();
        return ThresholdDetector.<Tx>builder()
                .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                .setPredicate(tx -> tx.amount() > LARGE)
                .setMinCount(3)
                .setAllowedLateness(allowedLateness)
                .setUid(UID)
                .build()
                .apply(WindowHarness.transactions(env).keyBy(Tx::user));
    }

    private static Tx tx(String user, double seconds, double amount) {
        return new Tx(user, t(seconds), amount);
    }
}
