package dev.streamingblocks.fraud;

import static dev.streamingblocks.fraud.rules.FraudRules.ARTICLE_RULE_ID;
import static dev.streamingblocks.fraud.rules.FraudRules.ARTICLE_SLIDING_RULE_ID;
import static dev.streamingblocks.fraud.rules.FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.window.LateData;
import dev.streamingblocks.fraud.internal.FraudDetectorFunction;
import dev.streamingblocks.fraud.internal.FraudDetectorOperator;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.fraud.testutils.DetectorHarness;
import dev.streamingblocks.fraud.testutils.MeteredKeyedBroadcastHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

/** Drives the detector operator with explicit watermarks; time is anchored at {@link #BEGINNING}. */
class FraudDetectorTest {

    static final Instant BEGINNING = DetectorHarness.BEGINNING;

    private static final long BOUND = FraudDetection.MAX_OUT_OF_ORDERNESS.toMillis();

    private int nextId;
    private long maxSeen = Long.MIN_VALUE;

    @Test
    void articleRuleAlertsAtTheWindowEndOnThreeTransactionsStrictlyOverOneThousand() throws Exception {
        try (Harness h = harness(FraudRules.articleRule())) {
            h.tx("alice", 1, 1000.00); // exactly 1000 does not count
            h.tx("alice", 10, 1500.00);
            h.tx("alice", 20, 2000.00);
            h.tx("alice", 30, 1000.01);
            h.tx("bob", 5, 1000.00);
            h.tx("bob", 6, 1000.00);
            h.tx("bob", 7, 1000.00);
            h.tx("bob", 8, 5000.00);

            h.watermark(t(60) - 2);
            assertThat(h.alerts()).isEmpty();

            h.watermark(t(60) - 1);
            assertThat(h.alerts()).containsExactly(alert("alice", ARTICLE_RULE_ID, t(0), t(60), 3));
        }
    }

    @Test
    void windowBoundariesSplitABurstForTheTumblingRule() throws Exception {
        try (Harness h = harness(FraudRules.articleRule())) {
            h.tx("alice", 58, 2000);
            h.tx("alice", 59.999, 2000);
            h.tx("alice", 60, 2000); // first instant of the next window
            h.tx("alice", 119.999, 2000);

            h.watermark(t(200));

            assertThat(h.alerts()).isEmpty();
            assertThat(h.stateEntries()).isZero();
        }
    }

    @Test
    void outOfOrderTransactionsWithinTheBoundCountAndOlderOnesGoToTheLateSideOutput() throws Exception {
        try (Harness h = harness(FraudRules.articleRule())) {
            h.txWithBoundedWatermark("alice", 30, 2000);
            h.txWithBoundedWatermark("alice", 25, 2000); // exactly 5 s behind: still on time
            h.txWithBoundedWatermark("alice", 27, 2000);
            Transaction late = h.txWithBoundedWatermark("alice", 24.999, 2000); // beyond the bound

            assertThat(h.harness.getSideOutput(FraudDetection.LATE_TRANSACTIONS))
                    .containsExactly(new StreamRecord<>(late, t(24.999)));
            assertThat(h.lateRecordsMetric()).isEqualTo(1L);

            h.watermark(t(60) - 1);
            assertThat(h.alerts()).containsExactly(alert("alice", ARTICLE_RULE_ID, t(0), t(60), 3));
        }
    }

    @Test
    void allowedLatenessAdmitsLaterTransactionsAndDelaysAlertsByAsMuch() throws Exception {
        try (Harness h = harness(Duration.ofSeconds(10), FraudRules.articleRule())) {
            h.tx("alice", 10, 2000);
            h.tx("alice", 30, 2000);
            h.watermark(t(35));
            h.tx("alice", 25.001, 2000); // 9.999 s behind the watermark: still counts
            Transaction late = h.tx("alice", 25, 2000); // 10 s behind: late

            assertThat(h.harness.getSideOutput(FraudDetection.LATE_TRANSACTIONS))
                    .containsExactly(new StreamRecord<>(late, t(25)));
            h.watermark(t(70) - 2);
            assertThat(h.alerts()).isEmpty();
            h.watermark(t(70) - 1);
            assertThat(h.alerts()).containsExactly(alert("alice", ARTICLE_RULE_ID, t(0), t(60), 3));
            assertThat(h.stateEntries()).isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void slidingRuleCatchesABurstStraddlingAMinuteBoundaryThatTheTumblingRuleMisses() throws Exception {
        try (Harness h = harness(FraudRules.articleRule(), FraudRules.articleSlidingRule())) {
            h.tx("alice", 50, 1200); // 12:00:50
            h.tx("alice", 65, 1300); // 12:01:05
            h.tx("alice", 70, 1400); // 12:01:10

            h.watermark(t(300));

            assertThat(h.alerts()).containsExactly(alert("alice", ARTICLE_SLIDING_RULE_ID, t(50), t(110), 3));
        }
    }

    @Test
    void slidingRuleNeedsAllTransactionsWithinOneSpan() throws Exception {
        try (Harness h = harness(FraudRules.articleSlidingRule())) {
            h.tx("alice", 0, 2000);
            h.tx("alice", 30, 2000);
            h.tx("alice", 60, 2000); // exactly 60 s after the first: not in the same span

            h.watermark(t(300));

            assertThat(h.alerts()).isEmpty();
        }
    }

    @Test
    void slidingRuleAlertsOncePerBurstAndAgainForANewBurst() throws Exception {
        try (Harness h = harness(FraudRules.articleSlidingRule())) {
            for (int i = 0; i < 6; i++) {
                h.tx("alice", 10 + i * 5, 3000); // 6 large transactions in 25 s: one burst
            }
            h.tx("alice", 80, 3000); // 3 in the span (40..80]: the burst goes on
            h.watermark(t(100));
            assertThat(h.alerts()).containsExactly(alert("alice", ARTICLE_SLIDING_RULE_ID, t(10), t(70), 3));

            h.tx("alice", 200, 3000); // quiet for over a minute, then a new burst
            h.tx("alice", 201, 3000);
            h.tx("alice", 202, 3000);
            h.watermark(t(300));
            assertThat(h.alerts()).containsExactly(alert("alice", ARTICLE_SLIDING_RULE_ID, t(200), t(260), 3));
        }
    }

    @Test
    void stateAndTimersAreBackToZeroAfterUsersGoQuiet() throws Exception {
        try (Harness h = harness(FraudRules.articleRule(), FraudRules.articleSlidingRule())) {
            h.tx("alice", 50, 2000);
            h.tx("alice", 65, 2000);
            h.tx("alice", 70, 2000);
            h.tx("bob", 10, 20);
            h.tx("carol", 119, 5000);
            assertThat(h.stateEntries()).isEqualTo(3); // pending transactions of three users
            assertThat(h.harness.numEventTimeTimers()).isEqualTo(5);

            h.watermark(t(75));
            assertThat(h.stateEntries()).isEqualTo(2); // alice: open window and span; carol: pending

            h.watermark(t(119) + FraudRules.WINDOW.toMillis());
            assertThat(h.alerts()).hasSize(1);
            assertThat(h.stateEntries()).isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void severalRulesRunSideBySide() throws Exception {
        FraudRule small = FraudRules.tumbling("many-small", "MANY_SMALL", 10.0, 4, Duration.ofMinutes(1));
        try (Harness h = harness(FraudRules.articleRule(), small)) {
            h.tx("alice", 1, 20);
            h.tx("alice", 2, 2000);
            h.tx("alice", 3, 3000);
            h.tx("alice", 4, 4000);

            h.watermark(t(60) - 1);

            assertThat(h.alerts())
                    .containsExactlyInAnyOrder(
                            alert("alice", ARTICLE_RULE_ID, t(0), t(60), 3),
                            new Alert(
                                    "alice",
                                    "MANY_SMALL",
                                    "many-small",
                                    Instant.ofEpochMilli(t(0)),
                                    Instant.ofEpochMilli(t(60)),
                                    4,
                                    null,
                                    null));
        }
    }

    @Test
    void ruleUpdatesApplyWhileRunningWithoutLosingDetectorState() throws Exception {
        try (Harness h = harness(FraudRules.articleRule())) {
            h.tx("alice", 10, 2000);
            h.tx("alice", 20, 2000);
            h.watermark(t(30)); // both are counted in alice's open window

            // the same rule id, now with a lower count: the two counted transactions still count
            h.rule(FraudRules.tumbling(ARTICLE_RULE_ID, "TWO_LARGE", 1000.0, 2, Duration.ofMinutes(1)));
            h.rule(FraudRules.sliding("new-rule", "NEW", 500.0, 1, Duration.ofSeconds(30)));
            h.tx("alice", 40, 600);
            h.watermark(t(60) - 1);

            assertThat(h.alerts())
                    .containsExactlyInAnyOrder(
                            new Alert(
                                    "alice",
                                    "TWO_LARGE",
                                    ARTICLE_RULE_ID,
                                    Instant.ofEpochMilli(t(0)),
                                    Instant.ofEpochMilli(t(60)),
                                    2,
                                    null,
                                    null),
                            new Alert(
                                    "alice",
                                    "NEW",
                                    "new-rule",
                                    Instant.ofEpochMilli(t(40)),
                                    Instant.ofEpochMilli(t(70)),
                                    1,
                                    null,
                                    null));
        }
    }

    @Test
    void deletingARuleDiscardsItsOpenWindows() throws Exception {
        try (Harness h = harness(FraudRules.articleRule())) {
            h.tx("alice", 10, 2000);
            h.tx("alice", 20, 2000);
            h.tx("alice", 30, 2000);
            h.watermark(t(40));

            h.rule(FraudRules.deletion(ARTICLE_RULE_ID));
            h.watermark(t(200));

            assertThat(h.alerts()).isEmpty();
            assertThat(h.stateEntries()).isZero();
        }
    }

    @Test
    void anInvalidRuleUpdateIsRejectedByNameAndChangesNothing() throws Exception {
        try (Harness h = harness(FraudRules.articleRule())) {
            FraudRule broken = FraudRule.newBuilder(FraudRules.articleRule())
                    .setMinCount(0)
                    .build();
            h.rule(broken);

            h.tx("alice", 10, 2000);
            h.tx("alice", 20, 2000);
            h.tx("alice", 30, 2000);
            h.watermark(t(60) - 1);

            assertThat(h.harness.getSideOutput(FraudDetection.REJECTED_RULES))
                    .containsExactly(new StreamRecord<>(
                            "rule '" + ARTICLE_RULE_ID + "': min_count must be at least 1, was 0", t(0)));
            assertThat(h.alerts()).containsExactly(alert("alice", ARTICLE_RULE_ID, t(0), t(60), 3));
        }
    }

    @Test
    void aTransactionWithoutTimestampIsRefusedByName() throws Exception {
        try (Harness h = harness(FraudRules.articleRule())) {
            Transaction tx = new Transaction("tx-9", "alice", 10.0, Instant.ofEpochMilli(t(1)));
            assertThatThrownBy(() -> h.harness.processElement(new StreamRecord<>(tx)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Transaction 'tx-9' has no event timestamp: read transactions with"
                            + " FraudDetection.watermarkStrategy()");
        }
    }

    @Test
    void builderNamesTheOffendingRule() {
        assertThatThrownBy(() -> FraudDetection.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rules must contain at least one rule");
        assertThatThrownBy(() -> FraudDetection.builder()
                        .setRules(FraudRules.articleRule())
                        .setAllowedLateness(Duration.ofSeconds(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowedLateness must not be negative, was PT-1S");
        assertThatThrownBy(() -> FraudDetection.builder()
                        .setRules(FraudRules.articleRule())
                        .setModelBatchSize(0)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("modelBatchSize must be at least 1, was 0");
        assertThat(FraudDetection.builder()
                        .setRules(FraudRules.articleRule())
                        .build()
                        .modelBatchSize())
                .isEqualTo(FraudDetection.DEFAULT_MODEL_BATCH_SIZE)
                .isEqualTo(64);
        assertThatThrownBy(() -> FraudDetection.builder()
                        .setRules(FraudRules.articleRule(), FraudRules.articleRule())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rules: rule id 'article-tumbling-1m' is used twice");
        assertThatThrownBy(() -> FraudDetection.builder()
                        .setRules(FraudRules.deletion("x"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rules: rule 'x' is a deletion, not a rule");
        assertThatThrownBy(() -> FraudRules.tumbling("r", "A", 1.0, 3, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rule 'r': window_millis must be positive, was 0");
        assertThatThrownBy(() -> FraudRules.sliding(" ", "A", 1.0, 3, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rule_id must not be blank");
        assertThatThrownBy(() -> FraudRules.sliding("r", "", 1.0, 3, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rule 'r': alert_type must not be blank");
    }

    // ---------------------------------------------------------------------------------------

    static long t(double seconds) {
        return DetectorHarness.t(seconds);
    }

    static Alert alert(String user, String ruleId, long start, long end, int count) {
        return new Alert(
                user,
                HIGH_FREQUENCY_LARGE_TRANSACTIONS,
                ruleId,
                Instant.ofEpochMilli(start),
                Instant.ofEpochMilli(end),
                count,
                null,
                null);
    }

    private Harness harness(FraudRule... rules) throws Exception {
        return harness(FraudDetection.DEFAULT_ALLOWED_LATENESS, rules);
    }

    private Harness harness(Duration allowedLateness, FraudRule... rules) throws Exception {
        FraudDetection detection = FraudDetection.builder()
                .setRules(rules)
                .setAllowedLateness(allowedLateness)
                .build();
        FraudDetectorFunction function = new FraudDetectorFunction(detection.rules(), detection.allowedLateness());
        MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> harness =
                MeteredKeyedBroadcastHarness.create(
                        new FraudDetectorOperator(function), Transaction::getUserId, Types.STRING, 1, 1, 0);
        harness.open();
        // as in the pipeline: the rules input never holds event time back
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        return new Harness(harness);
    }

    private final class Harness implements AutoCloseable {
        final MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> harness;

        Harness(MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> harness) {
            this.harness = harness;
        }

        /** The detector's {@value LateData#LATE_RECORDS_METRIC} counter. */
        long lateRecordsMetric() {
            return harness.counter(LateData.LATE_RECORDS_METRIC);
        }

        Transaction tx(String user, double seconds, double amount) throws Exception {
            Transaction tx = new Transaction("tx-" + nextId++, user, amount, Instant.ofEpochMilli(t(seconds)));
            harness.processElement(tx, t(seconds));
            return tx;
        }

        /** Sends a transaction, then the watermark the 5-second bounded strategy would emit. */
        Transaction txWithBoundedWatermark(String user, double seconds, double amount) throws Exception {
            Transaction tx = tx(user, seconds, amount);
            maxSeen = Math.max(maxSeen, t(seconds));
            watermark(maxSeen - BOUND - 1);
            return tx;
        }

        void rule(FraudRule rule) throws Exception {
            harness.processBroadcastElement(rule, t(0));
        }

        void watermark(long timestamp) throws Exception {
            harness.processWatermark(timestamp);
        }

        List<Alert> alerts() {
            List<Alert> alerts = harness.extractOutputValues();
            harness.getOutput().clear();
            return alerts;
        }

        int stateEntries() {
            return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
        }

        @Override
        public void close() throws Exception {
            harness.close();
        }
    }
}
