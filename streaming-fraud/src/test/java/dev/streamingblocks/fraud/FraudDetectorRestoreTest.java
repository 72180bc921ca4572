package dev.streamingblocks.fraud;

import dev.streamingblocks.fraud.internal.FraudDetectorFunction;
import dev.streamingblocks.fraud.internal.RuleProgress;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.streamingblocks.fraud.FraudDetectorTest.t;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detector's state (pending transactions, per-rule progress, rule updates) survives a
 * snapshot and restore, serialized without Kryo.
 */
class FraudDetectorRestoreTest {

    @Test
    void progressAndRuleUpdatesSurviveARestore() throws Exception {
        FraudDetection.Pipeline pipeline = FraudDetection.builder()
                .setRules(FraudRules.articleRule(), FraudRules.articleSlidingRule())
                .build();
        FraudRule update = FraudRules.tumbling("two-large", "TWO_LARGE", 1000.0, 2, Duration.ofMinutes(1));

        OperatorSubtaskState snapshot;
        try (KeyedBroadcastOperatorTestHarness<String, Transaction, FraudRule, Alert> before =
                open(pipeline.detectorFunction(), null)) {
            before.processBroadcastElement(update, t(0));
            before.processElement(tx("alice", 50, 2000), t(50));
            before.processElement(tx("alice", 55, 2000), t(55));
            before.processWatermark(t(56)); // both counted, in the open windows and the span
            before.processElement(tx("alice", 65, 2000), t(65)); // still pending
            snapshot = before.snapshot(1L, 1L);
            assertThat(before.extractOutputValues()).isEmpty();
        }

        try (KeyedBroadcastOperatorTestHarness<String, Transaction, FraudRule, Alert> after =
                open(pipeline.detectorFunction(), snapshot)) {
            after.processWatermark(t(300));

            assertThat(after.extractOutputValues()).containsExactlyInAnyOrder(
                    new Alert("alice", "TWO_LARGE", "two-large", at(0), at(60), 2),
                    new Alert("alice", FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS,
                            FraudRules.ARTICLE_SLIDING_RULE_ID, at(50), at(110), 3));
            assertThat(after.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void stateTypesAreAvroAndPojoNotKryo() {
        assertThat(TypeInformation.of(Transaction.class)).isInstanceOf(AvroTypeInfo.class);
        assertThat(TypeInformation.of(Alert.class)).isInstanceOf(AvroTypeInfo.class);
        assertThat(TypeInformation.of(FraudRule.class)).isInstanceOf(AvroTypeInfo.class);
        assertThat(Types.POJO(RuleProgress.class)).isInstanceOf(PojoTypeInfo.class);
    }

    private static KeyedBroadcastOperatorTestHarness<String, Transaction, FraudRule, Alert> open(
            FraudDetectorFunction function, OperatorSubtaskState restoreFrom) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, Transaction, FraudRule, Alert> harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(function, List.of(FraudDetectorFunction.RULES)),
                        Transaction::getUserId, Types.STRING, 1, 1, 0);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        return harness;
    }

    private static Transaction tx(String user, double seconds, double amount) {
        return new Transaction("tx-" + seconds, user, amount, Instant.ofEpochMilli(t(seconds)));
    }

    private static Instant at(double seconds) {
        return Instant.ofEpochMilli(t(seconds));
    }
}
