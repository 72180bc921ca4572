package dev.streamingblocks.fraud;

import static dev.streamingblocks.fraud.FraudDetectorTest.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.window.LateData;
import dev.streamingblocks.fraud.internal.FraudDetectorFunction;
import dev.streamingblocks.fraud.internal.FraudDetectorOperator;
import dev.streamingblocks.fraud.internal.RuleProgress;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.fraud.testutils.MeteredKeyedBroadcastHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.StateObjectCollection;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The detector's state (pending transactions, per-rule progress, rule updates) survives a
 * snapshot and restore, serialized without Kryo, and so does lateness: a transaction late before
 * a failure is still late after the restore, before any new watermark has arrived.
 */
class FraudDetectorRestoreTest {

    private static final int MAX_PARALLELISM = 128;

    @Test
    void progressAndRuleUpdatesSurviveARestore() throws Exception {
        FraudDetection pipeline = FraudDetection.builder()
                .setRules(FraudRules.articleRule(), FraudRules.articleSlidingRule())
                .build();
        FraudRule update = FraudRules.tumbling("two-large", "TWO_LARGE", 1000.0, 2, Duration.ofMinutes(1));

        OperatorSubtaskState snapshot;
        try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> before =
                open(detectorFunction(pipeline), null)) {
            before.processBroadcastElement(update, t(0));
            before.processElement(tx("alice", 50, 2000), t(50));
            before.processElement(tx("alice", 55, 2000), t(55));
            before.processWatermark(t(56)); // both counted, in the open windows and the span
            before.processElement(tx("alice", 65, 2000), t(65)); // still pending
            snapshot = before.snapshot(1L, 1L);
            assertThat(before.extractOutputValues()).isEmpty();
        }

        try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> after =
                open(detectorFunction(pipeline), snapshot)) {
            after.processWatermark(t(300));

            assertThat(after.extractOutputValues())
                    .containsExactlyInAnyOrder(
                            new Alert("alice", "TWO_LARGE", "two-large", at(0), at(60), 2, null, null),
                            new Alert(
                                    "alice",
                                    FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS,
                                    FraudRules.ARTICLE_SLIDING_RULE_ID,
                                    at(50),
                                    at(110),
                                    3,
                                    null,
                                    null));
            assertThat(after.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aTransactionLateBeforeTheRestoreIsLateAfterItAndLeavesTheOpenTumblingWindowAlone() throws Exception {
        FraudDetection pipeline =
                FraudDetection.builder().setRules(FraudRules.articleRule()).build();
        OperatorSubtaskState snapshot;
        try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> before =
                open(detectorFunction(pipeline), null)) {
            before.processElement(tx("alice", 65, 2000), t(65));
            before.processElement(tx("alice", 70, 2000), t(70));
            before.processWatermark(t(75)); // both counted in alice's open window [60, 120)
            snapshot = before.snapshot(1L, 1L);
        }

        FraudDetectorFunction restored = detectorFunction(pipeline);
        try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> after = open(restored, snapshot)) {
            Transaction late = tx("alice", 10, 2000); // 65 s behind the watermark of the failed run
            after.processElement(late, t(10));
            assertThat(after.getSideOutput(FraudDetection.LATE_TRANSACTIONS))
                    .containsExactly(new StreamRecord<>(late, t(10)));
            assertThat(after.counter(LateData.LATE_RECORDS_METRIC)).isEqualTo(1L);

            after.processElement(tx("alice", 80, 2000), t(80));
            after.processWatermark(t(120) - 2);
            assertThat(after.extractOutputValues()).isEmpty();
            after.processWatermark(t(120) - 1);
            assertThat(after.extractOutputValues())
                    .containsExactly(new Alert(
                            "alice",
                            FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS,
                            FraudRules.ARTICLE_RULE_ID,
                            at(60),
                            at(120),
                            3,
                            null,
                            null));
            assertThat(keyedStateEntries(after)).isZero();
            assertThat(after.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aTransactionLateBeforeTheRestoreIsLateAfterItAndTheSlidingRuleAlertsAsWithoutTheFailure() throws Exception {
        FraudDetection pipeline = FraudDetection.builder()
                .setRules(FraudRules.articleSlidingRule())
                .build();
        Alert expected = new Alert(
                "alice",
                FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS,
                FraudRules.ARTICLE_SLIDING_RULE_ID,
                at(65),
                at(125),
                3,
                null,
                null);

        // The same input without a failure, as the reference.
        try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> reference =
                open(detectorFunction(pipeline), null)) {
            sendSlidingBeforeTheFailure(reference);
            sendSlidingAfterTheFailure(reference);
            assertThat(reference.extractOutputValues()).containsExactly(expected);
        }

        OperatorSubtaskState snapshot;
        try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> before =
                open(detectorFunction(pipeline), null)) {
            sendSlidingBeforeTheFailure(before);
            snapshot = before.snapshot(1L, 1L);
        }
        FraudDetectorFunction restored = detectorFunction(pipeline);
        try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> after = open(restored, snapshot)) {
            sendSlidingAfterTheFailure(after);

            assertThat(after.extractOutputValues()).containsExactly(expected);
            assertThat(after.getSideOutput(FraudDetection.LATE_TRANSACTIONS))
                    .containsExactly(new StreamRecord<>(tx("alice", 20, 2000), t(20)));
            assertThat(after.counter(LateData.LATE_RECORDS_METRIC)).isEqualTo(1L);
            assertThat(keyedStateEntries(after)).isZero();
            assertThat(after.numEventTimeTimers()).isZero();
        }
    }

    /** Alice's 50 and 65 are in the span when the watermark passes 66. */
    private static void sendSlidingBeforeTheFailure(
            MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> harness) throws Exception {
        harness.processElement(tx("alice", 50, 2000), t(50));
        harness.processElement(tx("alice", 65, 2000), t(65));
        harness.processWatermark(t(66));
    }

    /**
     * A transaction at 20, late, then 115 and 120: with 65 they are three in one span. Had the late
     * one been accepted, it would sit after 65 in the span and alert on (50, 65, 20).
     */
    private static void sendSlidingAfterTheFailure(
            MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> harness) throws Exception {
        harness.processElement(tx("alice", 20, 2000), t(20));
        harness.processElement(tx("alice", 115, 2000), t(115));
        harness.processElement(tx("alice", 120, 2000), t(120));
        harness.processWatermark(t(300));
    }

    @Test
    void aSnapshotWithoutTheWatermarkStateStillRestoresAndJudgesLatenessAsBefore() throws Exception {
        FraudDetection pipeline =
                FraudDetection.builder().setRules(FraudRules.articleRule()).build();
        OperatorSubtaskState snapshot;
        try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> before =
                open(detectorFunction(pipeline), null)) {
            before.processElement(tx("alice", 10, 2000), t(10));
            before.processElement(tx("alice", 20, 2000), t(20));
            before.processWatermark(t(30));
            snapshot = withoutOperatorState(before.snapshot(1L, 1L), "fraud-detector-watermark");
        }

        FraudDetectorFunction restored = detectorFunction(pipeline);
        try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> after = open(restored, snapshot)) {
            after.processElement(tx("alice", 25, 2000), t(25)); // no watermark known yet: counts
            after.processWatermark(t(60) - 1);

            assertThat(after.counter(LateData.LATE_RECORDS_METRIC)).isZero();
            assertThat(after.extractOutputValues())
                    .containsExactly(new Alert(
                            "alice",
                            FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS,
                            FraudRules.ARTICLE_RULE_ID,
                            at(0),
                            at(60),
                            3,
                            null,
                            null));
        }
    }

    @ParameterizedTest(name = "parallelism 2 to {0}")
    @ValueSource(ints = {1, 3})
    void aRescaledRestoreJudgesLatenessAgainstTheLowestWatermarkOfTheOldSubtasks(int newParallelism) throws Exception {
        FraudDetection pipeline =
                FraudDetection.builder().setRules(FraudRules.articleRule()).build();
        OperatorSubtaskState[] snapshots = new OperatorSubtaskState[2];
        long[] watermarks = {t(100), t(90)}; // can differ with unaligned checkpoints
        for (int subtask = 0; subtask < 2; subtask++) {
            try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> old =
                    open(detectorFunction(pipeline), null, 2, subtask)) {
                String user = userOf(subtask, 2);
                old.processElement(tx(user, 5, 2000), t(5));
                old.processWatermark(watermarks[subtask]);
                snapshots[subtask] = old.snapshot(1L, 1L);
            }
        }
        OperatorSubtaskState packed = AbstractStreamOperatorTestHarness.repackageState(snapshots);

        for (int subtask = 0; subtask < newParallelism; subtask++) {
            OperatorSubtaskState share = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    packed, MAX_PARALLELISM, 2, newParallelism, subtask);
            FraudDetectorFunction restored = detectorFunction(pipeline);
            try (MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> rescaled =
                    open(restored, share, newParallelism, subtask)) {
                String user = userOf(subtask, newParallelism);
                Transaction late = tx(user, 90, 2000); // at the lowest watermark: late
                rescaled.processElement(late, t(90));
                rescaled.processElement(tx(user, 90.001, 2000), t(90.001)); // late only for the highest

                assertThat(rescaled.getSideOutput(FraudDetection.LATE_TRANSACTIONS))
                        .containsExactly(new StreamRecord<>(late, t(90)));
                assertThat(rescaled.counter(LateData.LATE_RECORDS_METRIC)).isEqualTo(1L);
                assertThat(rescaled.numEventTimeTimers()).isEqualTo(1);
            }
        }
    }

    @Test
    void stateTypesAreAvroAndPojoNotKryo() {
        assertThat(TypeInformation.of(Transaction.class)).isInstanceOf(AvroTypeInfo.class);
        assertThat(TypeInformation.of(Alert.class)).isInstanceOf(AvroTypeInfo.class);
        assertThat(TypeInformation.of(FraudRule.class)).isInstanceOf(AvroTypeInfo.class);
        assertThat(Types.POJO(RuleProgress.class)).isInstanceOf(PojoTypeInfo.class);
    }

    private static MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> open(
            FraudDetectorFunction function, OperatorSubtaskState restoreFrom) throws Exception {
        return open(function, restoreFrom, 1, 0);
    }

    private static MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> open(
            FraudDetectorFunction function, OperatorSubtaskState restoreFrom, int parallelism, int subtask)
            throws Exception {
        MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> harness =
                MeteredKeyedBroadcastHarness.create(
                        new FraudDetectorOperator(function),
                        Transaction::getUserId,
                        Types.STRING,
                        MAX_PARALLELISM,
                        parallelism,
                        subtask);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        return harness;
    }

    /** The snapshot as a savepoint taken before the named operator state existed would be. */
    private static OperatorSubtaskState withoutOperatorState(OperatorSubtaskState snapshot, String name) {
        List<OperatorStateHandle> handles = new ArrayList<>();
        for (OperatorStateHandle handle : snapshot.getManagedOperatorState()) {
            Map<String, OperatorStateHandle.StateMetaInfo> offsets =
                    new HashMap<>(handle.getStateNameToPartitionOffsets());
            assertThat(offsets.remove(name)).isNotNull();
            handles.add(new OperatorStreamStateHandle(offsets, handle.getDelegateStateHandle()));
        }
        return OperatorSubtaskState.builder()
                .setManagedOperatorState(new StateObjectCollection<>(handles))
                .setManagedKeyedState(snapshot.getManagedKeyedState())
                .setRawKeyedState(snapshot.getRawKeyedState())
                .build();
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

    private static int keyedStateEntries(MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> harness) {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    private static Transaction tx(String user, double seconds, double amount) {
        return new Transaction("tx-" + seconds, user, amount, Instant.ofEpochMilli(t(seconds)));
    }

    private static Instant at(double seconds) {
        return Instant.ofEpochMilli(t(seconds));
    }

    private static FraudDetectorFunction detectorFunction(FraudDetection detection) {
        return new FraudDetectorFunction(detection.rules(), detection.allowedLateness());
    }
}
