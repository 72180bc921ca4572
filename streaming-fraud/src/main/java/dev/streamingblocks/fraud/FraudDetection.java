package dev.streamingblocks.fraud;

import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.fraud.internal.FraudDetectorFunction;
import dev.streamingblocks.fraud.internal.FraudDetectorOperator;
import dev.streamingblocks.fraud.internal.NoRuleUpdates;
import dev.streamingblocks.fraud.internal.RulesDoNotHoldEventTime;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * The fraud detection pipeline: transactions in, alerts out, driven by rules that are data.
 *
 * <pre>{@code
 * DataStream<Transaction> transactions =
 *         env.fromSource(kafkaSource, FraudDetection.watermarkStrategy(), "transactions");
 * DataStream<FraudRule> ruleUpdates = env.fromSource(rulesSource, WatermarkStrategy.noWatermarks(), "rules");
 * SingleOutputStreamOperator<Alert> alerts = FraudDetection.builder()
 *         .setRules(FraudRules.articleRule(), FraudRules.articleSlidingRule())
 *         .build()
 *         .apply(transactions, ruleUpdates);
 * alerts.sinkTo(alertSink);
 * alerts.getSideOutput(FraudDetection.LATE_TRANSACTIONS).sinkTo(lateSink);
 * }</pre>
 *
 * <p>Required: at least one rule, from {@link #setRules} or later from the rules stream (a builder
 * with no rules is refused, since it could not alert until the first update). Rules arriving on
 * the rules stream add, replace (same {@code rule_id}) or delete ({@code deleted=true}) rules while
 * the job runs; they are broadcast to every detector instance and the per-user progress of a
 * replaced rule is kept. Rule updates apply from when they arrive, not by event time. A rule
 * update that is invalid is not applied: it goes to {@link #REJECTED_RULES} with the reason.
 *
 * <p>A model rule ({@link FraudRules#model}) scores every transaction with an ONNX model over the
 * user's {@link dev.streamingblocks.fraud.model.TransactionFeatures} and alerts with the score and
 * the model version; it needs {@code com.microsoft.onnxruntime:onnxruntime} on the class path
 * (an optional dependency of this module). A model that does not load at start fails the job; one
 * that does not load or fit when it arrives is refused to {@link #REJECTED_RULES} and counted in
 * {@value #REJECTED_MODEL_RULES_METRIC}, and the rule's previous version keeps scoring. Each
 * subtask scores the transactions of all its users together, up to {@link Builder#setModelBatchSize
 * modelBatchSize} (default {@value #DEFAULT_MODEL_BATCH_SIZE}) per ONNX Runtime run, and always
 * before the watermark that released them goes on, so batching delays no alert in event time. A
 * transaction a model cannot score goes to {@link #SCORING_FAILURES} with the reason. See
 * docs/fraud-model.md.
 *
 * <p>Transactions must carry event timestamps ({@link #watermarkStrategy()} in the source). One
 * more than the allowed lateness (default {@link #DEFAULT_ALLOWED_LATENESS}) behind the watermark is
 * late: it reaches no rule, goes to {@link #LATE_TRANSACTIONS} and is counted in the detector's
 * {@code numLateRecords} metric. A positive allowed lateness admits later transactions but delays
 * every alert by as much event time, because the detector evaluates transactions in time order.
 *
 * <p>When the detector evaluates is {@link Builder#setEvaluation evaluation}:
 * {@link Evaluation#AT_WATERMARK} (the default) holds each transaction until the watermark passes
 * it and replays each user's transactions in event-time order, so transactions of one user may
 * arrive out of order within the watermark's bound; an alert comes the out-of-orderness bound
 * (5 s) plus the watermark interval after its last transaction. {@link Evaluation#ON_ARRIVAL}
 * evaluates each transaction as it arrives: sliding-rule and model alerts leave with the
 * transaction that raises them (model scores within {@link #ON_ARRIVAL_MAX_SCORE_DELAY} of
 * processing time, batched), a tumbling window closes with the user's first transaction after
 * it or when the watermark passes its end. It needs each user's transactions in event-time order
 * (a Kafka topic keyed by user gives that): a transaction older than one already evaluated for
 * its user is late. For the same input in per-user order both modes raise the same alerts.
 */
public final class FraudDetection {

    /** When the detector evaluates a transaction against the rules. */
    public enum Evaluation {
        /** When the watermark passes it, every user's transactions in event-time order (the default). */
        AT_WATERMARK,
        /** As it arrives; each user's transactions must arrive in event-time order. */
        ON_ARRIVAL
    }

    /** Transactions are evaluated when the watermark passes them, unless set otherwise. */
    public static final Evaluation DEFAULT_EVALUATION = Evaluation.AT_WATERMARK;

    /**
     * With {@link Evaluation#ON_ARRIVAL}, how long in processing time a scored transaction waits
     * at most for others to share its ONNX Runtime run.
     */
    public static final Duration ON_ARRIVAL_MAX_SCORE_DELAY = Duration.ofMillis(10);

    /** The article's bound on out-of-order transactions. */
    public static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(5);

    /** Transactions at or behind the watermark are late. */
    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ZERO;

    /** uid and name of the stateful detector; never change it once jobs run with it. */
    public static final String DETECTOR_UID = "fraud-detector";

    /** uid of the operator that stops the rules stream from holding back event time. */
    public static final String RULE_UPDATES_UID = "fraud-rule-updates";

    /** uid of the empty rules stream {@link #apply(DataStream)} derives. */
    public static final String NO_RULE_UPDATES_UID = "fraud-no-rule-updates";

    /** Detector metric: model scores that were NaN or infinite (they never alert). */
    public static final String NON_FINITE_SCORES_METRIC = "numNonFiniteModelScores";

    /** Detector metric: model rule updates refused because the model did not load or fit the features. */
    public static final String REJECTED_MODEL_RULES_METRIC = "numRejectedModelRules";

    /** Detector metric: transactions scored, once per model rule. */
    public static final String MODEL_SCORES_METRIC = "numModelScores";

    /** Detector metric: ONNX Runtime runs; {@value #MODEL_SCORES_METRIC} over it is the mean batch size. */
    public static final String MODEL_RUNS_METRIC = "numModelRuns";

    /** Detector metric: transactions a model rule could not score (they go to {@link #SCORING_FAILURES}). */
    public static final String SCORING_FAILURES_METRIC = "numModelScoringFailures";

    /**
     * Transactions scored per ONNX Runtime run at most, by default: a run of 64 costs about as much
     * as two single ones (docs/benchmarks.md), and a batch never waits past its watermark.
     */
    public static final int DEFAULT_MODEL_BATCH_SIZE = 64;

    public static final OutputTag<Transaction> LATE_TRANSACTIONS =
            new OutputTag<>("late-transactions", TypeInformation.of(Transaction.class));

    public static final OutputTag<String> REJECTED_RULES = new OutputTag<>("rejected-fraud-rules", Types.STRING);

    /**
     * Transactions a model rule could not score (ONNX Runtime failed on them even one at a time),
     * one message each naming the transaction, user, event time, rule, model version and cause.
     */
    public static final OutputTag<String> SCORING_FAILURES = new OutputTag<>("fraud-scoring-failures", Types.STRING);

    private final List<FraudRule> rules;
    private final Duration allowedLateness;
    private final int modelBatchSize;
    private final Evaluation evaluation;

    private FraudDetection(List<FraudRule> rules, Duration allowedLateness, int modelBatchSize, Evaluation evaluation) {
        this.rules = rules;
        this.allowedLateness = allowedLateness;
        this.modelBatchSize = modelBatchSize;
        this.evaluation = evaluation;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The event-time strategy for transactions: the {@code timestamp} field, 5 s out-of-orderness,
     * and the {@link EventTimeGuard#defaults() default guard}: a transaction more than
     * {@link EventTimeGuard#DEFAULT_MAX_AHEAD_OF_WALL_CLOCK} ahead of the wall clock (a clock bug)
     * never moves the watermark, so it cannot make every later transaction late
     * ({@code TypedKafkaSource} dead-letters it). Idleness is the source's setting.
     */
    public static EventTimeWatermarkStrategy<Transaction> watermarkStrategy() {
        return watermarkStrategy(EventTimeGuard.defaults());
    }

    /** As {@link #watermarkStrategy()}, with another guard. */
    public static EventTimeWatermarkStrategy<Transaction> watermarkStrategy(EventTimeGuard guard) {
        return EventTimeWatermarkStrategy.<Transaction>builder()
                .setAvroTimestampField("timestamp")
                .setMaxOutOfOrderness(MAX_OUT_OF_ORDERNESS)
                .setGuard(guard)
                .build();
    }

    /** The rules active from the start. */
    public List<FraudRule> rules() {
        return rules;
    }

    public Duration allowedLateness() {
        return allowedLateness;
    }

    public int modelBatchSize() {
        return modelBatchSize;
    }

    public Evaluation evaluation() {
        return evaluation;
    }

    /** Runs only the rules given to the builder; they cannot change while the job runs. */
    public SingleOutputStreamOperator<Alert> apply(DataStream<Transaction> transactions) {
        DataStream<FraudRule> noUpdates = transactions
                .flatMap(new NoRuleUpdates(), TypeInformation.of(FraudRule.class))
                .uid(NO_RULE_UPDATES_UID)
                .name(NO_RULE_UPDATES_UID);
        return apply(transactions, noUpdates);
    }

    /** Runs the builder's rules, changed while the job runs by the records of {@code ruleUpdates}. */
    public SingleOutputStreamOperator<Alert> apply(
            DataStream<Transaction> transactions, DataStream<FraudRule> ruleUpdates) {
        // Broadcast partitioning with the broadcast state the operator keeps under FraudDetectorFunction.RULES,
        // as broadcast(RULES) + process() would give, but with the operator that batches model scores.
        DataStream<FraudRule> rulesBroadcast = ruleUpdates
                .assignTimestampsAndWatermarks(
                        WatermarkStrategy.<FraudRule>forGenerator(ctx -> new RulesDoNotHoldEventTime()))
                .uid(RULE_UPDATES_UID)
                .name(RULE_UPDATES_UID)
                .broadcast();
        return transactions
                .keyBy(Transaction::getUserId)
                .connect(rulesBroadcast)
                .transform(
                        DETECTOR_UID,
                        TypeInformation.of(Alert.class),
                        new FraudDetectorOperator(
                                new FraudDetectorFunction(rules, allowedLateness, modelBatchSize, evaluation)))
                .uid(DETECTOR_UID)
                .name(DETECTOR_UID);
    }

    /** Builds a validated {@link FraudDetection}; see its class documentation for what is required. */
    public static final class Builder {

        private final List<FraudRule> rules = new ArrayList<>();
        private Duration allowedLateness;
        private int modelBatchSize;
        private Evaluation evaluation;

        Builder() {
            this.allowedLateness = DEFAULT_ALLOWED_LATENESS;
            this.modelBatchSize = DEFAULT_MODEL_BATCH_SIZE;
            this.evaluation = DEFAULT_EVALUATION;
        }

        /** The rules active from the start; replaces any set before. */
        public Builder setRules(FraudRule... rules) {
            return setRules(List.of(rules));
        }

        public Builder setRules(List<FraudRule> rules) {
            this.rules.clear();
            this.rules.addAll(rules);
            return this;
        }

        /** How far behind the watermark a transaction may still arrive and count. */
        public Builder setAllowedLateness(Duration allowedLateness) {
            this.allowedLateness = allowedLateness;
            return this;
        }

        /**
         * Transactions a model rule scores per ONNX Runtime run at most (default
         * {@value FraudDetection#DEFAULT_MODEL_BATCH_SIZE}); 1 scores each alone. Batches are cut at every
         * watermark, so a larger size adds no event-time delay, only memory for the vectors.
         */
        public Builder setModelBatchSize(int modelBatchSize) {
            this.modelBatchSize = modelBatchSize;
            return this;
        }

        /**
         * When transactions are evaluated (default {@link Evaluation#AT_WATERMARK}); see the class
         * documentation. The detector's state is the same in both modes, so a job may switch at a
         * savepoint.
         */
        public Builder setEvaluation(Evaluation evaluation) {
            this.evaluation = evaluation;
            return this;
        }

        public FraudDetection build() {
            if (evaluation == null) {
                throw new IllegalArgumentException("evaluation must not be null");
            }
            if (allowedLateness == null || allowedLateness.isNegative()) {
                throw new IllegalArgumentException("allowedLateness must not be negative, was " + allowedLateness);
            }
            if (modelBatchSize < 1) {
                throw new IllegalArgumentException("modelBatchSize must be at least 1, was " + modelBatchSize);
            }
            if (rules.isEmpty()) {
                throw new IllegalArgumentException("rules must contain at least one rule");
            }
            Set<String> ids = new HashSet<>();
            for (FraudRule rule : rules) {
                FraudRules.problem(rule).ifPresent(problem -> {
                    throw new IllegalArgumentException("rules: " + problem);
                });
                if (rule.getDeleted()) {
                    throw new IllegalArgumentException(
                            "rules: rule '" + rule.getRuleId() + "' is a deletion, not a rule");
                }
                if (!ids.add(rule.getRuleId())) {
                    throw new IllegalArgumentException("rules: rule id '" + rule.getRuleId() + "' is used twice");
                }
            }
            return new FraudDetection(List.copyOf(rules), allowedLateness, modelBatchSize, evaluation);
        }
    }
}
