package dev.streamingblocks.core.window;

import static dev.streamingblocks.core.window.WindowHarness.at;
import static dev.streamingblocks.core.window.WindowHarness.drain;
import static dev.streamingblocks.core.window.WindowHarness.harness;
import static dev.streamingblocks.core.window.WindowHarness.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.window.WindowHarness.Tx;
import dev.streamingblocks.core.window.internal.LatePartialCounter;
import dev.streamingblocks.core.window.internal.LocalWindowPreAggregator;
import dev.streamingblocks.core.window.internal.WindowPartial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.Either;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyedWindowAggregate#apply(DataStream, org.apache.flink.api.java.functions.KeySelector)}: the
 * pre-aggregation and the window operator taken from a real job graph, driven in harnesses, against
 * the one-phase window of {@link KeyedWindowAggregate#apply(org.apache.flink.streaming.api.datastream.KeyedStream)}.
 */
class PreAggregatedWindowTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final String UID = "sum-per-minute";
    private static final TypeInformation<Either<WindowPartial<String, Double>, Tx>> ENVELOPE =
            WindowPartial.envelopeType(Types.STRING, Types.DOUBLE, Types.POJO(Tx.class));

    @Test
    void partialsLeaveBeforeTheWatermarkThatPassesTheirWindowAndNotBefore() throws Exception {
        try (OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre =
                preAggregator(blocks(WindowSpec.tumbling(MINUTE), Duration.ZERO))) {
            pre.processElement(tx("a", 0, 10), t(0));
            pre.processElement(tx("a", 30, 5), t(30));
            pre.processElement(tx("b", 20, 7), t(20));
            pre.processElement(tx("a", 61, 1), t(61));

            pre.processWatermark(t(60) - 2);
            assertThat(new ArrayList<Object>(pre.getOutput())).containsExactly(new Watermark(t(60) - 2));
            pre.getOutput().clear();

            pre.processWatermark(t(60) - 1);
            List<Object> out = new ArrayList<>(pre.getOutput());
            assertThat(out.subList(0, 2))
                    .containsExactlyInAnyOrder(
                            partial("a", 0, 60, 15.0, t(60) - 1), partial("b", 0, 60, 7.0, t(60) - 1));
            assertThat(out.get(2)).isEqualTo(new Watermark(t(60) - 1)); // after the partials
            assertThat(out).hasSize(3);
            assertThat(openEntries(pre)).isEqualTo(1); // a's second minute
        }
    }

    @Test
    void aRecordOfAWindowThisSubtaskHasPassedGoesOnUnchanged() throws Exception {
        try (OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre =
                preAggregator(blocks(WindowSpec.tumbling(MINUTE), Duration.ZERO))) {
            pre.processWatermark(t(60) - 1);
            pre.getOutput().clear();
            Tx late = tx("a", 30, 5);
            pre.processElement(late, t(30));
            assertThat(new ArrayList<Object>(pre.getOutput()))
                    .containsExactly(new StreamRecord<>(Either.Right(late), t(30)));
            assertThat(openEntries(pre)).isZero();
        }
    }

    @Test
    void slidingRecordsGoIntoAPartialOfEachOfTheirWindows() throws Exception {
        try (OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre =
                preAggregator(blocks(WindowSpec.sliding(MINUTE, Duration.ofSeconds(30)), Duration.ZERO))) {
            pre.processElement(tx("a", 45, 10), t(45));
            pre.processElement(tx("a", 50, 1), t(50));
            pre.processElement(tx("a", 70, 100), t(70));
            pre.processWatermark(t(60) - 1);
            assertThat(pre.extractOutputStreamRecords()).containsExactly(partial("a", 0, 60, 11.0, t(60) - 1));
            pre.getOutput().clear();
            pre.processWatermark(t(90) - 1);
            assertThat(pre.extractOutputStreamRecords()).containsExactly(partial("a", 30, 90, 111.0, t(90) - 1));
            assertThat(openEntries(pre)).isEqualTo(1); // [60, 120)
        }
    }

    @Test
    void twoPhaseGivesTheResultsAndLateRecordsOfOnePhaseAlsoWhenOnlyOneSubtaskIsPastTheWindow() throws Exception {
        // Two pre-aggregating subtasks feed the window, which sees the lower of their watermarks.
        WindowedOutput<WindowResult<String, Double>, Tx> twoPhase =
                blocks(WindowSpec.tumbling(MINUTE), Duration.ofSeconds(10));
        WindowedOutput<WindowResult<String, Double>, Tx> onePhase = onePhase(Duration.ofSeconds(10));
        try (OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> fast =
                        preAggregator(twoPhase);
                OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> slow =
                        preAggregator(twoPhase);
                KeyedOneInputStreamOperatorTestHarness<
                                String, Either<WindowPartial<String, Double>, Tx>, WindowResult<String, Double>>
                        window = harness(twoPhase.results());
                KeyedOneInputStreamOperatorTestHarness<String, Tx, WindowResult<String, Double>> reference =
                        harness(onePhase.results())) {
            Runner run = new Runner(fast, slow, window, reference);
            run.record(fast, tx("a", 5, 100));
            run.record(slow, tx("a", 10, 1));
            run.record(slow, tx("b", 15, 2));
            run.watermark(fast, t(70)); // fast is past [0, 60) and its lateness; the window is not
            run.record(fast, tx("a", 40, 1000)); // late at fast, on time at the window
            run.watermark(slow, t(30));
            assertThat(run.results()).isEmpty();

            run.watermark(slow, t(60) - 1); // the window fires [0, 60)
            assertThat(run.results())
                    .containsExactlyInAnyOrder(
                            new WindowResult<>("a", at(0), at(60), 1101.0),
                            new WindowResult<>("b", at(0), at(60), 2.0));

            run.record(slow, tx("b", 50, 3)); // within the allowed lateness: fires again
            assertThat(run.results()).containsExactly(new WindowResult<>("b", at(0), at(60), 5.0));

            run.watermark(slow, t(70) - 1); // [0, 60) is closed now
            Tx tooLate = tx("a", 20, 9);
            run.record(slow, tooLate);
            run.record(fast, tx("a", 75, 4));
            assertThat(run.results()).isEmpty();
            assertThat(window.getSideOutput(envelopeLateTag()))
                    .containsExactly(new StreamRecord<>(Either.Right(tooLate), t(20)));
            assertThat(reference.getSideOutput(lateTag())).containsExactly(new StreamRecord<>(tooLate, t(20)));

            run.watermark(fast, t(130) - 1);
            run.watermark(slow, t(130) - 1);
            assertThat(run.results()).containsExactly(new WindowResult<>("a", at(60), at(120), 4.0));
            assertThat(window.numKeyedStateEntries()).isZero();
            assertThat(window.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aCheckpointSendsWhatIsOpenSoNothingIsLostOrCountedTwiceAfterRestore() throws Exception {
        WindowedOutput<WindowResult<String, Double>, Tx> blocks = blocks(WindowSpec.tumbling(MINUTE), Duration.ZERO);
        OperatorSubtaskState preState;
        OperatorSubtaskState windowState;
        try (OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre =
                        preAggregator(blocks);
                KeyedOneInputStreamOperatorTestHarness<
                                String, Either<WindowPartial<String, Double>, Tx>, WindowResult<String, Double>>
                        window = harness(blocks.results())) {
            pre.processElement(tx("a", 1, 10), t(1));
            pre.processElement(tx("a", 2, 20), t(2));
            pre.prepareSnapshotPreBarrier(1);
            assertThat(pre.extractOutputStreamRecords()).containsExactly(partial("a", 0, 60, 30.0, t(60) - 1));
            assertThat(openEntries(pre)).isZero();
            feed(pre, window);
            preState = pre.snapshot(1, 1);
            windowState = window.snapshot(1, 1);
            // Records after the barrier: replayed from the source after a restore, not part of this checkpoint.
            pre.processElement(tx("a", 3, 999), t(3));
        }
        try (OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre =
                        preAggregator(blocks, preState);
                KeyedOneInputStreamOperatorTestHarness<
                                String, Either<WindowPartial<String, Double>, Tx>, WindowResult<String, Double>>
                        window = restoredHarness(blocks.results(), windowState)) {
            assertThat(openEntries(pre)).isZero();
            pre.processElement(tx("a", 3, 5), t(3));
            pre.processWatermark(t(60) - 1);
            feed(pre, window);
            window.processWatermark(t(60) - 1);
            assertThat(drain(window)).containsExactly(new WindowResult<>("a", at(0), at(60), 35.0));
        }
    }

    @Test
    void anIdleInputSendsWhatIsOpenAndFromThenOnPassesRecordsOn() throws Exception {
        try (OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre =
                preAggregator(blocks(WindowSpec.tumbling(MINUTE), Duration.ZERO))) {
            pre.processElement(tx("a", 1, 10), t(1));
            pre.processWatermarkStatus(WatermarkStatus.IDLE);
            assertThat(new ArrayList<Object>(pre.getOutput()))
                    .containsExactly(partial("a", 0, 60, 10.0, t(60) - 1), WatermarkStatus.IDLE);
            pre.getOutput().clear();
            pre.processWatermarkStatus(WatermarkStatus.ACTIVE);
            Tx next = tx("a", 2, 1);
            pre.processElement(next, t(2));
            assertThat(pre.extractOutputStreamRecords()).containsExactly(new StreamRecord<>(Either.Right(next), t(2)));
            assertThat(openEntries(pre)).isZero();
        }
    }

    @Test
    void theEndOfInputSendsWhatIsOpen() throws Exception {
        try (OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre =
                preAggregator(blocks(WindowSpec.tumbling(MINUTE), Duration.ZERO))) {
            pre.processElement(tx("a", 1, 10), t(1));
            pre.getOneInputOperator().finish();
            assertThat(pre.extractOutputStreamRecords()).containsExactly(partial("a", 0, 60, 10.0, t(60) - 1));
        }
    }

    @Test
    void latePartialsFailLoudlyAndLateRecordsAreUnwrappedAndCounted() throws Exception {
        Tx late = tx("a", 1, 10);
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new LatePartialCounter<Tx, String, Double>())) {
            h.processElement(Either.Right(late), t(1));
            assertThat(h.extractOutputValues()).containsExactly(late);
            assertThatThrownBy(() -> h.processElement(Either.Left(new WindowPartial<>("a", 0L, 60_000L, 1.0)), 59_999))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "The partial aggregate of key a for the window [0, 60000) arrived after the window closed");
        }
    }

    @Test
    void theOperatorsKeepTheirUidsAndTheKeyTypeIsExtractedFromTheSelector() {
        WindowedOutput<WindowResult<String, Double>, Tx> blocks = blocks(WindowSpec.tumbling(MINUTE), Duration.ZERO);
        assertThat(blocks.results().getTransformation().getUid()).isEqualTo(UID);
        assertThat(preAggregation(blocks).getUid()).isEqualTo(UID + KeyedWindowAggregate.PRE_AGGREGATE_UID_SUFFIX);
        assertThat(blocks.lateRecords().getTransformation().getUid()).isEqualTo(UID + LateData.LATE_UID_SUFFIX);
        assertThat(blocks.lateRecords().getType()).isEqualTo(Types.POJO(Tx.class));
        assertThat(blocks.results().getType()).isEqualTo(WindowResult.typeInfo(Types.STRING, Types.DOUBLE));
    }

    /** Feeds the pre-aggregators' output to the window and the raw records to the one-phase reference. */
    private static final class Runner {
        private final OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> fast;
        private final OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> slow;
        private final KeyedOneInputStreamOperatorTestHarness<
                        String, Either<WindowPartial<String, Double>, Tx>, WindowResult<String, Double>>
                window;
        private final KeyedOneInputStreamOperatorTestHarness<String, Tx, WindowResult<String, Double>> reference;
        private long fastWatermark = Long.MIN_VALUE;
        private long slowWatermark = Long.MIN_VALUE;

        Runner(
                OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> fast,
                OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> slow,
                KeyedOneInputStreamOperatorTestHarness<
                                String, Either<WindowPartial<String, Double>, Tx>, WindowResult<String, Double>>
                        window,
                KeyedOneInputStreamOperatorTestHarness<String, Tx, WindowResult<String, Double>> reference) {
            this.fast = fast;
            this.slow = slow;
            this.window = window;
            this.reference = reference;
        }

        void record(OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre, Tx tx)
                throws Exception {
            pre.processElement(tx, tx.time());
            reference.processElement(tx, tx.time());
            forward(pre);
        }

        void watermark(OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre, long w)
                throws Exception {
            pre.processWatermark(w);
            forward(pre);
            if (pre == fast) {
                fastWatermark = w;
            } else {
                slowWatermark = w;
            }
            long combined = Math.min(fastWatermark, slowWatermark);
            window.processWatermark(combined);
            reference.processWatermark(combined);
        }

        private void forward(OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre)
                throws Exception {
            PreAggregatedWindowTest.feed(pre, window);
        }

        /** The window's new results, which must equal the reference's. */
        List<WindowResult<String, Double>> results() {
            List<WindowResult<String, Double>> twoPhase = drain(window);
            assertThat(twoPhase).containsExactlyInAnyOrderElementsOf(drain(reference));
            return twoPhase;
        }
    }

    private static WindowedOutput<WindowResult<String, Double>, Tx> blocks(WindowSpec spec, Duration lateness) {
        return WindowHarness.preAggregatedSum(spec, lateness, UID);
    }

    private static WindowedOutput<WindowResult<String, Double>, Tx> onePhase(Duration lateness) {
        StreamExecutionEnvironment env = WindowHarness.env();
        return KeyedWindowAggregate.<Tx, Double>builder()
                .setWindow(WindowSpec.tumbling(MINUTE))
                .setAggregation(WindowAggregation.sum(Tx::amount))
                .setAllowedLateness(lateness)
                .setUid(UID)
                .build()
                .apply(WindowHarness.transactions(env).keyBy(Tx::user));
    }

    @SuppressWarnings("unchecked")
    private static OneInputTransformation<Tx, Either<WindowPartial<String, Double>, Tx>> preAggregation(
            WindowedOutput<WindowResult<String, Double>, Tx> blocks) {
        // window <- keyBy partition <- pre-aggregation
        return (OneInputTransformation<Tx, Either<WindowPartial<String, Double>, Tx>>) blocks.results()
                .getTransformation()
                .getInputs()
                .get(0)
                .getInputs()
                .get(0);
    }

    private static OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> preAggregator(
            WindowedOutput<WindowResult<String, Double>, Tx> blocks) throws Exception {
        return preAggregator(blocks, null);
    }

    @SuppressWarnings("unchecked")
    private static OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> preAggregator(
            WindowedOutput<WindowResult<String, Double>, Tx> blocks, OperatorSubtaskState restored) throws Exception {
        // A fresh copy per harness: the graph holds one instance, a job one per subtask.
        LocalWindowPreAggregator<Tx, String, Double> operator =
                InstantiationUtil.clone((LocalWindowPreAggregator<Tx, String, Double>)
                        ((SimpleOperatorFactory<?>) preAggregation(blocks).getOperatorFactory()).getOperator());
        OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> h =
                new OneInputStreamOperatorTestHarness<>(operator);
        h.setup(ENVELOPE.createSerializer(h.getExecutionConfig().getSerializerConfig()));
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    private static <K, IN, OUT> KeyedOneInputStreamOperatorTestHarness<K, IN, OUT> restoredHarness(
            org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator<OUT> operator,
            OperatorSubtaskState restored)
            throws Exception {
        @SuppressWarnings("unchecked")
        OneInputTransformation<IN, OUT> transformation = (OneInputTransformation<IN, OUT>) operator.getTransformation();
        @SuppressWarnings("unchecked")
        KeyedOneInputStreamOperatorTestHarness<K, IN, OUT> h = new KeyedOneInputStreamOperatorTestHarness<>(
                transformation.getOperatorFactory(),
                (org.apache.flink.api.java.functions.KeySelector<IN, K>) transformation.getStateKeySelector(),
                (TypeInformation<K>) transformation.getStateKeyType());
        h.initializeState(restored);
        h.open();
        return h;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void feed(
            OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Double>, Tx>> pre,
            KeyedOneInputStreamOperatorTestHarness<String, Either<WindowPartial<String, Double>, Tx>, ?> window)
            throws Exception {
        for (StreamRecord<?> r : pre.extractOutputStreamRecords()) {
            window.processElement((StreamRecord) r);
        }
        pre.getOutput().clear();
    }

    private static int openEntries(OneInputStreamOperatorTestHarness<Tx, ?> pre) {
        return ((LocalWindowPreAggregator<?, ?, ?>) pre.getOneInputOperator()).openEntries();
    }

    private static StreamRecord<Either<WindowPartial<String, Double>, Tx>> partial(
            String key, int startSeconds, int endSeconds, double sum, long timestamp) {
        return new StreamRecord<>(
                Either.Left(new WindowPartial<>(key, t(startSeconds), t(endSeconds), sum)), timestamp);
    }

    private static OutputTag<Either<WindowPartial<String, Double>, Tx>> envelopeLateTag() {
        return new OutputTag<>(UID + LateData.LATE_UID_SUFFIX, ENVELOPE);
    }

    private static OutputTag<Tx> lateTag() {
        return new OutputTag<>(UID + LateData.LATE_UID_SUFFIX, Types.POJO(Tx.class));
    }

    private static Tx tx(String user, double seconds, double amount) {
        return new Tx(user, t(seconds), amount);
    }
}
