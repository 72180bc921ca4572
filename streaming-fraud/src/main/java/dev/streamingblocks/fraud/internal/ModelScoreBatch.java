package dev.streamingblocks.fraud.internal;

import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.model.FraudModel;
import dev.streamingblocks.fraud.model.TransactionFeatures;
import dev.streamingblocks.fraud.rules.FraudRule;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model scores one detector subtask owes, batched across users: the event-time replay adds a
 * feature vector per transaction and model rule set, and each model rule scores all pending vectors
 * in one ONNX Runtime run, whose cost is mostly per run (docs/benchmarks.md). A batch is scored when
 * it holds {@code capacity} vectors and whenever {@link FraudDetectorOperator} flushes it: after the
 * timers of a watermark fired and before the watermark goes on, so no alert is ever behind the
 * watermark. Every vector in a batch was computed under the same model rules (a rule update
 * flushes first), so a swap never scores a transaction with a model it was not replayed under.
 *
 * <p>A run that fails for the batch is retried one vector at a time, so one bad vector cannot take
 * the others' scores with it; a vector that fails alone goes to {@link FraudDetection#SCORING_FAILURES}
 * with the transaction, rule and cause, and is counted in {@value FraudDetection#SCORING_FAILURES_METRIC}.
 */
final class ModelScoreBatch {

    private static final Logger LOG = LoggerFactory.getLogger(ModelScoreBatch.class);

    /** A model rule as it scores: the rule's threshold and alert type, and its loaded model. */
    record ModelRule(FraudRule rule, FraudModel model) {}

    private final int capacity;
    private final Output<StreamRecord<Alert>> output;
    private final StreamRecord<Alert> alertRecord = new StreamRecord<>(null);
    private final Counter scores;
    private final Counter nonFiniteScores;
    private final Counter runs;
    private final Counter failures;

    /** The model rules every pending vector was computed under. */
    private List<ModelRule> rules;

    private int size;
    private String[] users = new String[0];
    private Transaction[] transactions = new Transaction[0];
    /** The event time of the replay that computed the vector, and the timer (record) timestamp. */
    private long[] times = new long[0];

    private long[] timestamps = new long[0];
    private float[][] vectors = new float[0][];

    ModelScoreBatch(int capacity, Output<StreamRecord<Alert>> output, MetricGroup metrics) {
        this.capacity = capacity;
        this.output = output;
        this.scores = metrics.counter(FraudDetection.MODEL_SCORES_METRIC);
        this.nonFiniteScores = metrics.counter(FraudDetection.NON_FINITE_SCORES_METRIC);
        this.runs = metrics.counter(FraudDetection.MODEL_RUNS_METRIC);
        this.failures = metrics.counter(FraudDetection.SCORING_FAILURES_METRIC);
    }

    /** Adds one transaction's vector for every rule of {@code rules}; scores the batch when it is full. */
    void add(List<ModelRule> rules, String user, Transaction tx, long time, long timestamp, float[] vector) {
        if (output == null) {
            throw new IllegalStateException(
                    "FraudDetectorFunction scores models only inside FraudDetectorOperator, which flushes its batches");
        }
        if (size > 0 && rules != this.rules) {
            flush();
        }
        this.rules = rules;
        if (size == users.length) {
            int grown = Math.min(capacity, Math.max(8, size * 2));
            users = Arrays.copyOf(users, grown);
            transactions = Arrays.copyOf(transactions, grown);
            times = Arrays.copyOf(times, grown);
            timestamps = Arrays.copyOf(timestamps, grown);
            vectors = Arrays.copyOf(vectors, grown);
        }
        users[size] = user;
        transactions[size] = tx;
        times[size] = time;
        timestamps[size] = timestamp;
        vectors[size] = vector;
        size++;
        if (size >= capacity) {
            flush();
        }
    }

    /** Vectors waiting to be scored. */
    int size() {
        return size;
    }

    /** Scores every pending vector with every model rule and emits the alerts, in replay order. */
    void flush() {
        if (size == 0) {
            return;
        }
        try {
            float[][] byRule = new float[rules.size()][];
            Exception[][] failed = new Exception[rules.size()][];
            for (int r = 0; r < byRule.length; r++) {
                failed[r] = new Exception[size];
                byRule[r] = score(rules.get(r), failed[r]);
            }
            for (int i = 0; i < size; i++) {
                for (int r = 0; r < byRule.length; r++) {
                    emit(rules.get(r), i, byRule[r][i], failed[r][i]);
                }
            }
        } finally {
            Arrays.fill(transactions, 0, size, null);
            Arrays.fill(vectors, 0, size, null);
            Arrays.fill(users, 0, size, null);
            size = 0;
        }
    }

    private float[] score(ModelRule rule, Exception[] failed) {
        FraudModel model = rule.model();
        try {
            runs.inc(model.batches() ? 1 : size);
            return model.score(vectors, size);
        } catch (Exception batchFailure) {
            if (size == 1) {
                failed[0] = batchFailure;
                LOG.warn(
                        "Model {} of fraud rule '{}' could not score a transaction: {}",
                        model.source(),
                        rule.rule().getRuleId(),
                        batchFailure.getMessage());
                return new float[1];
            }
            LOG.warn(
                    "Model {} of fraud rule '{}' failed on a batch of {} transactions ({}); scoring them one by one",
                    model.source(),
                    rule.rule().getRuleId(),
                    size,
                    batchFailure.getMessage());
        }
        float[] scores = new float[size];
        int failures = 0;
        for (int i = 0; i < size; i++) {
            try {
                runs.inc();
                scores[i] = model.score(vectors[i]);
            } catch (Exception e) {
                failed[i] = e;
                failures++;
            }
        }
        if (failures > 0) {
            LOG.warn(
                    "Model {} of fraud rule '{}' could not score {} of {} transactions; they go to the scoring failures",
                    model.source(),
                    rule.rule().getRuleId(),
                    failures,
                    size);
        }
        return scores;
    }

    private void emit(ModelRule modelRule, int i, float score, Exception failure) {
        FraudRule rule = modelRule.rule();
        if (failure != null) {
            failures.inc();
            String message = "Model version '" + modelRule.model().version() + "' of rule '" + rule.getRuleId()
                    + "' could not score transaction '" + transactions[i].getTransactionId() + "' of user '"
                    + users[i] + "' at " + Instant.ofEpochMilli(times[i]) + ": " + failure.getMessage();
            output.collect(FraudDetection.SCORING_FAILURES, new StreamRecord<>(message, timestamps[i]));
            return;
        }
        scores.inc();
        if (!Float.isFinite(score)) {
            nonFiniteScores.inc();
            return;
        }
        if (score > rule.getModel().getScoreThreshold()) {
            long time = times[i];
            Alert alert = Alert.newBuilder()
                    .setUserId(users[i])
                    .setAlertType(rule.getAlertType())
                    .setRuleId(rule.getRuleId())
                    .setWindowStart(Instant.ofEpochMilli(time + 1 - TransactionFeatures.MINUTE.toMillis()))
                    .setWindowEnd(Instant.ofEpochMilli(time + 1))
                    .setTransactionCount((int) vectors[i][1])
                    .setScore((double) score)
                    .setModelVersion(modelRule.model().version())
                    .build();
            output.collect(alertRecord.replace(alert, timestamps[i]));
        }
    }

    long nonFiniteScoreCount() {
        return nonFiniteScores.getCount();
    }

    long runCount() {
        return runs.getCount();
    }

    long failureCount() {
        return failures.getCount();
    }
}
