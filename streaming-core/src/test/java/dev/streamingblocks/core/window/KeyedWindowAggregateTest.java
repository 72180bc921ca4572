package dev.streamingblocks.core.window;

import static dev.streamingblocks.core.window.WindowHarness.at;
import static dev.streamingblocks.core.window.WindowHarness.drain;
import static dev.streamingblocks.core.window.WindowHarness.harness;
import static dev.streamingblocks.core.window.WindowHarness.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.window.WindowHarness.Tx;
import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

class KeyedWindowAggregateTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void tumblingCountFiresAtTheWindowEndWithStartAndEnd() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Tx, WindowResult<String, Long>> h =
                harness(aggregate(WindowSpec.tumbling(MINUTE), WindowAggregation.count(), Duration.ZERO)
                        .results())) {
            h.processElement(tx("a", 0, 10), t(0));
            h.processElement(tx("a", 59.999, 10), t(59.999));
            h.processElement(tx("b", 30, 10), t(30));
            h.processElement(tx("a", 60, 10), t(60));

            h.processWatermark(t(60) - 2);
            assertThat(drain(h)).isEmpty();

            h.processWatermark(t(60) - 1);
            assertThat(drain(h))
                    .containsExactlyInAnyOrder(
                            new WindowResult<>("a", at(0), at(60), 2L), new WindowResult<>("b", at(0), at(60), 1L));

            h.processWatermark(t(120) - 1);
            assertThat(drain(h)).containsExactly(new WindowResult<>("a", at(60), at(120), 1L));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void lateRecordsWithinTheAllowedLatenessUpdateTheWindowAndLaterOnesGoToTheSideOutput() throws Exception {
        WindowedOutput<WindowResult<String, Double>, Tx> output =
                aggregate(WindowSpec.tumbling(MINUTE), WindowAggregation.sum(Tx::amount), Duration.ofSeconds(10));
        try (KeyedOneInputStreamOperatorTestHarness<String, Tx, WindowResult<String, Double>> h =
                harness(output.results())) {
            h.processElement(tx("a", 5, 100), t(5));
            h.processWatermark(t(60) - 1);
            assertThat(drain(h)).containsExactly(new WindowResult<>("a", at(0), at(60), 100.0));

            h.processElement(tx("a", 20, 50), t(20)); // late, but within the 10 s allowed lateness
            assertThat(drain(h)).containsExactly(new WindowResult<>("a", at(0), at(60), 150.0));

            h.processWatermark(t(70) - 1); // window state is gone now
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();

            Tx tooLate = tx("a", 30, 7);
            h.processElement(tooLate, t(30));
            assertThat(drain(h)).isEmpty();
            assertThat(h.getSideOutput(lateTag("sum-per-minute"))).containsExactly(new StreamRecord<>(tooLate, t(30)));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void slidingSumEmitsEveryWindowARecordFallsInto() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Tx, WindowResult<String, Double>> h = harness(aggregate(
                        WindowSpec.sliding(MINUTE, Duration.ofSeconds(30)),
                        WindowAggregation.sum(Tx::amount),
                        Duration.ZERO)
                .results())) {
            h.processElement(tx("a", 10, 1), t(10));
            h.processElement(tx("a", 40, 2), t(40));

            h.processWatermark(t(90) - 1);

            assertThat(drain(h))
                    .containsExactly(
                            new WindowResult<>("a", at(-30), at(30), 1.0),
                            new WindowResult<>("a", at(0), at(60), 3.0),
                            new WindowResult<>("a", at(30), at(90), 2.0));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void minAndMaxKeepOnlyTheExtremum() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Tx, WindowResult<String, Double>> min =
                        harness(aggregate(WindowSpec.tumbling(MINUTE), WindowAggregation.min(Tx::amount), Duration.ZERO)
                                .results());
                KeyedOneInputStreamOperatorTestHarness<String, Tx, WindowResult<String, Double>> max =
                        harness(aggregate(WindowSpec.tumbling(MINUTE), WindowAggregation.max(Tx::amount), Duration.ZERO)
                                .results())) {
            for (KeyedOneInputStreamOperatorTestHarness<String, Tx, WindowResult<String, Double>> h :
                    java.util.List.of(min, max)) {
                h.processElement(tx("a", 1, 5), t(1));
                h.processElement(tx("a", 2, -3), t(2));
                h.processElement(tx("a", 3, 12), t(3));
                h.processWatermark(t(60) - 1);
            }

            assertThat(drain(min)).containsExactly(new WindowResult<>("a", at(0), at(60), -3.0));
            assertThat(drain(max)).containsExactly(new WindowResult<>("a", at(0), at(60), 12.0));
        }
    }

    @Test
    void userAggregateFunctionRunsIncrementally() throws Exception {
        WindowAggregation<Tx, Tuple2<Double, Long>, Double> average =
                WindowAggregation.of(new Average(), Types.TUPLE(Types.DOUBLE, Types.LONG), Types.DOUBLE);
        try (KeyedOneInputStreamOperatorTestHarness<String, Tx, WindowResult<String, Double>> h = harness(
                aggregate(WindowSpec.tumbling(MINUTE), average, Duration.ZERO).results())) {
            h.processElement(tx("a", 1, 1), t(1));
            h.processElement(tx("a", 2, 2), t(2));
            h.processElement(tx("a", 3, 6), t(3));
            h.processWatermark(t(60) - 1);

            assertThat(drain(h)).containsExactly(new WindowResult<>("a", at(0), at(60), 3.0));
        }
    }

    @Test
    void builderNamesTheMissingProperty() {
        assertThatThrownBy(() -> KeyedWindowAggregate.<Tx, Long>builder()
                        .setAggregation(WindowAggregation.count())
                        .setUid("u")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be set");
        assertThatThrownBy(() -> KeyedWindowAggregate.<Tx, Long>builder()
                        .setWindow(WindowSpec.tumbling(MINUTE))
                        .setUid("u")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("aggregation must be set");
        assertThatThrownBy(() -> KeyedWindowAggregate.<Tx, Long>builder()
                        .setWindow(WindowSpec.tumbling(MINUTE))
                        .setAggregation(WindowAggregation.count())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uid must be set: the window state is restored by it");
        assertThatThrownBy(() -> KeyedWindowAggregate.<Tx, Long>builder()
                        .setWindow(WindowSpec.tumbling(MINUTE))
                        .setAggregation(WindowAggregation.count())
                        .setUid("u")
                        .setAllowedLateness(Duration.ofSeconds(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowedLateness must not be negative, was PT-1S");
        assertThatThrownBy(() -> WindowSpec.sliding(MINUTE, Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slide must not exceed size, was slide PT2M and size PT1M");
        assertThatThrownBy(() -> WindowSpec.tumbling(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size must be a positive duration, was PT0S");
    }

    @Test
    void operatorsCarryStableUids() {
        WindowedOutput<WindowResult<String, Long>, Tx> output =
                aggregate(WindowSpec.tumbling(MINUTE), WindowAggregation.count(), Duration.ZERO);

        assertThat(output.results().getTransformation().getUid()).isEqualTo("count-per-minute");
        assertThat(output.lateRecords().getTransformation().getUid()).isEqualTo("count-per-minute-late-records");
    }

    private static <R> WindowedOutput<WindowResult<String, R>, Tx> aggregate(
            WindowSpec window, WindowAggregation<Tx, ?, R> aggregation, Duration allowedLateness) {
        StreamExecutionEnvironment env = WindowHarness.env();
        String uid = aggregation.resultType().equals(Types.LONG) ? "count-per-minute" : "sum-per-minute";
        return KeyedWindowAggregate.<Tx, R>builder()
                .setWindow(window)
                .setAggregation(aggregation)
                .setAllowedLateness(allowedLateness)
                .setUid(uid)
                .build()
                .apply(WindowHarness.transactions(env).keyBy(Tx::user));
    }

    private static OutputTag<Tx> lateTag(String uid) {
        return new OutputTag<>(uid + LateData.LATE_UID_SUFFIX, Types.POJO(Tx.class));
    }

    private static Tx tx(String user, double seconds, double amount) {
        return new Tx(user, t(seconds), amount);
    }

    private static final class Average implements AggregateFunction<Tx, Tuple2<Double, Long>, Double> {
        @Override
        public Tuple2<Double, Long> createAccumulator() {
            return Tuple2.of(0.0, 0L);
        }

        @Override
        public Tuple2<Double, Long> add(Tx value, Tuple2<Double, Long> acc) {
            return Tuple2.of(acc.f0 + value.amount(), acc.f1 + 1);
        }

        @Override
        public Double getResult(Tuple2<Double, Long> acc) {
            return acc.f0 / acc.f1;
        }

        @Override
        public Tuple2<Double, Long> merge(Tuple2<Double, Long> a, Tuple2<Double, Long> b) {
            return Tuple2.of(a.f0 + b.f0, a.f1 + b.f1);
        }
    }
}
