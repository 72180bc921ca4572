package dev.streamingblocks.examples.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The shipped model in the fraud pipeline on a MiniCluster (parallelism 2), over generator data it
 * was not trained on ({@value #SEED}, bursts across minute boundaries included): how many of the
 * injected burst transactions it alerts on (recall) and how many of its alerts are burst
 * transactions (precision), next to the article's tumbling rule. docs/fraud-model.md records these.
 */
class FraudModelScoringITCase {

    static final long SEED = 7L;
    static final int TRANSACTIONS = 8_000;

    @Test
    void theShippedModelCatchesTheGeneratorsBurstsIncludingThoseAcrossAMinuteBoundary() throws Exception {
        List<Transaction> txs = FraudModelTrainer.transactions(SEED, TRANSACTIONS);
        Set<String> fraudTx = new HashSet<>();
        TreeMap<String, Boolean> bursts = new TreeMap<>(); // fraudster -> straddles a minute boundary
        for (Transaction tx : txs) {
            if (tx.getUserId().startsWith(FraudModelTrainer.FRAUD_PREFIX)) {
                fraudTx.add(key(tx.getUserId(), tx.getTimestamp().toEpochMilli()));
                long minute = tx.getTimestamp().toEpochMilli() / 60_000;
                bursts.merge(tx.getUserId(), false, (a, b) -> a);
                minutes(tx.getUserId(), minute);
            }
        }
        Set<String> straddling = straddlingBursts();

        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        DataStream<Transaction> source = env.fromData(
                        TypeInformation.of(Transaction.class),
                        new TransactionGenerator(
                                        SEED,
                                        FraudModelTrainer.START,
                                        FraudModelTrainer.SPACING,
                                        FraudModelTrainer.FRAUD_EVERY,
                                        TransactionGenerator.BurstPlacement.ACROSS_NEAR_MINUTE_BOUNDARIES)
                                .next(TRANSACTIONS)
                                .toArray(new Transaction[0]))
                .assignTimestampsAndWatermarks(FraudDetection.watermarkStrategy())
                .setParallelism(1);
        FraudRule model = FraudJob.shippedModelRule(FraudJob.DEFAULT_MODEL_THRESHOLD);
        List<Alert> alerts = new ArrayList<>();
        FraudDetection.builder()
                .setRules(FraudRules.articleRule(), model)
                .build()
                .apply(source)
                .executeAndCollect()
                .forEachRemaining(alerts::add);

        List<Alert> modelAlerts = alerts.stream()
                .filter(a -> a.getRuleId().equals(FraudJob.MODEL_RULE_ID))
                .toList();
        long truePositives = modelAlerts.stream()
                .filter(a ->
                        fraudTx.contains(key(a.getUserId(), a.getWindowEnd().toEpochMilli() - 1)))
                .count();
        Set<String> caught = modelAlerts.stream()
                .map(Alert::getUserId)
                .filter(u -> u.startsWith(FraudModelTrainer.FRAUD_PREFIX))
                .collect(Collectors.toSet());
        Set<String> caughtByTumbling = alerts.stream()
                .filter(a -> a.getRuleId().equals(FraudRules.ARTICLE_RULE_ID))
                .map(Alert::getUserId)
                .collect(Collectors.toSet());
        long straddlingCaught = straddling.stream().filter(caught::contains).count();

        System.out.printf(
                "model: %d alerts, %d on burst transactions of %d; bursts caught %d of %d "
                        + "(straddling %d of %d); tumbling rule caught %d bursts%n",
                modelAlerts.size(),
                truePositives,
                fraudTx.size(),
                caught.size(),
                bursts.size(),
                straddlingCaught,
                straddling.size(),
                caughtByTumbling.size());

        assertThat(modelAlerts)
                .allMatch(a -> a.getModelVersion().equals(model.getModel().getVersion())
                        && a.getScore() > FraudJob.DEFAULT_MODEL_THRESHOLD
                        && a.getScore() <= 1.0);
        List<Alert> falsePositives = modelAlerts.stream()
                .filter(a ->
                        !fraudTx.contains(key(a.getUserId(), a.getWindowEnd().toEpochMilli() - 1)))
                .toList();
        assertThat(bursts).hasSize(205);
        assertThat(straddling).hasSize(12);
        assertThat(fraudTx).hasSize(3 * 205);
        // recall 615/615 = 1.0; precision 615/654 = 0.940: every false alert is a cold start, an
        // ordinary user's transaction in the stream's first minute, when the user is as new to the
        // state as each fraudster is
        assertThat(truePositives).isEqualTo(fraudTx.size());
        assertThat(modelAlerts).hasSize(654);
        assertThat(falsePositives)
                .hasSize(39)
                .allMatch(a -> a.getUserId().startsWith("user-")
                        && a.getWindowEnd().isBefore(FraudModelTrainer.START.plusSeconds(60)));
        assertThat(caught).hasSize(bursts.size());
        assertThat(straddlingCaught).isEqualTo(straddling.size());
        // the tumbling rule misses exactly the straddling bursts
        assertThat(caughtByTumbling).hasSize(bursts.size() - straddling.size()).doesNotContainAnyElementsOf(straddling);
    }

    private final TreeMap<String, Set<Long>> minutesByBurst = new TreeMap<>();

    private void minutes(String user, long minute) {
        minutesByBurst.computeIfAbsent(user, u -> new HashSet<>()).add(minute);
    }

    private Set<String> straddlingBursts() {
        return minutesByBurst.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey())
                .collect(Collectors.toSet());
    }

    private static String key(String user, long timestamp) {
        return user + "@" + timestamp;
    }
}
