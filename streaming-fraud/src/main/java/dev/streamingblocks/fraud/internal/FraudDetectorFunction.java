package dev.streamingblocks.fraud.internal;

import dev.streamingblocks.core.time.CheckpointedWatermark;
import dev.streamingblocks.core.window.LateData;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.model.FraudModel;
import dev.streamingblocks.fraud.model.TransactionFeatures;
import dev.streamingblocks.fraud.model.UserFeatures;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.fraud.rules.ModelSpec;
import dev.streamingblocks.fraud.rules.WindowKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every active rule per user, in event-time order.
 *
 * <p>Transactions wait in keyed state until the watermark passes them (plus the allowed
 * lateness), then are replayed in timestamp order, so out-of-order arrival within that bound gives
 * the same alerts as ordered arrival. A transaction whose timestamp plus the allowed lateness is
 * at or behind the watermark is late: it goes to the side output and the
 * {@value LateData#LATE_RECORDS_METRIC} counter. Every timer is shifted by the allowed lateness,
 * so the replay, and with it each alert, runs that much behind the watermark.
 *
 * <ul>
 *   <li>Tumbling rule: counts large transactions per epoch-aligned window and alerts when the
 *       watermark passes the window end with the count at or above {@code min_count}.</li>
 *   <li>Sliding rule: keeps the timestamps of large transactions inside the last span and alerts
 *       when {@code min_count} of them fit in one span, once per burst: it re-arms only after the
 *       count in the span has dropped below {@code min_count}.</li>
 * </ul>
 *
 * <p>State is per user and rule and bounded by the large transactions inside one window; a timer
 * at the end of the last window removes it when the user goes quiet.
 *
 * <p>Model rules score each transaction, in the same event-time replay, with an ONNX model over
 * the user's {@link TransactionFeatures} (kept per user in keyed state, dropped by a timer an hour
 * after the user's last transaction) and alert when the score is strictly over the rule's
 * threshold. Each subtask holds one ONNX Runtime session per model rule, loaded in {@code open()}
 * (a model that does not load fails the job there) or when the rule arrives (a model that does not
 * load or fit is refused: the rule's previous version stays). The replay computes the features per
 * user and hands the vectors to a {@link ModelScoreBatch}, which scores the vectors of many users
 * in one ONNX Runtime run; {@link FraudDetectorOperator} flushes it before each watermark goes on,
 * so this function runs only inside that operator. NaN or infinite scores never alert; they are
 * counted in {@value FraudDetection#NON_FINITE_SCORES_METRIC}.
 *
 * <p>With {@link FraudDetection.Evaluation#ON_ARRIVAL} a transaction is evaluated as it arrives
 * whenever none of its user's is waiting: it first closes what ended before it (tumbling windows,
 * spans, features an hour old), exactly as the watermark's replay would have, then counts and
 * scores. Its user's transactions must then arrive in event-time order: one older than a
 * transaction already evaluated for the user is late (side output and counter), as it can no
 * longer be placed before it. The watermark still closes the windows of users who go quiet. The
 * user's evaluated event time is kept in keyed state (both modes check it, so a job can switch
 * modes at a savepoint) until the watermark passes it.
 *
 * <p>Lateness survives restores: the highest watermark seen is checkpointed, so a transaction late
 * before a failure is still late after the restore, even before the first new watermark arrives.
 */
public class FraudDetectorFunction extends KeyedBroadcastProcessFunction<String, Transaction, FraudRule, Alert>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(FraudDetectorFunction.class);

    /** The broadcast state of rule updates by rule id; deletions stay as tombstones. */
    public static final MapStateDescriptor<String, FraudRule> RULES =
            new MapStateDescriptor<>("fraud-rules", Types.STRING, TypeInformation.of(FraudRule.class));

    /** Operator state: the highest watermark each subtask had seen at the checkpoint. */
    static final String WATERMARK_STATE_NAME = "fraud-detector-watermark";

    private final Map<String, FraudRule> initialRules;
    private final long allowedLateness;
    private final int modelBatchSize;
    private final FraudDetection.Evaluation evaluation;

    private transient MapState<Long, List<Transaction>> pending;
    /** The event time up to which the user's transactions were evaluated on arrival; null once the watermark passed it. */
    private transient ValueState<Long> evaluatedUntil;

    private transient MapState<String, RuleProgress> progress;
    private transient Counter lateTransactions;
    private transient ValueState<UserFeatures> features;
    private transient Counter rejectedModelRules;
    /** Where batched model alerts go: the operator's output, set before {@code open()}. */
    private transient Output<StreamRecord<Alert>> scoreOutput;

    private transient ModelScoreBatch batch;
    /** The active model rules with their models, as the replay scores them; null after a rule update. */
    private transient List<ModelScoreBatch.ModelRule> modelRules;
    /** The loaded model of each model rule, by rule id; one ONNX session each, for this subtask. */
    private transient Map<String, FraudModel> models;
    /** Model rules from restored broadcast state, loaded in {@code open()}. */
    private transient List<FraudRule> restoredRuleUpdates;
    /** The highest watermark seen, the restored one included; lateness is judged against it. */
    private final CheckpointedWatermark watermark = new CheckpointedWatermark(WATERMARK_STATE_NAME);

    public FraudDetectorFunction(List<FraudRule> initialRules, Duration allowedLateness) {
        this(initialRules, allowedLateness, FraudDetection.DEFAULT_MODEL_BATCH_SIZE);
    }

    /** As the pipeline runs it: model scores batched up to {@code modelBatchSize} transactions per run. */
    public FraudDetectorFunction(List<FraudRule> initialRules, Duration allowedLateness, int modelBatchSize) {
        this(initialRules, allowedLateness, modelBatchSize, FraudDetection.DEFAULT_EVALUATION);
    }

    /** As the pipeline runs it, with the given evaluation. */
    public FraudDetectorFunction(
            List<FraudRule> initialRules,
            Duration allowedLateness,
            int modelBatchSize,
            FraudDetection.Evaluation evaluation) {
        this.allowedLateness = allowedLateness.toMillis();
        this.modelBatchSize = modelBatchSize;
        this.evaluation = Objects.requireNonNull(evaluation, "evaluation");
        this.initialRules = new LinkedHashMap<>();
        for (FraudRule rule : initialRules) {
            this.initialRules.put(rule.getRuleId(), rule);
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        watermark.initialize(context);
        restoredRuleUpdates = new ArrayList<>();
        BroadcastState<String, FraudRule> restored =
                context.getOperatorStateStore().getBroadcastState(RULES);
        for (Map.Entry<String, FraudRule> update : restored.entries()) {
            restoredRuleUpdates.add(update.getValue());
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        watermark.snapshot();
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "pending-transactions", Types.LONG, Types.LIST(TypeInformation.of(Transaction.class))));
        evaluatedUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("evaluated-until", Types.LONG));
        progress = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("rule-progress", Types.STRING, Types.POJO(RuleProgress.class)));
        lateTransactions = getRuntimeContext().getMetricGroup().counter(LateData.LATE_RECORDS_METRIC);
        features = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("user-features", Types.POJO(UserFeatures.class)));
        rejectedModelRules = getRuntimeContext().getMetricGroup().counter(FraudDetection.REJECTED_MODEL_RULES_METRIC);
        batch = new ModelScoreBatch(
                modelBatchSize, scoreOutput, getRuntimeContext().getMetricGroup());
        modelRules = null;
        models = new HashMap<>();
        Map<String, FraudRule> rules = new LinkedHashMap<>(initialRules);
        if (restoredRuleUpdates != null) {
            for (FraudRule update : restoredRuleUpdates) {
                rules.put(update.getRuleId(), update);
            }
        }
        for (FraudRule rule : rules.values()) {
            if (!rule.getDeleted() && FraudRules.isModelRule(rule)) {
                try {
                    models.put(rule.getRuleId(), loadModel(rule));
                } catch (FraudModel.InvalidModelException e) {
                    throw new IllegalStateException("Fraud rule '" + rule.getRuleId() + "': " + e.getMessage(), e);
                }
            }
        }
    }

    /** Called by {@link FraudDetectorOperator} before {@code open()}: where batched model alerts go. */
    void emitScoresTo(Output<StreamRecord<Alert>> output) {
        this.scoreOutput = output;
    }

    /** Scores every pending model vector and emits its alerts. */
    void flushScores() {
        if (batch != null) {
            batch.flush();
        }
    }

    int pendingScores() {
        return batch == null ? 0 : batch.size();
    }

    @Override
    public void close() throws Exception {
        if (models != null) {
            for (FraudModel model : models.values()) {
                model.close();
            }
            models.clear();
        }
    }

    private static FraudModel loadModel(FraudRule rule) {
        if (!onnxRuntimeAvailable()) {
            throw new FraudModel.InvalidModelException("Model " + FraudModel.describe(rule.getModel())
                    + " cannot be scored: model rules need com.microsoft.onnxruntime:onnxruntime on the class path");
        }
        return FraudModel.load(rule.getModel());
    }

    private static boolean onnxRuntimeAvailable() {
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment", false, FraudDetectorFunction.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Override
    public void processElement(Transaction tx, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        Long timestamp = ctx.timestamp();
        if (timestamp == null) {
            throw new IllegalStateException("Transaction '" + tx.getTransactionId()
                    + "' has no event timestamp: read transactions with FraudDetection.watermarkStrategy()");
        }
        Long until = evaluatedUntil.value();
        if (timestamp + allowedLateness <= watermark.current(ctx.timerService())
                || (until != null && timestamp < until)) {
            lateTransactions.inc();
            ctx.output(FraudDetection.LATE_TRANSACTIONS, tx);
            return;
        }
        if (evaluation == FraudDetection.Evaluation.ON_ARRIVAL && pending.isEmpty()) {
            evaluateOnArrival(tx, timestamp, ctx, out);
            return;
        }
        List<Transaction> due = pending.get(timestamp);
        if (due == null) {
            due = new ArrayList<>(1);
        }
        due.add(tx);
        pending.put(timestamp, due);
        ctx.timerService().registerEventTimeTimer(timestamp + allowedLateness);
    }

    /**
     * Evaluates a transaction none of its user's waits before: closes what ended before it, as the
     * timers the watermark would fire up to then would, then replays it alone.
     */
    private void evaluateOnArrival(Transaction tx, long time, ReadOnlyContext ctx, Collector<Alert> out)
            throws Exception {
        Map<String, FraudRule> rules = activeRules(ctx.getBroadcastState(RULES));
        String user = ctx.getCurrentKey();
        expire(user, rules, time - 1, out);
        UserFeatures userFeatures = features.value();
        if (userFeatures != null && userFeatures.expiresAt() < time) {
            // its cleanup timer would have fired before this transaction's replay
            features.clear();
        }
        replay(user, time, time, List.of(tx), rules, ctx.timerService(), out);
        evaluatedUntil.update(time);
        // the watermark passing it closes the windows and drops the state should the user go quiet
        ctx.timerService().registerEventTimeTimer(time + allowedLateness);
    }

    @Override
    public void processBroadcastElement(FraudRule rule, Context ctx, Collector<Alert> out) throws Exception {
        // Pending vectors are scored with the models they were computed under, before any swap.
        batch.flush();
        modelRules = null;
        Optional<String> problem = FraudRules.problem(rule);
        if (problem.isPresent()) {
            LOG.warn("Ignoring fraud rule update: {}", problem.get());
            ctx.output(FraudDetection.REJECTED_RULES, problem.get());
            return;
        }
        String id = rule.getRuleId();
        if (!rule.getDeleted() && FraudRules.isModelRule(rule)) {
            FraudModel current = models.get(id);
            if (current == null || !sameModel(ctx.getBroadcastState(RULES).get(id), rule)) {
                FraudModel loaded;
                try {
                    loaded = loadModel(rule);
                } catch (FraudModel.InvalidModelException e) {
                    String refusal = "rule '" + id + "': " + e.getMessage()
                            + (current == null ? "" : "; model version '" + current.version() + "' stays");
                    LOG.warn("Refusing fraud model rule update: {}", refusal);
                    rejectedModelRules.inc();
                    ctx.output(FraudDetection.REJECTED_RULES, refusal);
                    return;
                }
                models.put(id, loaded);
                if (current != null) {
                    current.close();
                }
                LOG.info("Fraud rule '{}' now scores with model {}", id, loaded.source());
            }
        } else {
            FraudModel replaced = models.remove(id);
            if (replaced != null) {
                replaced.close();
            }
        }
        // Keyed progress stays untouched: an updated rule keeps its open windows and bursts, and
        // users' features stay when a model is swapped.
        ctx.getBroadcastState(RULES).put(id, rule);
    }

    /** Whether the model of {@code update} is the one {@code previous} loaded (a threshold change, say). */
    private boolean sameModel(FraudRule previous, FraudRule update) {
        if (previous == null) {
            previous = initialRules.get(update.getRuleId());
        }
        if (previous == null || previous.getDeleted() || !FraudRules.isModelRule(previous)) {
            return false;
        }
        ModelSpec a = previous.getModel();
        ModelSpec b = update.getModel();
        return a.getVersion().equals(b.getVersion())
                && Objects.equals(a.getPath(), b.getPath())
                && Objects.equals(a.getBytes(), b.getBytes());
    }

    @Override
    public void onTimer(long timer, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        watermark.current(ctx.timerService());
        // the event time the replay has reached: every timer runs allowedLateness behind it
        long time = timer - allowedLateness;
        Map<String, FraudRule> rules = activeRules(ctx.getBroadcastState(RULES));
        String user = ctx.getCurrentKey();
        List<Transaction> due = pending.get(time);
        if (due != null) {
            pending.remove(time);
        }
        replay(user, time, timer, due, rules, ctx.timerService(), out);
        expire(user, rules, time, out);
        Long until = evaluatedUntil.value();
        if (until != null && until <= time) {
            // the watermark is past it now, so lateness against the watermark covers it
            evaluatedUntil.clear();
        }
    }

    /**
     * Counts and scores the user's transactions at event time {@code time} (none: only keeps the
     * features' cleanup), emitting at record timestamp {@code timestamp}.
     */
    private void replay(
            String user,
            long time,
            long timestamp,
            List<Transaction> due,
            Map<String, FraudRule> rules,
            TimerService timers,
            Collector<Alert> out)
            throws Exception {
        if (modelRules == null) {
            modelRules = modelRules(rules);
        }
        boolean scoring = !modelRules.isEmpty();
        UserFeatures userFeatures = features.value();
        if (due != null) {
            for (Transaction tx : due) {
                if (scoring) {
                    if (userFeatures == null) {
                        userFeatures = new UserFeatures();
                    }
                    batch.add(modelRules, user, tx, time, timestamp, userFeatures.add(time, tx.getAmount()));
                }
                for (FraudRule rule : rules.values()) {
                    if (!FraudRules.isModelRule(rule) && tx.getAmount() > rule.getAmountThreshold()) {
                        count(user, rule, time, timers, out);
                    }
                }
            }
        }
        if (userFeatures != null) {
            if (userFeatures.expiresAt() <= time) {
                cleanUp();
            } else {
                if (userFeatures.cleanupAt <= time) {
                    // One cleanup timer per user at a time; it re-arms until the user has been quiet for the hour.
                    userFeatures.cleanupAt = userFeatures.expiresAt();
                    timers.registerEventTimeTimer(userFeatures.cleanupAt + allowedLateness);
                }
                features.update(userFeatures);
            }
        }
    }

    /**
     * Drops the user's features. Only ever called from the user's cleanup timer, which is the one
     * timer the features own, so there is no other timer to delete.
     */
    private void cleanUp() {
        features.clear();
    }

    /** The model rules among {@code rules}, in their order, each with the model this subtask loaded for it. */
    private List<ModelScoreBatch.ModelRule> modelRules(Map<String, FraudRule> rules) {
        List<ModelScoreBatch.ModelRule> scoring = new ArrayList<>();
        for (FraudRule rule : rules.values()) {
            if (FraudRules.isModelRule(rule)) {
                scoring.add(new ModelScoreBatch.ModelRule(rule, models.get(rule.getRuleId())));
            }
        }
        return List.copyOf(scoring);
    }

    private void count(String user, FraudRule rule, long time, TimerService timers, Collector<Alert> out)
            throws Exception {
        long size = rule.getWindowMillis();
        RuleProgress p = progress.get(rule.getRuleId());
        if (p == null) {
            p = new RuleProgress();
        }
        if (rule.getWindowKind() == WindowKind.TUMBLING) {
            long start = time - Math.floorMod(time, size);
            if (p.count == 0 || p.windowStart != start) {
                p.windowStart = start;
                p.windowEnd = start + size;
                p.count = 0;
            }
            p.count++;
            timers.registerEventTimeTimer(p.windowEnd - 1 + allowedLateness);
        } else {
            long[] span = inSpan(p.spanTimestamps, time - size);
            if (span.length < rule.getMinCount()) {
                p.alerted = false; // the last burst is over
            }
            span = Arrays.copyOf(span, span.length + 1);
            span[span.length - 1] = time;
            p.spanTimestamps = span;
            if (span.length >= rule.getMinCount() && !p.alerted) {
                p.alerted = true;
                out.collect(alert(user, rule, span[0], span[0] + size, span.length));
            }
            timers.registerEventTimeTimer(time + size - 1 + allowedLateness);
        }
        progress.put(rule.getRuleId(), p);
    }

    /** Emits closed tumbling windows and drops whatever no later transaction can be part of. */
    private void expire(String user, Map<String, FraudRule> rules, long time, Collector<Alert> out) throws Exception {
        Iterator<Map.Entry<String, RuleProgress>> entries = progress.iterator();
        while (entries.hasNext()) {
            Map.Entry<String, RuleProgress> entry = entries.next();
            FraudRule rule = rules.get(entry.getKey());
            RuleProgress p = entry.getValue();
            if (rule == null || FraudRules.isModelRule(rule)) {
                // the rule was deleted or became a model rule: its open windows go with it
                entries.remove();
            } else if (rule.getWindowKind() == WindowKind.TUMBLING || p.spanTimestamps.length == 0) {
                if (p.windowEnd - 1 <= time) {
                    if (p.count >= rule.getMinCount()) {
                        out.collect(alert(user, rule, p.windowStart, p.windowEnd, p.count));
                    }
                    entries.remove();
                }
            } else {
                // Every later transaction is after `time`, so a span ending there starts after
                // time + 1 - window.
                long[] span = inSpan(p.spanTimestamps, time + 1 - rule.getWindowMillis());
                if (span.length == 0) {
                    entries.remove();
                } else if (span.length != p.spanTimestamps.length) {
                    p.spanTimestamps = span;
                    entry.setValue(p);
                }
            }
        }
        if (progress.isEmpty()) {
            // Removing through the iterator can leave an empty map behind for the user.
            progress.clear();
        }
    }

    /** The timestamps strictly after {@code exclusiveLowerBound}. */
    private static long[] inSpan(long[] ascending, long exclusiveLowerBound) {
        int from = 0;
        while (from < ascending.length && ascending[from] <= exclusiveLowerBound) {
            from++;
        }
        return from == 0 ? ascending : Arrays.copyOfRange(ascending, from, ascending.length);
    }

    private Map<String, FraudRule> activeRules(ReadOnlyBroadcastState<String, FraudRule> updates) throws Exception {
        Map<String, FraudRule> rules = new LinkedHashMap<>(initialRules);
        for (Map.Entry<String, FraudRule> update : updates.immutableEntries()) {
            rules.put(update.getKey(), update.getValue());
        }
        rules.values().removeIf(FraudRule::getDeleted);
        return rules;
    }

    private static Alert alert(String user, FraudRule rule, long start, long end, int count) {
        return Alert.newBuilder()
                .setUserId(user)
                .setAlertType(rule.getAlertType())
                .setRuleId(rule.getRuleId())
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(end))
                .setTransactionCount(count)
                .build();
    }
}
