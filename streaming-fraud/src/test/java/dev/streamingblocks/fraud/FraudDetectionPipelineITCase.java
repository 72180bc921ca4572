package dev.streamingblocks.fraud;

import static dev.streamingblocks.fraud.rules.FraudRules.ARTICLE_RULE_ID;
import static dev.streamingblocks.fraud.rules.FraudRules.ARTICLE_SLIDING_RULE_ID;
import static dev.streamingblocks.fraud.rules.FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.fraud.rules.FraudRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The composable pipeline on a MiniCluster at parallelism 2 with generic types disabled: a finite
 * source injected in place of Kafka, alerts collected with {@code executeAndCollect}.
 */
class FraudDetectionPipelineITCase {

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    @Test
    void detectsTheArticleBurstAndTheStraddlingBurstWithFixedRules() throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);

        DataStream<Transaction> transactions = env.fromData(
                        TypeInformation.of(Transaction.class),
                        tx("alice", 10, 1500.00),
                        tx("alice", 20, 1000.00), // exactly 1000: does not count
                        tx("bob", 50, 1200.00),
                        tx("alice", 40, 3000.00),
                        tx("alice", 36, 2500.00), // out of order within 5 s
                        tx("bob", 65, 1300.00),
                        tx("bob", 70, 1400.00),
                        tx("carol", 80, 9000.00),
                        tx("carol", 150, 9000.00))
                .assignTimestampsAndWatermarks(FraudDetection.watermarkStrategy())
                .setParallelism(1); // one ordered feed, as one Kafka partition would be

        DataStream<Alert> alerts = FraudDetection.builder()
                .setRules(FraudRules.articleRule(), FraudRules.articleSlidingRule())
                .build()
                .apply(transactions);

        List<Alert> collected = new ArrayList<>();
        alerts.executeAndCollect().forEachRemaining(collected::add);

        assertThat(collected)
                .containsExactlyInAnyOrder(
                        alert("alice", ARTICLE_RULE_ID, 0, 60),
                        alert("alice", ARTICLE_SLIDING_RULE_ID, 10, 70),
                        alert("bob", ARTICLE_SLIDING_RULE_ID, 50, 110));
    }

    /**
     * Transactions arrive one per checkpoint, with pauses far longer than the idle timeout in
     * between, so the transactions input goes idle again and again, as a live topic does between
     * bursts or before its first record. The rules input must never lend the detector a watermark
     * then: the transactions after each pause still count.
     */
    @Test
    void transactionsAfterTheirInputWasIdleStillCount() throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(10));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(200);

        // Each record moves the watermark here, so out-of-order records stay within the 5 s bound.
        long[][] txs = { // user index, second, amount
            {0, 10, 1500},
            {0, 20, 1000},
            {0, 40, 3000},
            {0, 36, 2500},
            {1, 50, 1200},
            {1, 65, 1300},
            {1, 70, 1400},
            {2, 80, 9000},
            {2, 150, 9000}
        };
        String[] users = {"alice", "bob", "carol"};
        DataGeneratorSource<Transaction> source = new DataGeneratorSource<>(
                i -> tx(users[(int) txs[i.intValue()][0]], txs[i.intValue()][1], txs[i.intValue()][2]),
                txs.length,
                RateLimiterStrategy.perCheckpoint(1),
                TypeInformation.of(Transaction.class));
        DataStream<Transaction> transactions = env.fromSource(
                        source, FraudDetection.watermarkStrategy().withIdleness(Duration.ofMillis(20)), "transactions")
                .setParallelism(1);

        DataStream<Alert> alerts = FraudDetection.builder()
                .setRules(FraudRules.articleRule(), FraudRules.articleSlidingRule())
                .build()
                .apply(transactions);

        List<Alert> collected = new ArrayList<>();
        alerts.executeAndCollect().forEachRemaining(collected::add);

        assertThat(collected)
                .containsExactlyInAnyOrder(
                        alert("alice", ARTICLE_RULE_ID, 0, 60),
                        alert("alice", ARTICLE_SLIDING_RULE_ID, 10, 70),
                        alert("bob", ARTICLE_SLIDING_RULE_ID, 50, 110));
    }

    @Test
    void everyStatefulOperatorCarriesItsStableUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<Transaction> transactions = env.fromData(TypeInformation.of(Transaction.class), tx("a", 0, 1));

        DataStream<Alert> alerts = FraudDetection.builder()
                .setRules(FraudRules.articleRule())
                .build()
                .apply(transactions);

        List<String> uids = new ArrayList<>();
        collectUids(alerts.getTransformation(), uids);
        assertThat(alerts.getTransformation().getUid()).isEqualTo(FraudDetection.DETECTOR_UID);
        assertThat(uids)
                .containsExactlyInAnyOrder(
                        FraudDetection.DETECTOR_UID,
                        FraudDetection.RULE_UPDATES_UID,
                        FraudDetection.NO_RULE_UPDATES_UID);
    }

    private static void collectUids(Transformation<?> transformation, List<String> uids) {
        if (transformation.getUid() != null) {
            uids.add(transformation.getUid());
        }
        transformation.getInputs().forEach(input -> collectUids(input, uids));
    }

    private static Transaction tx(String user, long seconds, double amount) {
        return new Transaction("tx-" + user + "-" + seconds, user, amount, BEGINNING.plusSeconds(seconds));
    }

    private static Alert alert(String user, String ruleId, long startSeconds, long endSeconds) {
        return new Alert(
                user,
                HIGH_FREQUENCY_LARGE_TRANSACTIONS,
                ruleId,
                BEGINNING.plusSeconds(startSeconds),
                BEGINNING.plusSeconds(endSeconds),
                3,
                null,
                null);
    }
}
