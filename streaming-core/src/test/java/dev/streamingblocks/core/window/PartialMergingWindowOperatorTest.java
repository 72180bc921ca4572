package dev.streamingblocks.core.window;

import static dev.streamingblocks.core.window.WindowHarness.at;
import static dev.streamingblocks.core.window.WindowHarness.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.streamingblocks.core.window.WindowHarness.Tx;
import dev.streamingblocks.core.window.internal.PartialKeySelector;
import dev.streamingblocks.core.window.internal.PartialMergingAggregate;
import dev.streamingblocks.core.window.internal.PartialMergingWindowOperator;
import dev.streamingblocks.core.window.internal.PartialWindowAssigner;
import dev.streamingblocks.core.window.internal.ResultWindowFunction;
import dev.streamingblocks.core.window.internal.WindowPartial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link PartialMergingWindowOperator}, the keyed half of {@link KeyedWindowAggregate#apply(
 * org.apache.flink.streaming.api.datastream.DataStream, KeySelector)}, against what that method built
 * before it: Flink's {@link WindowOperator} with the {@link PartialWindowAssigner}, allowed lateness and
 * late side output. Same output (values, timestamps, order against watermarks), same late records,
 * same state and timers, and savepoints of either restore into the other.
 */
class PartialMergingWindowOperatorTest {

    private static final String UID = "sum-merge";
    private static final TypeInformation<Either<WindowPartial<String, Double>, Tx>> ENVELOPE =
            WindowPartial.envelopeType(Types.STRING, Types.DOUBLE, Types.POJO(Tx.class));
    private static final OutputTag<Either<WindowPartial<String, Double>, Tx>> LATE =
            new OutputTag<>(UID + LateData.LATE_UID_SUFFIX, ENVELOPE);
    private static final String[] KEYS = {"a", "b", "c", "d", "e", "f"};
    private static final int MAX_PARALLELISM = 16;

    private static final int SEEDS = 150;
    private static final int STEPS = 250;

    enum Kind {
        FLINK,
        MERGING
    }

    private enum Backend {
        HEAP,
        ROCKSDB
    }

    @Test
    void theBlockRunsTheMergingOperatorUnderItsUidChainedAsTheWindowWas() {
        SingleOutputStreamOperator<WindowResult<String, Double>> results =
                block(WindowSpec.tumbling(Duration.ofMinutes(1)), Duration.ZERO);
        SingleOutputStreamOperator<WindowResult<String, Double>> before =
                flinkWindow(WindowSpec.tumbling(Duration.ofMinutes(1)), Duration.ZERO);
        assertThat(operator(results)).isInstanceOf(PartialMergingWindowOperator.class);
        assertThat(results.getTransformation().getUid()).isEqualTo(UID);
        assertThat(results.getName()).isEqualTo(UID);
        assertThat(operator(before)).isInstanceOf(WindowOperator.class);
        // A sink after it chains as it did after the WindowOperator.
        assertThat(factory(results).getChainingStrategy())
                .isEqualTo(factory(before).getChainingStrategy());
    }

    /** Fires at the watermark, again for each late record within the lateness, clears at the lateness. */
    @ParameterizedTest(name = "state of {0} restored into {1}")
    @CsvSource({
        "MERGING, MERGING, HEAP",
        "FLINK, MERGING, HEAP",
        "MERGING, FLINK, HEAP",
        "FLINK, FLINK, HEAP",
        "MERGING, MERGING, ROCKSDB",
        "FLINK, MERGING, ROCKSDB",
        "MERGING, FLINK, ROCKSDB"
    })
    void firesUpdatesAndClearsAsFlinksWindowAlsoAcrossASavepoint(Kind before, Kind after, Backend backend)
            throws Exception {
        WindowSpec minute = WindowSpec.tumbling(Duration.ofMinutes(1));
        Duration lateness = Duration.ofSeconds(10);
        OperatorSubtaskState savepoint;
        try (Harness h = harness(before, minute, lateness, null, backend)) {
            h.processElement(partial("a", 0, 60, 10.0), t(60) - 1);
            h.processElement(record("a", 30, 5.0), t(30));
            h.processElement(partial("b", 60, 120, 7.0), t(120) - 1);
            h.processWatermark(t(30));
            assertThat(new ArrayList<>(h.getOutput())).containsExactly(new Watermark(t(30)));
            // Per window: a timer at its end, one at its end plus the lateness.
            assertThat(h.numEventTimeTimers()).isEqualTo(4);
            assertThat(stateEntries(h)).isEqualTo(2);
            savepoint = h.snapshot(1, 1);
        }
        try (Harness h = harness(after, minute, lateness, savepoint, backend)) {
            assertThat(h.numEventTimeTimers()).isEqualTo(4);
            h.processElement(record("a", 40, 1.0), t(40));
            h.processWatermark(t(60) - 1);
            assertThat(output(h))
                    .containsExactly(
                            new StreamRecord<>(new WindowResult<>("a", at(0), at(60), 16.0), t(60) - 1),
                            new Watermark(t(60) - 1));

            h.processElement(record("a", 50, 100.0), t(50)); // within the lateness: fires with the update
            assertThat(output(h))
                    .containsExactly(new StreamRecord<>(new WindowResult<>("a", at(0), at(60), 116.0), t(60) - 1));

            h.processWatermark(t(70) - 1); // [0, 60) is cleared
            assertThat(output(h)).containsExactly(new Watermark(t(70) - 1));
            assertThat(stateEntries(h)).isEqualTo(1);
            Either<WindowPartial<String, Double>, Tx> tooLate = record("a", 20, 9.0);
            Either<WindowPartial<String, Double>, Tx> latePartial = partial("a", 0, 60, 3.0);
            h.processElement(tooLate, t(20));
            h.processElement(latePartial, t(60) - 1);
            assertThat(output(h)).isEmpty();
            assertThat(sideOutput(h))
                    .containsExactly(new StreamRecord<>(tooLate, t(20)), new StreamRecord<>(latePartial, t(60) - 1));

            h.processWatermark(t(130) - 1);
            assertThat(output(h))
                    .containsExactly(
                            new StreamRecord<>(new WindowResult<>("b", at(60), at(120), 7.0), t(120) - 1),
                            new Watermark(t(130) - 1));
            assertThat(stateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    /**
     * A restored operator starts from no watermark, so a record for a window that had fired before the
     * snapshot (its state kept for the lateness) is not a late firing but fires at the next watermark,
     * as in Flink's window: its end timer must be registered again although the state exists.
     */
    @ParameterizedTest(name = "state of {0} restored into {1}")
    @CsvSource({"MERGING, MERGING", "FLINK, MERGING"})
    void aRestoredWindowThatHadFiredFiresAgainAtTheNextWatermark(Kind before, Kind after) throws Exception {
        WindowSpec minute = WindowSpec.tumbling(Duration.ofMinutes(1));
        Duration lateness = Duration.ofSeconds(10);
        OperatorSubtaskState savepoint;
        try (Harness h = harness(before, minute, lateness, null)) {
            h.processElement(record("a", 30, 5.0), t(30));
            h.processWatermark(t(61));
            assertThat(output(h))
                    .containsExactly(
                            new StreamRecord<>(new WindowResult<>("a", at(0), at(60), 5.0), t(60) - 1),
                            new Watermark(t(61)));
            savepoint = h.snapshot(1, 1);
        }
        try (Harness h = harness(after, minute, lateness, savepoint)) {
            h.processElement(record("a", 40, 1.0), t(40));
            assertThat(output(h)).isEmpty();
            h.processWatermark(t(62));
            assertThat(output(h))
                    .containsExactly(
                            new StreamRecord<>(new WindowResult<>("a", at(0), at(60), 6.0), t(60) - 1),
                            new Watermark(t(62)));
            h.processElement(record("a", 41, 1.0), t(41)); // from now on a late firing, at once
            assertThat(output(h))
                    .containsExactly(new StreamRecord<>(new WindowResult<>("a", at(0), at(60), 7.0), t(60) - 1));
            h.processWatermark(t(70) - 1);
            assertThat(output(h)).containsExactly(new Watermark(t(70) - 1));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aRecordOfASlidingWindowGoesIntoEachOfItsWindowsAndIsLateOnlyWhenAllAreCleared() throws Exception {
        WindowSpec sliding = WindowSpec.sliding(Duration.ofMinutes(1), Duration.ofSeconds(30));
        try (Harness h = harness(Kind.MERGING, sliding, Duration.ZERO, null)) {
            h.processWatermark(t(60) - 1);
            h.getOutput().clear();
            h.processElement(record("a", 45, 2.0), t(45)); // [0, 60) is closed, [30, 90) open
            h.processElement(record("a", 10, 4.0), t(10)); // [-30, 30) and [0, 60) closed: late
            h.processWatermark(t(90) - 1);
            assertThat(output(h))
                    .containsExactly(
                            new StreamRecord<>(new WindowResult<>("a", at(30), at(90), 2.0), t(90) - 1),
                            new Watermark(t(90) - 1));
            assertThat(sideOutput(h)).containsExactly(new StreamRecord<>(record("a", 10, 4.0), t(10)));
        }
    }

    @Test
    void aRecordWithoutTimestampFailsAsInFlinksWindow() throws Exception {
        WindowSpec minute = WindowSpec.tumbling(Duration.ofMinutes(1));
        try (var merging = harness(Kind.MERGING, minute, Duration.ZERO, null);
                var flink = harness(Kind.FLINK, minute, Duration.ZERO, null)) {
            Throwable expected = catchThrowable(() -> flink.processElement(new StreamRecord<>(record("a", 1, 1.0))));
            assertThat(expected).isNotNull();
            assertThatThrownBy(() -> merging.processElement(new StreamRecord<>(record("a", 1, 1.0))))
                    .isInstanceOf(expected.getClass())
                    .hasMessage(expected.getMessage());
        }
    }

    /**
     * Random partials and records, on time, late within the lateness and beyond it, random watermarks,
     * tumbling and sliding windows, with and without lateness, and at random points a snapshot restored
     * into new operators (the old window's state into the new operator and the reverse included):
     * after every step both give the same output, in the same order, the same late records and hold as
     * many state entries and timers.
     */
    @Test
    void randomInputGivesWhatFlinksWindowGives() throws Exception {
        int restores = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            restores += new Scenario(seed).run();
        }
        assertThat(restores).isGreaterThan(SEEDS); // restores did happen, several per seed on average
    }

    private static final class Scenario {
        private final long seed;
        private final Random random;
        private final WindowSpec spec;
        private final long size;
        private final long slide;
        private final Duration lateness;
        private final SingleOutputStreamOperator<WindowResult<String, Double>> mergingGraph;
        private final SingleOutputStreamOperator<WindowResult<String, Double>> flinkGraph;
        private Harness merging;
        private Harness flink;
        private long watermark = t(0);
        private int step;

        Scenario(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.slide = 2 + random.nextInt(9);
            if (random.nextBoolean()) {
                this.size = slide;
                this.spec = WindowSpec.tumbling(Duration.ofMillis(size));
            } else {
                this.size = slide * (1 + random.nextInt(3)) + random.nextInt((int) slide);
                this.spec = WindowSpec.sliding(Duration.ofMillis(size), Duration.ofMillis(slide));
            }
            this.lateness = Duration.ofMillis(random.nextBoolean() ? 0 : 1 + random.nextInt((int) (2 * size)));
            this.mergingGraph = graph(Kind.MERGING, spec, lateness);
            this.flinkGraph = graph(Kind.FLINK, spec, lateness);
        }

        int run() throws Exception {
            int restores = 0;
            merging = harness(mergingGraph, null);
            flink = harness(flinkGraph, null);
            try {
                for (step = 0; step < STEPS; step++) {
                    int action = random.nextInt(100);
                    if (action < 45) {
                        long time = nearWatermark();
                        both(record(KEYS[random.nextInt(KEYS.length)], time), time);
                    } else if (action < 75) {
                        long start = TimeWindow.getWindowStartWithOffset(nearWatermark(), 0, slide)
                                - slide * random.nextInt((int) ((size + slide - 1) / slide));
                        long end = start + size;
                        long time = random.nextInt(10) == 0 ? start + random.nextInt((int) size) : end - 1;
                        both(
                                Either.Left(
                                        new WindowPartial<>(KEYS[random.nextInt(KEYS.length)], start, end, amount())),
                                time);
                    } else if (action < 99) {
                        watermark += random.nextInt((int) (2 * size));
                        merging.processWatermark(watermark);
                        flink.processWatermark(watermark);
                    } else {
                        restore();
                        restores++;
                    }
                    compare();
                }
                merging.processWatermark(Long.MAX_VALUE);
                flink.processWatermark(Long.MAX_VALUE);
                compare();
                assertThat(merging.numKeyedStateEntries()).as(context()).isZero();
                assertThat(merging.numEventTimeTimers()).as(context()).isZero();
            } finally {
                merging.close();
                flink.close();
            }
            return restores;
        }

        /** From before the oldest window that may still be open to well after the watermark. */
        private long nearWatermark() {
            return watermark - size - lateness.toMillis() - 2 + random.nextInt((int) (3 * size + lateness.toMillis()));
        }

        private Either<WindowPartial<String, Double>, Tx> record(String key, long time) {
            return Either.Right(new Tx(key, time, amount()));
        }

        private double amount() {
            // Whole numbers: sums are exact, whatever the order of additions.
            return 1 + random.nextInt(100);
        }

        private void both(Either<WindowPartial<String, Double>, Tx> value, long time) throws Exception {
            merging.processElement(value, time);
            flink.processElement(value, time);
        }

        /** Snapshots both; each restores its own state or, at random, the other's. */
        private void restore() throws Exception {
            OperatorSubtaskState mergingState = merging.snapshot(step, step);
            OperatorSubtaskState flinkState = flink.snapshot(step, step);
            merging.close();
            flink.close();
            int direction = random.nextInt(3);
            merging = harness(mergingGraph, direction == 1 ? flinkState : mergingState);
            flink = harness(flinkGraph, direction == 2 ? mergingState : flinkState);
        }

        private void compare() {
            assertThat(output(merging)).as(context()).isEqualTo(output(flink));
            assertThat(sideOutput(merging)).as(context()).isEqualTo(sideOutput(flink));
            assertThat(merging.numKeyedStateEntries()).as(context()).isEqualTo(flink.numKeyedStateEntries());
            assertThat(merging.numEventTimeTimers()).as(context()).isEqualTo(flink.numEventTimeTimers());
        }

        private String context() {
            return "seed " + seed + ", step " + step + ", " + spec + ", lateness " + lateness;
        }
    }

    /** The keyed window as {@code applyPreAggregated} built it before this operator: Flink's WindowOperator. */
    private static SingleOutputStreamOperator<WindowResult<String, Double>> flinkWindow(
            WindowSpec spec, Duration lateness) {
        StreamExecutionEnvironment env = WindowHarness.env();
        AggregateFunction<Tx, Double, Double> sum =
                WindowAggregation.<Tx>sum(Tx::amount).function();
        return WindowHarness.transactions(env)
                .map(tx -> Either.<WindowPartial<String, Double>, Tx>Right(tx), ENVELOPE)
                .keyBy(new PartialKeySelector<Tx, String, Double>(Tx::user), Types.STRING)
                .window(new PartialWindowAssigner<Tx, String, Double>(spec.assigner()))
                .allowedLateness(lateness)
                .sideOutputLateData(LATE)
                .aggregate(
                        new PartialMergingAggregate<Tx, String, Double, Double>(sum),
                        new ResultWindowFunction<String, Double>(),
                        Types.DOUBLE,
                        Types.DOUBLE,
                        WindowResult.typeInfo(Types.STRING, Types.DOUBLE))
                .uid(UID)
                .name(UID);
    }

    private static SingleOutputStreamOperator<WindowResult<String, Double>> block(WindowSpec spec, Duration lateness) {
        return WindowHarness.preAggregatedSum(spec, lateness, UID).results();
    }

    private static SimpleOperatorFactory<?> factory(SingleOutputStreamOperator<?> results) {
        return (SimpleOperatorFactory<?>)
                ((OneInputTransformation<?, ?>) results.getTransformation()).getOperatorFactory();
    }

    private static Object operator(SingleOutputStreamOperator<?> results) {
        return ((SimpleOperatorFactory<?>)
                        ((OneInputTransformation<?, ?>) results.getTransformation()).getOperatorFactory())
                .getOperator();
    }

    static Harness harness(Kind kind, WindowSpec spec, Duration lateness, OperatorSubtaskState restored)
            throws Exception {
        return harness(kind, spec, lateness, restored, Backend.HEAP);
    }

    private static Harness harness(
            Kind kind, WindowSpec spec, Duration lateness, OperatorSubtaskState restored, Backend backend)
            throws Exception {
        return harness(graph(kind, spec, lateness), restored, backend);
    }

    private static SingleOutputStreamOperator<WindowResult<String, Double>> graph(
            Kind kind, WindowSpec spec, Duration lateness) {
        return kind == Kind.MERGING ? block(spec, lateness) : flinkWindow(spec, lateness);
    }

    /** A fresh copy of the graph's operator per harness, as a job has per subtask and per restore. */
    @SuppressWarnings("unchecked")
    private static Harness harness(
            SingleOutputStreamOperator<WindowResult<String, Double>> graph, OperatorSubtaskState restored)
            throws Exception {
        return harness(graph, restored, Backend.HEAP);
    }

    @SuppressWarnings("unchecked")
    private static Harness harness(
            SingleOutputStreamOperator<WindowResult<String, Double>> graph,
            OperatorSubtaskState restored,
            Backend backend)
            throws Exception {
        OneInputTransformation<Either<WindowPartial<String, Double>, Tx>, WindowResult<String, Double>> transformation =
                (OneInputTransformation<Either<WindowPartial<String, Double>, Tx>, WindowResult<String, Double>>)
                        graph.getTransformation();
        Harness h = new Harness(
                InstantiationUtil.clone((OneInputStreamOperator<
                                Either<WindowPartial<String, Double>, Tx>, WindowResult<String, Double>>)
                        operator(graph)),
                (KeySelector<Either<WindowPartial<String, Double>, Tx>, String>) transformation.getStateKeySelector());
        if (backend == Backend.ROCKSDB) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    /** The keyed window under test, over several key groups so timers of one time come from several queues. */
    static final class Harness
            extends KeyedOneInputStreamOperatorTestHarness<
                    String, Either<WindowPartial<String, Double>, Tx>, WindowResult<String, Double>> {
        Harness(
                OneInputStreamOperator<Either<WindowPartial<String, Double>, Tx>, WindowResult<String, Double>>
                        operator,
                KeySelector<Either<WindowPartial<String, Double>, Tx>, String> key)
                throws Exception {
            super(operator, key, Types.STRING, MAX_PARALLELISM, 1, 0);
        }
    }

    /** Windows with state, of any key, in either backend. */
    private static long stateEntries(Harness h) throws Exception {
        try (Stream<?> windows = ((AbstractStreamOperator<?>) h.getOneInputOperator())
                .getKeyedStateBackend()
                .getKeysAndNamespaces(PartialMergingWindowOperator.WINDOW_STATE_NAME)) {
            return windows.count();
        }
    }

    /** Results and watermarks since the last call, in order. */
    private static List<Object> output(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) {
        List<Object> out = new ArrayList<>(h.getOutput());
        h.getOutput().clear();
        return out;
    }

    private static List<StreamRecord<Either<WindowPartial<String, Double>, Tx>>> sideOutput(
            KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) {
        Queue<StreamRecord<Either<WindowPartial<String, Double>, Tx>>> late = h.getSideOutput(LATE);
        if (late == null) {
            return List.of();
        }
        List<StreamRecord<Either<WindowPartial<String, Double>, Tx>>> out = new ArrayList<>(late);
        late.clear();
        return out;
    }

    private static Either<WindowPartial<String, Double>, Tx> partial(
            String key, int startSeconds, int endSeconds, double sum) {
        return Either.Left(new WindowPartial<>(key, t(startSeconds), t(endSeconds), sum));
    }

    private static Either<WindowPartial<String, Double>, Tx> record(String key, double seconds, double amount) {
        return Either.Right(new Tx(key, t(seconds), amount));
    }
}
