package dev.streamingblocks.fraud;

import static dev.streamingblocks.fraud.FraudDetectorTest.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.fraud.internal.FraudDetectorFunction;
import dev.streamingblocks.fraud.model.FraudModel;
import dev.streamingblocks.fraud.model.TransactionFeatures;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.fraud.testutils.DetectorHarness;
import dev.streamingblocks.fraud.testutils.OnnxModels;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Model rules in the detector operator: features in keyed state on event time, alerts with score
 * and version, model swaps and refusals through the rules broadcast, non-finite scores, cleanup
 * by timer, and exact features after a restore. The models are hand-written linear ONNX models
 * whose score is one feature, so an alert's score shows that feature's value.
 */
class ModelRuleDetectorTest {

    private static final int MAX_PARALLELISM = DetectorHarness.MAX_PARALLELISM;
    private static final long HOUR = TransactionFeatures.HOUR.toMillis();
    private static final String MODEL_RULE = "model";
    private static final double ALWAYS = -1e30;

    /** Scores the minute count: alerts on the third transaction within a minute. */
    private static FraudRule minuteCountRule(String version) {
        return FraudRules.model(MODEL_RULE, FraudRules.MODEL_SCORE, version, OnnxModels.feature(1), 2.5);
    }

    @Test
    void alertsCarryScoreAndVersionAndTheFeaturesGoAnHourAfterTheUsersLastTransaction() throws Exception {
        FraudDetection pipeline =
                FraudDetection.builder().setRules(minuteCountRule("v1")).build();
        try (DetectorHarness h = new DetectorHarness(
                new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness()), null, 1, 0)) {
            h.tx("alice", 10, 20);
            h.tx("alice", 20, 30);
            h.tx("alice", 30, 40);
            h.tx("bob", 40, 5000);
            h.harness.processWatermark(t(40));

            assertThat(h.harness.extractOutputValues()).containsExactly(modelAlert("alice", 30, 3, 3.0, "v1"));
            assertThat(h.stateEntries()).isEqualTo(2); // the features of alice and bob
            assertThat(h.harness.numEventTimeTimers()).isEqualTo(2); // one cleanup timer each

            h.harness.processWatermark(t(30) + HOUR - 1);
            assertThat(h.stateEntries()).isEqualTo(2);
            h.harness.processWatermark(t(30) + HOUR);
            assertThat(h.stateEntries()).isEqualTo(1);
            h.harness.processWatermark(t(40) + HOUR);
            assertThat(h.stateEntries()).isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aBurstStraddlingAMinuteBoundaryIsOneMinuteOfActivityForTheModel() throws Exception {
        FraudDetection pipeline = FraudDetection.builder()
                .setRules(FraudRules.articleRule(), minuteCountRule("v1"))
                .build();
        try (DetectorHarness h = new DetectorHarness(
                new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness()), null, 1, 0)) {
            h.tx("alice", 59.9, 1500);
            h.tx("alice", 60.0, 1501);
            h.tx("alice", 60.1, 1502);
            h.harness.processWatermark(t(300));

            // the tumbling article rule sees 1 + 2 in two minutes and stays quiet
            assertThat(h.harness.extractOutputValues()).containsExactly(modelAlert("alice", 60.1, 3, 3.0, "v1"));
        }
    }

    @Test
    void nanAndInfiniteScoresNeverAlertAndAreCounted() throws Exception {
        float[] huge = new float[TransactionFeatures.COUNT];
        huge[0] = Float.MAX_VALUE; // ln(1 + amount) > 1 overflows to infinity
        FraudDetection pipeline = FraudDetection.builder()
                .setRules(
                        FraudRules.model(
                                "nan",
                                "NAN",
                                "n1",
                                OnnxModels.linear(new float[TransactionFeatures.COUNT], Float.NaN),
                                ALWAYS),
                        FraudRules.model("inf", "INF", "i1", OnnxModels.linear(huge, 0f), ALWAYS))
                .build();
        FraudDetectorFunction function = new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness());
        try (DetectorHarness h = new DetectorHarness(function, null, 1, 0)) {
            h.tx("alice", 10, 20);
            h.tx("alice", 20, 0.5); // ln(1.5) * MAX_VALUE is finite: only this one alerts
            h.harness.processWatermark(t(100));

            assertThat(h.harness.extractOutputValues())
                    .extracting(Alert::getRuleId)
                    .containsExactly("inf");
            assertThat(h.counter(FraudDetection.NON_FINITE_SCORES_METRIC)).isEqualTo(3);
        }
    }

    @Test
    void aNewModelVersionReplacesTheOldAndKeepsTheUsersFeatures() throws Exception {
        FraudDetection pipeline =
                FraudDetection.builder().setRules(minuteCountRule("v1")).build();
        float[] hourCount = new float[TransactionFeatures.COUNT];
        hourCount[3] = 1f;
        FraudRule v2 =
                FraudRules.model(MODEL_RULE, FraudRules.MODEL_SCORE, "v2", OnnxModels.linear(hourCount, 10f), 12.5);
        try (DetectorHarness h = new DetectorHarness(
                new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness()), null, 1, 0)) {
            h.tx("alice", 10, 20);
            h.tx("alice", 20, 30);
            h.harness.processWatermark(t(25));
            h.harness.processBroadcastElement(v2, t(25));
            h.tx("alice", 1000, 40); // the third in the hour: scored 3 + 10 by v2
            h.harness.processWatermark(t(1000));

            assertThat(h.harness.extractOutputValues()).containsExactly(modelAlert("alice", 1000, 1, 13.0, "v2"));
        }
    }

    @Test
    void aModelThatDoesNotFitIsRefusedWhenItArrivesAndTheOldOneKeepsScoring() throws Exception {
        FraudDetection pipeline =
                FraudDetection.builder().setRules(minuteCountRule("v1")).build();
        byte[] threeFeatures = OnnxModels.linear(new float[] {1, 1, 1}, 0f, 3, Map.of());
        FraudRule misfit = FraudRules.model(MODEL_RULE, FraudRules.MODEL_SCORE, "v2", threeFeatures, 0.5);
        FraudDetectorFunction function = new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness());
        try (DetectorHarness h = new DetectorHarness(function, null, 1, 0)) {
            h.harness.processBroadcastElement(misfit, t(0));
            h.tx("alice", 10, 20);
            h.tx("alice", 20, 30);
            h.tx("alice", 30, 40);
            h.harness.processWatermark(t(100));

            assertThat(h.harness.extractOutputValues()).containsExactly(modelAlert("alice", 30, 3, 3.0, "v1"));
            assertThat(h.harness.getSideOutput(FraudDetection.REJECTED_RULES))
                    .extracting(r -> r.getValue())
                    .containsExactly("rule 'model': Model of " + threeFeatures.length + " bytes (version 'v2') "
                            + "does not fit the transaction features: it has inputs [features: FLOAT[-1, 3]] and "
                            + "outputs [score: FLOAT[-1, 1]]; expected " + FraudModel.EXPECTED
                            + "; model version 'v1' stays");
            assertThat(h.counter(FraudDetection.REJECTED_MODEL_RULES_METRIC)).isEqualTo(1);
        }
    }

    @Test
    void aModelFileThatDoesNotLoadFailsTheJobAtStartNamingTheFileAndTheExpectedModel() {
        String path = Path.of("target", "missing-model.onnx").toString();
        FraudDetection pipeline = FraudDetection.builder()
                .setRules(FraudRules.model("m", "M", "v7", Path.of(path), 0.5))
                .build();
        assertThatThrownBy(() -> new DetectorHarness(
                        new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness()), null, 1, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Fraud rule 'm': Model '" + path + "' (version 'v7') does not load (")
                .hasMessageEndingWith("); expected an ONNX model with " + FraudModel.EXPECTED);
    }

    @Test
    void featuresAndModelRulesFromTheBroadcastAreExactAfterARestore() throws Exception {
        FraudDetection pipeline =
                FraudDetection.builder().setRules(FraudRules.articleRule()).build();
        List<Alert> reference;
        try (DetectorHarness h = new DetectorHarness(
                new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness()), null, 1, 0)) {
            sendFeatureRules(h);
            sendBeforeTheFailure(h);
            sendAfterTheFailure(h);
            reference = h.harness.extractOutputValues();
        }
        assertThat(reference).hasSize(7 * 6);

        OperatorSubtaskState snapshot;
        List<Alert> alerts = new ArrayList<>();
        try (DetectorHarness before = new DetectorHarness(
                new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness()), null, 1, 0)) {
            sendFeatureRules(before);
            sendBeforeTheFailure(before);
            snapshot = before.harness.snapshot(1L, 1L);
            alerts.addAll(before.harness.extractOutputValues());
        }
        try (DetectorHarness after = new DetectorHarness(
                new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness()), snapshot, 1, 0)) {
            sendAfterTheFailure(after);
            alerts.addAll(after.harness.extractOutputValues());
            assertThat(after.stateEntries()).isZero();
            assertThat(after.harness.numEventTimeTimers()).isZero();
        }
        assertThat(alerts).containsExactlyElementsOf(reference);
    }

    @Test
    void featuresFollowTheirUsersWhenParallelismTwoIsRestoredAtOne() throws Exception {
        FraudDetection pipeline =
                FraudDetection.builder().setRules(FraudRules.articleRule()).build();
        String[] users = {userOf(0, 2), userOf(1, 2)};
        OperatorSubtaskState[] snapshots = new OperatorSubtaskState[2];
        for (int subtask = 0; subtask < 2; subtask++) {
            try (DetectorHarness old = new DetectorHarness(
                    new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness()), null, 2, subtask)) {
                old.harness.processBroadcastElement(hourCountRule(), t(0));
                old.tx(users[subtask], 10 + subtask, 100);
                old.tx(users[subtask], 20 + subtask, 100);
                old.harness.processWatermark(t(30));
                assertThat(old.harness.numEventTimeTimers()).isEqualTo(1);
                snapshots[subtask] = old.harness.snapshot(1L, 1L);
            }
        }
        OperatorSubtaskState packed = AbstractStreamOperatorTestHarness.repackageState(snapshots);
        OperatorSubtaskState share =
                AbstractStreamOperatorTestHarness.repartitionOperatorState(packed, MAX_PARALLELISM, 2, 1, 0);
        try (DetectorHarness rescaled = new DetectorHarness(
                new FraudDetectorFunction(pipeline.rules(), pipeline.allowedLateness()), share, 1, 0)) {
            assertThat(rescaled.stateEntries()).isEqualTo(2);
            assertThat(rescaled.harness.numEventTimeTimers()).isEqualTo(2);
            rescaled.tx(users[0], 40, 100);
            rescaled.tx(users[1], 50, 100);
            rescaled.harness.processWatermark(t(50) + HOUR);

            assertThat(rescaled.harness.extractOutputValues())
                    .extracting(Alert::getUserId, Alert::getScore)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(users[0], 3.0),
                            org.assertj.core.groups.Tuple.tuple(users[1], 3.0));
            assertThat(rescaled.stateEntries()).isZero();
            assertThat(rescaled.harness.numEventTimeTimers()).isZero();
        }
    }

    /** Scores the hour count and alerts on every transaction. */
    private static FraudRule hourCountRule() {
        return FraudRules.model("hour-count", "HOUR_COUNT", "h1", OnnxModels.feature(3), ALWAYS);
    }

    /** One rule per feature, each alerting on every transaction with that feature as its score. */
    private static void sendFeatureRules(DetectorHarness h) throws Exception {
        for (int i = 0; i < TransactionFeatures.COUNT; i++) {
            h.harness.processBroadcastElement(
                    FraudRules.model("feature-" + i, "FEATURE", "f" + i, OnnxModels.feature(i), ALWAYS), t(0));
        }
    }

    private static void sendBeforeTheFailure(DetectorHarness h) throws Exception {
        h.tx("alice", 10, 120.5);
        h.tx("alice", 50, 30);
        h.tx("bob", 55, 700);
        h.harness.processWatermark(t(56));
        h.tx("alice", 58, 9.99); // pending at the snapshot
    }

    private static void sendAfterTheFailure(DetectorHarness h) throws Exception {
        h.tx("alice", 75, 1800);
        h.tx("bob", 200, 1);
        h.harness.processWatermark(t(200) + HOUR);
    }

    private static Alert modelAlert(String user, double seconds, int minuteCount, double score, String version) {
        return new Alert(
                user,
                FraudRules.MODEL_SCORE,
                MODEL_RULE,
                Instant.ofEpochMilli(t(seconds) + 1 - TransactionFeatures.MINUTE.toMillis()),
                Instant.ofEpochMilli(t(seconds) + 1),
                minuteCount,
                score,
                version);
    }

    /** A user whose key group belongs to the given subtask. */
    private static String userOf(int subtask, int parallelism) {
        for (int i = 0; ; i++) {
            String user = "user-" + i;
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(user, MAX_PARALLELISM, parallelism) == subtask) {
                return user;
            }
        }
    }
}
