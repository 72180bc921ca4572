package dev.streamingblocks.fraud;

import static dev.streamingblocks.fraud.FraudDetectorTest.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.fraud.internal.FraudDetectorFunction;
import dev.streamingblocks.fraud.internal.FraudDetectorOperator;
import dev.streamingblocks.fraud.model.TransactionFeatures;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.fraud.testutils.MeteredKeyedBroadcastHarness;
import dev.streamingblocks.fraud.testutils.OnnxModels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The detector operator scores model rules in batches across users: a batch is scored when full
 * and before the watermark that released it goes on, a model swap applies between batches, nothing
 * is pending at a checkpoint, a batch ONNX Runtime fails on is retried one transaction at a time,
 * and every batch size gives the alerts of scoring one transaction at a time.
 */
class ModelScoreBatchingTest {

    private static final double ALWAYS = -1e30;

    /** Scores ln(1 + amount) and alerts on every transaction. */
    private static FraudRule amountRule(String version) {
        return FraudRules.model("amount", "AMOUNT", version, OnnxModels.feature(0), ALWAYS);
    }

    @Test
    void aBatchIsScoredWhenFullAndTheRestBeforeTheWatermarkGoesOn() throws Exception {
        try (Harness h = new Harness(4, null, amountRule("v1"))) {
            for (int i = 1; i <= 10; i++) {
                h.tx("user-" + i, i, 10 * i);
            }
            assertThat(h.harness.getOutput()).isEmpty(); // transactions wait for the watermark
            assertThat(h.operator.pendingScores()).isZero();

            h.harness.processWatermark(t(5));
            // five users' replays: a full batch of four during the replay, the fifth before the watermark
            assertThat(h.harness.counter(FraudDetection.MODEL_RUNS_METRIC)).isEqualTo(2);
            assertThat(h.operator.pendingScores()).isZero();
            assertThat(h.output())
                    .containsExactly(
                            amountAlert("user-1", 1, 10, "v1"),
                            amountAlert("user-2", 2, 20, "v1"),
                            amountAlert("user-3", 3, 30, "v1"),
                            amountAlert("user-4", 4, 40, "v1"),
                            amountAlert("user-5", 5, 50, "v1"),
                            new Watermark(t(5)));

            h.harness.processWatermark(Long.MAX_VALUE); // the end of input
            assertThat(h.harness.counter(FraudDetection.MODEL_RUNS_METRIC)).isEqualTo(4);
            assertThat(h.output())
                    .containsExactly(
                            amountAlert("user-6", 6, 60, "v1"),
                            amountAlert("user-7", 7, 70, "v1"),
                            amountAlert("user-8", 8, 80, "v1"),
                            amountAlert("user-9", 9, 90, "v1"),
                            amountAlert("user-10", 10, 100, "v1"),
                            new Watermark(Long.MAX_VALUE));
        }
    }

    @Test
    void aModelSwapAppliesToEveryTransactionReplayedAfterItAndNoneBefore() throws Exception {
        float[] hourCount = new float[TransactionFeatures.COUNT];
        hourCount[3] = 1f;
        FraudRule v2 = FraudRules.model("amount", "AMOUNT", "v2", OnnxModels.linear(hourCount, 10f), ALWAYS);
        try (Harness h = new Harness(64, null, amountRule("v1"))) {
            h.tx("alice", 10, 10);
            h.tx("bob", 20, 20);
            h.tx("alice", 30, 30); // arrives before the swap, replayed after it
            h.harness.processWatermark(t(20));
            assertThat(h.operator.pendingScores()).isZero();
            assertThat(h.output())
                    .containsExactly(
                            amountAlert("alice", 10, 10, "v1"), amountAlert("bob", 20, 20, "v1"), new Watermark(t(20)));

            h.harness.processBroadcastElement(v2, t(20));
            h.tx("carol", 25, 25);
            h.harness.processWatermark(t(40));

            assertThat(h.output())
                    .containsExactly(
                            record(alert("carol", 25, 1, 11.0, "v2")),
                            record(alert("alice", 30, 2, 12.0, "v2")), // alice's second in the minute and hour
                            new Watermark(t(40)));
        }
    }

    @Test
    void nothingIsPendingAtACheckpointSoTheBatchNeedsNoStateAndARestoreIsExact() throws Exception {
        FraudRule minuteCount = FraudRules.model("minute", FraudRules.MODEL_SCORE, "m1", OnnxModels.feature(1), 1.5);
        List<Object> reference;
        try (Harness h = new Harness(3, null, minuteCount, amountRule("v1"))) {
            beforeTheCheckpoint(h);
            afterTheCheckpoint(h);
            reference = h.output();
        }

        OperatorSubtaskState snapshot;
        List<Object> output;
        try (Harness before = new Harness(3, null, minuteCount, amountRule("v1"))) {
            beforeTheCheckpoint(before);
            output = before.output();
            before.harness.prepareSnapshotPreBarrier(1L);
            assertThat(before.harness.getOutput()).isEmpty(); // the watermark already scored everything
            snapshot = before.harness.snapshot(1L, 1L);
        }
        Set<String> operatorState = new TreeSet<>();
        for (OperatorStateHandle handle : snapshot.getManagedOperatorState()) {
            operatorState.addAll(handle.getStateNameToPartitionOffsets().keySet());
        }
        assertThat(operatorState).containsExactly("fraud-detector-watermark", "fraud-rules");

        try (Harness after = new Harness(3, snapshot, minuteCount, amountRule("v1"))) {
            afterTheCheckpoint(after);
            output.addAll(after.output());
        }
        assertThat(output).containsExactlyElementsOf(reference);
        // seven amount alerts, four minute-count alerts (alice at 3 and 5 s, bob at 6 and 7 s), two watermarks
        assertThat(reference).hasSize(7 + 4 + 2);
    }

    @Test
    void aSnapshotOfFlinksOwnOperatorRunningTheDetectorRestoresIntoTheBatchingOperator() throws Exception {
        FraudDetection pipeline =
                FraudDetection.builder().setRules(FraudRules.articleRule()).build();
        OperatorSubtaskState snapshot;
        try (KeyedBroadcastOperatorTestHarness<String, Transaction, FraudRule, Alert> before =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness()),
                                List.of(FraudDetectorFunction.RULES)),
                        Transaction::getUserId,
                        Types.STRING,
                        128,
                        1,
                        0)) {
            before.setup();
            before.open();
            before.processBroadcastElement(amountRule("v1"), t(0)); // in broadcast state only
            for (int i = 1; i <= 3; i++) {
                before.processElement(
                        new Transaction("tx-" + i, "alice", 2000.0, Instant.ofEpochMilli(t(10 * i))), t(10 * i));
            }
            snapshot = before.snapshot(1L, 1L); // pending transactions and their timers, no watermark yet
            // Flink's own operator cannot flush a batch before the watermark goes on: scoring there is refused
            before.processBroadcastWatermark(Long.MAX_VALUE);
            assertThatThrownBy(() -> before.processWatermark(t(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("FraudDetectorFunction scores models only inside FraudDetectorOperator, which "
                            + "flushes its batches");
        }
        try (Harness after = new Harness(64, snapshot, FraudRules.articleRule())) {
            after.harness.processWatermark(t(60) - 1);
            assertThat(after.output())
                    .extracting(e -> e instanceof StreamRecord<?> r ? ((Alert) r.getValue()).getRuleId() : "watermark")
                    // the count rule alerts in its timer, the batched model alerts come before the watermark
                    .containsExactly(FraudRules.ARTICLE_RULE_ID, "amount", "amount", "amount", "watermark");
            assertThat(after.harness.counter(FraudDetection.MODEL_RUNS_METRIC)).isEqualTo(1);
        }
    }

    private static void beforeTheCheckpoint(Harness h) throws Exception {
        h.tx("alice", 1, 100);
        h.tx("bob", 2, 200);
        h.tx("alice", 3, 300);
        h.tx("carol", 4, 400);
        h.harness.processWatermark(t(4));
        h.tx("alice", 5, 500); // in keyed state at the checkpoint, replayed after the restore
        h.tx("bob", 6, 600);
    }

    private static void afterTheCheckpoint(Harness h) throws Exception {
        h.tx("bob", 7, 700);
        h.harness.processWatermark(t(600));
    }

    @Test
    void aBatchTheModelFailsOnIsScoredOneByOneAndOnlyTheFailingTransactionGoesToTheFailures() throws Exception {
        // scores 0, 10, 20 for a minute count of 0, 1, 2 and fails on any other
        FraudRule lookup = FraudRules.model(
                "lookup", FraudRules.MODEL_SCORE, "l1", OnnxModels.lookup(1, new float[] {0, 10, 20}), 5.0);
        try (Harness h = new Harness(64, null, lookup)) {
            h.tx("alice", 10, 1);
            h.tx("bob", 15, 1);
            h.tx("alice", 20, 1);
            h.tx("alice", 30, 1); // alice's third in a minute: outside the table
            h.harness.processWatermark(t(30));

            assertThat(h.output())
                    .containsExactly(
                            record(lookupAlert("alice", 10, 1, 10.0)),
                            record(lookupAlert("bob", 15, 1, 10.0)),
                            record(lookupAlert("alice", 20, 2, 20.0)),
                            new Watermark(t(30)));
            List<String> failures = new ArrayList<>();
            h.harness.getSideOutput(FraudDetection.SCORING_FAILURES).forEach(r -> failures.add(r.getValue()));
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0))
                    .startsWith("Model version 'l1' of rule 'lookup' could not score transaction 'tx-alice-30.0' of "
                            + "user 'alice' at " + Instant.ofEpochMilli(t(30)) + ": ")
                    .contains("indices element out of data bounds");
            assertThat(h.harness.counter(FraudDetection.SCORING_FAILURES_METRIC))
                    .isEqualTo(1);
            assertThat(h.harness.counter(FraudDetection.MODEL_RUNS_METRIC))
                    .isEqualTo(1 + 4); // the batch, then each transaction

            h.tx("carol", 100, 1);
            h.tx("dave", 101, 1);
            h.harness.processWatermark(t(101));
            assertThat(h.harness.counter(FraudDetection.MODEL_RUNS_METRIC))
                    .isEqualTo(5 + 1); // the next batch runs whole again
            assertThat(h.output()).hasSize(3);
        }
    }

    @Test
    void everyBatchSizeGivesTheAlertsOfScoringOneTransactionAtATime() throws Exception {
        float[] large = new float[TransactionFeatures.COUNT];
        large[0] = 1f; // ln(1 + amount) > 7: over about $1 100
        FraudRule[] rules = {
            FraudRules.articleRule(),
            FraudRules.articleSlidingRule(),
            FraudRules.model("minute", FraudRules.MODEL_SCORE, "m1", OnnxModels.feature(1), 2.5),
            FraudRules.model("large", "LARGE", "g1", OnnxModels.linear(large, 0f), 7.0)
        };
        List<List<String>> unbatched = null;
        for (int batchSize : new int[] {1, 3, 64, 1000}) {
            try (Harness h = new Harness(batchSize, null, rules)) {
                SplittableRandom random = new SplittableRandom(3);
                long time = t(0);
                for (int i = 0; i < 400; i++) {
                    time += random.nextLong(0, 1500);
                    String user = "user-" + random.nextInt(23);
                    double amount = Math.round(random.nextDouble(1, 3000) * 100) / 100.0;
                    h.harness.processElement(
                            new Transaction("tx-" + i, user, amount, Instant.ofEpochMilli(time)), time);
                    if (i % 20 == 19) {
                        h.harness.processWatermark(time - FraudDetection.MAX_OUT_OF_ORDERNESS.toMillis());
                    }
                }
                h.harness.processWatermark(Long.MAX_VALUE);
                List<List<String>> segments = segmentsBetweenWatermarks(h.output());
                if (unbatched == null) {
                    unbatched = segments;
                    assertThat(h.harness.counter(FraudDetection.MODEL_RUNS_METRIC))
                            .isEqualTo(2 * 400);
                    assertThat(segments).hasSize(21);
                    assertThat(segments.stream().mapToInt(List::size).sum()).isEqualTo(EXPECTED_ALERTS);
                } else {
                    assertThat(segments).as("batch size %d", batchSize).isEqualTo(unbatched);
                    assertThat(h.harness.counter(FraudDetection.MODEL_RUNS_METRIC))
                            .as("batch size %d", batchSize)
                            .isLessThan(2 * 400)
                            .isGreaterThanOrEqualTo(2 * 20); // at least one run per rule and watermark
                }
            }
        }
    }

    /** Alerts of the four rules on the seeded transactions, as scoring one transaction at a time gives them. */
    private static final int EXPECTED_ALERTS = 657;

    /** The alerts between consecutive watermarks, sorted: batching may reorder within a watermark, no further. */
    private static List<List<String>> segmentsBetweenWatermarks(List<Object> output) {
        List<List<String>> segments = new ArrayList<>();
        List<String> segment = new ArrayList<>();
        for (Object element : output) {
            if (element instanceof Watermark) {
                segment.sort(null);
                segments.add(segment);
                segment = new ArrayList<>();
            } else {
                segment.add(element.toString());
            }
        }
        assertThat(segment).isEmpty();
        return segments;
    }

    private static StreamRecord<Alert> amountAlert(String user, double seconds, double amount, String version) {
        return record(alert(user, seconds, 1, (double) (float) Math.log1p(amount), version));
    }

    private static Alert lookupAlert(String user, double seconds, int minuteCount, double score) {
        Alert alert = alert(user, seconds, minuteCount, score, "l1");
        alert.setRuleId("lookup");
        alert.setAlertType(FraudRules.MODEL_SCORE);
        return alert;
    }

    private static Alert alert(String user, double seconds, int minuteCount, double score, String version) {
        return new Alert(
                user,
                "AMOUNT",
                "amount",
                Instant.ofEpochMilli(t(seconds) + 1 - TransactionFeatures.MINUTE.toMillis()),
                Instant.ofEpochMilli(t(seconds) + 1),
                minuteCount,
                score,
                version);
    }

    private static StreamRecord<Alert> record(Alert alert) {
        return new StreamRecord<>(alert, alert.getWindowEnd().toEpochMilli() - 1);
    }

    private static final class Harness implements AutoCloseable {
        final FraudDetectorFunction function;
        final FraudDetectorOperator operator;
        final MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> harness;

        Harness(int batchSize, OperatorSubtaskState restoreFrom, FraudRule... rules) throws Exception {
            FraudDetection pipeline = FraudDetection.builder()
                    .setRules(rules)
                    .setModelBatchSize(batchSize)
                    .build();
            function =
                    new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness(), pipeline.modelBatchSize());
            operator = new FraudDetectorOperator(function);
            harness = MeteredKeyedBroadcastHarness.create(operator, Transaction::getUserId, Types.STRING, 128, 1, 0);
            ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
            harness.setup();
            if (restoreFrom != null) {
                harness.initializeState(restoreFrom);
            }
            harness.open();
            harness.processBroadcastWatermark(Long.MAX_VALUE);
            harness.getOutput().clear();
        }

        void tx(String user, double seconds, double amount) throws Exception {
            harness.processElement(
                    new Transaction("tx-" + user + "-" + seconds, user, amount, Instant.ofEpochMilli(t(seconds))),
                    t(seconds));
        }

        /** The records and watermarks emitted since the last call, in order. */
        List<Object> output() {
            List<Object> output = new ArrayList<>(harness.getOutput());
            harness.getOutput().clear();
            return output;
        }

        @Override
        public void close() throws Exception {
            harness.close();
        }
    }
}
