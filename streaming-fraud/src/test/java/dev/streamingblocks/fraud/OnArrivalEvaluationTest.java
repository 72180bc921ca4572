package dev.streamingblocks.fraud;

import static dev.streamingblocks.fraud.FraudDetectorTest.alert;
import static dev.streamingblocks.fraud.FraudDetectorTest.t;
import static dev.streamingblocks.fraud.rules.FraudRules.ARTICLE_RULE_ID;
import static dev.streamingblocks.fraud.rules.FraudRules.ARTICLE_SLIDING_RULE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.window.LateData;
import dev.streamingblocks.fraud.FraudDetection.Evaluation;
import dev.streamingblocks.fraud.internal.FraudDetectorFunction;
import dev.streamingblocks.fraud.model.TransactionFeatures;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.fraud.testutils.DetectorHarness;
import dev.streamingblocks.fraud.testutils.OnnxModels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Evaluation#ON_ARRIVAL}: alerts leave with the transaction that raises them, windows close
 * with the user's next transaction or the watermark, a user's older transaction is late, model
 * scores flush within {@link FraudDetection#ON_ARRIVAL_MAX_SCORE_DELAY}, and for input in per-user
 * order the alerts are exactly those of the watermark's replay, across restores and mode switches.
 */
class OnArrivalEvaluationTest {

    private static final String MINUTE_COUNT_RULE = "minute-count";
    private static final String OVER_MEAN_RULE = "over-mean";

    /** Scores the user's transactions in the last minute: alerts from the third. */
    private static final FraudRule MINUTE_COUNT =
            FraudRules.model(MINUTE_COUNT_RULE, FraudRules.MODEL_SCORE, "m1", OnnxModels.feature(1), 2.5);

    /** Scores the amount against the user's running mean. */
    private static final FraudRule OVER_MEAN =
            FraudRules.model(OVER_MEAN_RULE, FraudRules.MODEL_SCORE, "o1", OnnxModels.feature(6), 2.0);

    private int nextId;

    @Test
    void theBuilderDefaultsToTheWatermarkAndRefusesNoEvaluation() {
        assertThat(FraudDetection.builder()
                        .setRules(FraudRules.articleRule())
                        .build()
                        .evaluation())
                .isEqualTo(FraudDetection.DEFAULT_EVALUATION)
                .isEqualTo(Evaluation.AT_WATERMARK);
        assertThat(FraudDetection.builder()
                        .setRules(FraudRules.articleRule())
                        .setEvaluation(Evaluation.ON_ARRIVAL)
                        .build()
                        .evaluation())
                .isEqualTo(Evaluation.ON_ARRIVAL);
        assertThatThrownBy(() -> FraudDetection.builder()
                        .setRules(FraudRules.articleRule())
                        .setEvaluation(null)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("evaluation must not be null");
    }

    @Test
    void aSlidingAlertLeavesWithTheTransactionThatRaisesItWithoutAWatermark() throws Exception {
        try (DetectorHarness h = harness(Evaluation.ON_ARRIVAL, null, FraudRules.articleSlidingRule())) {
            h.tx("alice", 50, 1200);
            h.tx("alice", 65, 1300);
            assertThat(h.alerts()).isEmpty();

            h.tx("alice", 70, 1400);

            assertThat(h.harness.extractOutputStreamRecords())
                    .containsExactly(
                            new StreamRecord<>(alert("alice", ARTICLE_SLIDING_RULE_ID, t(50), t(110), 3), t(70)));
            h.harness.getOutput().clear();
            h.tx("alice", 80, 1500); // the same burst: no second alert
            h.watermark(t(300));
            assertThat(h.alerts()).isEmpty();
            assertThat(h.stateEntries()).isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aTumblingWindowClosesWithTheUsersNextTransactionOrTheWatermarkAndAlertsOnce() throws Exception {
        try (DetectorHarness h = harness(Evaluation.ON_ARRIVAL, null, FraudRules.articleRule())) {
            h.tx("alice", 10, 2000);
            h.tx("alice", 20, 2000);
            h.tx("alice", 59.999, 2000);
            h.tx("bob", 1, 2000);
            h.tx("bob", 2, 2000);
            h.tx("bob", 3, 2000);
            assertThat(h.alerts()).isEmpty();

            h.tx("alice", 60, 5); // small, but it shows alice's first minute is over
            assertThat(h.alerts()).containsExactly(alert("alice", ARTICLE_RULE_ID, t(0), t(60), 3));

            h.watermark(t(60) - 2);
            assertThat(h.alerts()).isEmpty();
            h.watermark(t(60) - 1); // bob went quiet: the watermark closes his window
            assertThat(h.alerts()).containsExactly(alert("bob", ARTICLE_RULE_ID, t(0), t(60), 3));

            h.watermark(t(600));
            assertThat(h.alerts()).isEmpty();
            assertThat(h.stateEntries()).isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aTransactionOlderThanOneAlreadyEvaluatedForItsUserIsLateEvenWithinTheBound() throws Exception {
        try (DetectorHarness h = harness(Evaluation.ON_ARRIVAL, null, FraudRules.articleSlidingRule())) {
            h.watermark(t(0));
            h.tx("alice", 30, 2000);
            Transaction older = h.tx("alice", 25, 2000); // within the 5 s bound, but after alice's 30
            h.tx("alice", 30, 2000); // the same instant is not older
            h.tx("bob", 25, 2000); // another user's own order

            assertThat(h.harness.getSideOutput(FraudDetection.LATE_TRANSACTIONS))
                    .containsExactly(new StreamRecord<>(older, t(25)));
            assertThat(h.counter(LateData.LATE_RECORDS_METRIC)).isEqualTo(1L);

            h.tx("alice", 31, 2000);
            assertThat(h.alerts()).containsExactly(alert("alice", ARTICLE_SLIDING_RULE_ID, t(30), t(90), 3));
        }
    }

    @Test
    void modelScoresWaitAtMostTheScoreDelayInProcessingTime() throws Exception {
        try (DetectorHarness h = harness(Evaluation.ON_ARRIVAL, null, MINUTE_COUNT)) {
            long start = h.harness.getProcessingTime();
            h.tx("alice", 10, 20);
            h.tx("alice", 20, 30);
            h.tx("alice", 30, 40);
            assertThat(h.operator.pendingScores()).isEqualTo(3);
            long delay = FraudDetection.ON_ARRIVAL_MAX_SCORE_DELAY.toMillis();

            h.harness.setProcessingTime(start + delay - 1);
            assertThat(h.alerts()).isEmpty();
            h.harness.setProcessingTime(start + delay);

            assertThat(h.operator.pendingScores()).isZero();
            assertThat(h.harness.extractOutputStreamRecords()).hasSize(1);
            Alert alert = h.alerts().get(0);
            assertThat(alert).isEqualTo(modelAlert("alice", 30, 3.0));

            h.tx("alice", 40, 50); // a new batch schedules a new flush
            h.harness.setProcessingTime(start + 2 * delay);
            assertThat(h.alerts()).extracting(Alert::getScore).containsExactly(4.0);
        }
    }

    /**
     * Random users, amounts and gaps, each user's transactions in event-time order but users
     * interleaved, watermarks from the 5-second bounded strategy at random points: on arrival gives
     * exactly the alerts of the watermark's replay, for tumbling, sliding and model rules.
     */
    @ParameterizedTest
    @ValueSource(longs = {1L, 7L, 42L})
    void onArrivalRaisesExactlyTheAlertsOfTheWatermarksReplay(long seed) throws Exception {
        List<Event> events = randomEvents(new Random(seed));
        FraudRule[] rules = {
            FraudRules.articleRule(),
            FraudRules.articleSlidingRule(),
            FraudRules.tumbling("tumbling-10s", "BURST", 500.0, 2, Duration.ofSeconds(10)),
            MINUTE_COUNT,
            OVER_MEAN
        };
        List<Alert> atWatermark = run(Evaluation.AT_WATERMARK, events, rules);
        List<Alert> onArrival = run(Evaluation.ON_ARRIVAL, events, rules);

        assertThat(atWatermark)
                .extracting(Alert::getRuleId)
                .contains(ARTICLE_RULE_ID, ARTICLE_SLIDING_RULE_ID, "tumbling-10s", MINUTE_COUNT_RULE, OVER_MEAN_RULE);
        assertThat(sorted(onArrival)).isEqualTo(sorted(atWatermark));
    }

    @Test
    void aRestoreKeepsWhatWasEvaluatedOnArrival() throws Exception {
        OperatorSubtaskState snapshot;
        try (DetectorHarness before = harness(Evaluation.ON_ARRIVAL, null, FraudRules.articleRule(), MINUTE_COUNT)) {
            before.tx("alice", 10, 2000);
            before.tx("alice", 20, 2000);
            before.tx("alice", 30, 2000);
            before.harness.prepareSnapshotPreBarrier(1L); // as the task does before the barrier
            snapshot = before.harness.snapshot(1L, 1L);
            // the barrier scored the batch: its alert is out before the snapshot, never in it
            assertThat(before.alerts()).extracting(Alert::getRuleId).containsExactly(MINUTE_COUNT_RULE);
        }
        try (DetectorHarness after = harness(Evaluation.ON_ARRIVAL, snapshot, FraudRules.articleRule(), MINUTE_COUNT)) {
            Transaction older = after.tx("alice", 29, 2000);
            assertThat(after.harness.getSideOutput(FraudDetection.LATE_TRANSACTIONS))
                    .containsExactly(new StreamRecord<>(older, t(29)));

            after.tx("alice", 40, 2000);
            after.tx("alice", 61, 1);
            after.harness.setProcessingTime(after.harness.getProcessingTime() + 10);
            // the restored window and features go on: the window closes with 61 as it arrives, and the
            // scores (four, then five in the minute) leave together after the score delay
            assertThat(after.alerts())
                    .containsExactly(
                            alert("alice", ARTICLE_RULE_ID, t(0), t(60), 4),
                            modelAlert("alice", 40, 4.0),
                            modelAlert("alice", 61, 5.0));
            after.watermark(Long.MAX_VALUE - 1);
            assertThat(after.stateEntries()).isZero();
            assertThat(after.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aJobSwitchesFromTheWatermarkToOnArrivalAtASavepointWithTransactionsWaiting() throws Exception {
        OperatorSubtaskState snapshot;
        try (DetectorHarness before = harness(Evaluation.AT_WATERMARK, null, FraudRules.articleSlidingRule())) {
            before.tx("alice", 50, 1200);
            before.tx("alice", 65, 1300);
            snapshot = before.harness.snapshot(1L, 1L);
        }
        try (DetectorHarness after = harness(Evaluation.ON_ARRIVAL, snapshot, FraudRules.articleSlidingRule())) {
            after.tx("alice", 60, 1400); // alice has transactions waiting: this one waits behind them
            assertThat(after.alerts()).isEmpty();
            after.watermark(t(65));
            assertThat(after.alerts()).containsExactly(alert("alice", ARTICLE_SLIDING_RULE_ID, t(50), t(110), 3));

            after.tx("alice", 200, 1500); // nothing waits any more: evaluated on arrival
            after.tx("alice", 210, 1500);
            after.tx("alice", 220, 1500);
            assertThat(after.alerts()).containsExactly(alert("alice", ARTICLE_SLIDING_RULE_ID, t(200), t(260), 3));
        }
    }

    @Test
    void aJobSwitchesBackToTheWatermarkAndAUsersOlderTransactionIsLateNotACrash() throws Exception {
        OperatorSubtaskState snapshot;
        try (DetectorHarness before = harness(Evaluation.ON_ARRIVAL, null, MINUTE_COUNT)) {
            before.tx("alice", 50, 10);
            snapshot = before.harness.snapshot(1L, 1L);
        }
        try (DetectorHarness after = harness(Evaluation.AT_WATERMARK, snapshot, MINUTE_COUNT)) {
            Transaction older = after.tx("alice", 49, 10);
            after.tx("alice", 51, 10);
            after.tx("alice", 52, 10);
            after.watermark(t(60));

            assertThat(after.harness.getSideOutput(FraudDetection.LATE_TRANSACTIONS))
                    .containsExactly(new StreamRecord<>(older, t(49)));
            assertThat(after.alerts()).containsExactly(modelAlert("alice", 52, 3.0));
        }
    }

    // ---------------------------------------------------------------------------------------

    private record Event(String user, long timestamp, double amount, long watermarkAfter) {}

    /** Users' transactions in per-user order, interleaved; watermarks as the bounded strategy emits them. */
    private static List<Event> randomEvents(Random random) {
        int users = 6;
        long[] next = new long[users];
        for (int u = 0; u < users; u++) {
            next[u] = t(random.nextInt(20));
        }
        long bound = FraudDetection.MAX_OUT_OF_ORDERNESS.toMillis();
        long maxSeen = Long.MIN_VALUE;
        long watermark = Long.MIN_VALUE;
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            // a user behind the watermark moves past it, so nothing is late
            int u = random.nextInt(users);
            if (next[u] <= watermark) {
                next[u] = watermark + 1 + random.nextInt(3000);
            }
            long ts = next[u];
            double amount = random.nextInt(10) < 4 ? 1000 + random.nextInt(4000) : 1 + random.nextInt(900);
            maxSeen = Math.max(maxSeen, ts);
            long emit = Long.MIN_VALUE;
            if (random.nextInt(5) == 0) {
                watermark = Math.max(watermark, maxSeen - bound - 1);
                emit = watermark;
            }
            events.add(new Event("user-" + u, ts, amount, emit));
            // gaps from the same millisecond to past an hour, so windows, spans and features all expire
            int kind = random.nextInt(100);
            long gap = kind < 5 ? 0 : kind < 90 ? random.nextInt(20_000) : kind < 98 ? 70_000 : 3_700_000L;
            next[u] = ts + gap;
        }
        return events;
    }

    private List<Alert> run(Evaluation evaluation, List<Event> events, FraudRule... rules) throws Exception {
        try (DetectorHarness h = harness(evaluation, null, rules)) {
            for (Event e : events) {
                h.harness.processElement(
                        new Transaction("tx-" + nextId++, e.user(), e.amount(), Instant.ofEpochMilli(e.timestamp())),
                        e.timestamp());
                if (e.watermarkAfter() != Long.MIN_VALUE) {
                    h.watermark(e.watermarkAfter());
                }
            }
            h.watermark(Long.MAX_VALUE - 1);
            assertThat(h.counter(LateData.LATE_RECORDS_METRIC)).isZero();
            assertThat(h.stateEntries()).isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
            return h.alerts();
        }
    }

    private static List<String> sorted(List<Alert> alerts) {
        return alerts.stream()
                .map(Alert::toString)
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    /** A minute-count model alert: its score is the count of the user's transactions in the minute. */
    private static Alert modelAlert(String user, double seconds, double score) {
        return new Alert(
                user,
                FraudRules.MODEL_SCORE,
                MINUTE_COUNT_RULE,
                Instant.ofEpochMilli(t(seconds) + 1 - TransactionFeatures.MINUTE.toMillis()),
                Instant.ofEpochMilli(t(seconds) + 1),
                (int) score,
                score,
                "m1");
    }

    private static DetectorHarness harness(Evaluation evaluation, OperatorSubtaskState restoreFrom, FraudRule... rules)
            throws Exception {
        FraudDetection detection = FraudDetection.builder()
                .setRules(rules)
                .setEvaluation(evaluation)
                .build();
        return new DetectorHarness(
                new FraudDetectorFunction(
                        detection.rules(),
                        detection.allowedLateness(),
                        detection.modelBatchSize(),
                        detection.evaluation()),
                restoreFrom,
                1,
                0);
    }
}
