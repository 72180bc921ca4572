package dev.streamingblocks.core.window;

import static dev.streamingblocks.core.window.WindowHarness.at;
import static dev.streamingblocks.core.window.WindowHarness.drain;
import static dev.streamingblocks.core.window.WindowHarness.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.window.WindowHarness.Tx;
import dev.streamingblocks.core.window.internal.LocalWindowPreAggregator;
import dev.streamingblocks.core.window.internal.WindowPartial;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * A user aggregation whose accumulator is mutable ({@code add} and {@code merge} change it in place
 * and return it, as Flink allows) through the two-phase window block: results stay exact, a pane the
 * pre-aggregation has sent is never added to again, and a snapshot holds the accumulators as they
 * were when it was taken.
 */
class MutableAccumulatorWindowTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final String UID = "totals-per-minute";
    private static final TypeInformation<Totals> TOTALS = TypeInformation.of(Totals.class);
    private static final TypeInformation<Either<WindowPartial<String, Totals>, Tx>> ENVELOPE =
            WindowPartial.envelopeType(Types.STRING, TOTALS, Types.POJO(Tx.class));

    /** Count and sum, mutable; a Flink POJO. */
    public static final class Totals {
        public long count;
        public double sum;

        public Totals() {}

        Totals(long count, double sum) {
            this.count = count;
            this.sum = sum;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Totals other && count == other.count && Double.compare(sum, other.sum) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(count, sum);
        }

        @Override
        public String toString() {
            return "Totals{" + count + ", " + sum + "}";
        }
    }

    /** Changes its accumulator in place; the result is a copy. */
    static final class MutableTotals implements AggregateFunction<Tx, Totals, Totals> {
        private static final long serialVersionUID = 1L;

        @Override
        public Totals createAccumulator() {
            return new Totals();
        }

        @Override
        public Totals add(Tx tx, Totals acc) {
            acc.count++;
            acc.sum += tx.amount();
            return acc;
        }

        @Override
        public Totals getResult(Totals acc) {
            return new Totals(acc.count, acc.sum);
        }

        @Override
        public Totals merge(Totals a, Totals b) {
            a.count += b.count;
            a.sum += b.sum;
            return a;
        }
    }

    @Test
    void theAccumulatorIsAFlinkPojoNotKryo() {
        assertThat(TOTALS).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void aSentPaneIsNeverAddedToAgainAndResultsAreExactAcrossSnapshotAndRestore() throws Exception {
        WindowedOutput<WindowResult<String, Totals>, Tx> blocks = blocks();
        OperatorSubtaskState windowState;
        try (OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Totals>, Tx>> pre =
                        preAggregator(blocks);
                KeyedOneInputStreamOperatorTestHarness<
                                String, Either<WindowPartial<String, Totals>, Tx>, WindowResult<String, Totals>>
                        window = windowHarness(blocks.results(), null)) {
            pre.processElement(tx("a", 1, 10), t(1));
            pre.processElement(tx("a", 2, 20), t(2));
            pre.processElement(tx("b", 3, 5), t(3));
            pre.prepareSnapshotPreBarrier(1);
            assertThat(pre.extractOutputValues())
                    .containsExactlyInAnyOrder(
                            Either.Left(new WindowPartial<>("a", t(0), t(60), new Totals(2, 30))),
                            Either.Left(new WindowPartial<>("b", t(0), t(60), new Totals(1, 5))));
            feed(pre, window);

            // Same key and window after the pane was sent: a new accumulator, not the sent one again.
            pre.processElement(tx("a", 4, 1), t(4));
            pre.prepareSnapshotPreBarrier(2);
            assertThat(pre.extractOutputValues())
                    .containsExactly(Either.Left(new WindowPartial<>("a", t(0), t(60), new Totals(1, 1))));
            feed(pre, window);
            windowState = window.snapshot(2, 2);

            // After the snapshot the window's accumulator of "a" changes in place; the snapshot must not.
            pre.processElement(tx("a", 5, 1000), t(5));
            pre.prepareSnapshotPreBarrier(3);
            feed(pre, window);
            window.processWatermark(t(60) - 1);
            assertThat(drain(window))
                    .containsExactlyInAnyOrder(
                            new WindowResult<>("a", at(0), at(60), new Totals(4, 1031)),
                            new WindowResult<>("b", at(0), at(60), new Totals(1, 5)));
        }
        try (OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Totals>, Tx>> pre =
                        preAggregator(blocks);
                KeyedOneInputStreamOperatorTestHarness<
                                String, Either<WindowPartial<String, Totals>, Tx>, WindowResult<String, Totals>>
                        window = windowHarness(blocks.results(), windowState)) {
            // The record after checkpoint 2 is replayed, with the rest of the window.
            pre.processElement(tx("a", 5, 1000), t(5));
            pre.processElement(tx("b", 6, 2), t(6));
            pre.processElement(tx("c", 61, 7), t(61)); // the next window
            pre.processWatermark(t(60) - 1);
            feed(pre, window);
            window.processWatermark(t(60) - 1);
            List<WindowResult<String, Totals>> first = drain(window);
            assertThat(first)
                    .containsExactlyInAnyOrder(
                            new WindowResult<>("a", at(0), at(60), new Totals(4, 1031)),
                            new WindowResult<>("b", at(0), at(60), new Totals(2, 7)));

            // Within the allowed lateness: the pre-aggregation passes the record on, the window fires again.
            pre.processElement(tx("a", 30, 100), t(30));
            feed(pre, window);
            assertThat(drain(window)).containsExactly(new WindowResult<>("a", at(0), at(60), new Totals(5, 1131)));
            // What was emitted before did not change with the window's accumulator.
            assertThat(first).contains(new WindowResult<>("a", at(0), at(60), new Totals(4, 1031)));

            pre.processWatermark(t(130) - 1);
            feed(pre, window);
            window.processWatermark(t(130) - 1);
            assertThat(drain(window)).containsExactly(new WindowResult<>("c", at(60), at(120), new Totals(1, 7)));
            assertThat(window.numKeyedStateEntries()).isZero();
            assertThat(window.numEventTimeTimers()).isZero();
        }
    }

    private static WindowedOutput<WindowResult<String, Totals>, Tx> blocks() {
        return KeyedWindowAggregate.<Tx, Totals>builder()
                .setWindow(WindowSpec.tumbling(MINUTE))
                .setAggregation(WindowAggregation.of(new MutableTotals(), TOTALS, TOTALS))
                .setAllowedLateness(Duration.ofSeconds(10))
                .setUid(UID)
                .build()
                .apply(WindowHarness.transactions(WindowHarness.env()), Tx::user);
    }

    @SuppressWarnings("unchecked")
    private static OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Totals>, Tx>> preAggregator(
            WindowedOutput<WindowResult<String, Totals>, Tx> blocks) throws Exception {
        // window <- keyBy partition <- pre-aggregation; a fresh copy per harness, as a job has per subtask.
        OneInputTransformation<?, ?> preAggregation = (OneInputTransformation<?, ?>) blocks.results()
                .getTransformation()
                .getInputs()
                .get(0)
                .getInputs()
                .get(0);
        LocalWindowPreAggregator<Tx, String, Totals> operator =
                InstantiationUtil.clone((LocalWindowPreAggregator<Tx, String, Totals>)
                        ((SimpleOperatorFactory<?>) preAggregation.getOperatorFactory()).getOperator());
        OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Totals>, Tx>> h =
                new OneInputStreamOperatorTestHarness<>(operator);
        h.setup(ENVELOPE.createSerializer(h.getExecutionConfig().getSerializerConfig()));
        h.open();
        return h;
    }

    @SuppressWarnings("unchecked")
    private static <K, IN, OUT> KeyedOneInputStreamOperatorTestHarness<K, IN, OUT> windowHarness(
            SingleOutputStreamOperator<OUT> operator, OperatorSubtaskState restored) throws Exception {
        OneInputTransformation<IN, OUT> transformation = (OneInputTransformation<IN, OUT>) operator.getTransformation();
        KeyedOneInputStreamOperatorTestHarness<K, IN, OUT> h = new KeyedOneInputStreamOperatorTestHarness<>(
                transformation.getOperatorFactory(),
                (KeySelector<IN, K>) transformation.getStateKeySelector(),
                (TypeInformation<K>) transformation.getStateKeyType());
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void feed(
            OneInputStreamOperatorTestHarness<Tx, Either<WindowPartial<String, Totals>, Tx>> pre,
            KeyedOneInputStreamOperatorTestHarness<String, Either<WindowPartial<String, Totals>, Tx>, ?> window)
            throws Exception {
        for (StreamRecord<?> r : pre.extractOutputStreamRecords()) {
            window.processElement((StreamRecord) r);
        }
        pre.getOutput().clear();
    }

    private static Tx tx(String user, double seconds, double amount) {
        return new Tx(user, t(seconds), amount);
    }
}
