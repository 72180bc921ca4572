package dev.streamingblocks.fraud.internal;

import dev.streamingblocks.core.time.CheckpointedWatermark;
import dev.streamingblocks.core.window.LateData;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.fraud.rules.WindowKind;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * <p>Lateness survives restores: the highest watermark seen is checkpointed, so a transaction late
 * before a failure is still late after the restore, even before the first new watermark arrives.
 */
public class FraudDetectorFunction
        extends KeyedBroadcastProcessFunction<String, Transaction, FraudRule, Alert>
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

    private transient MapState<Long, List<Transaction>> pending;
    private transient MapState<String, RuleProgress> progress;
    private transient Counter lateTransactions;
    /** The highest watermark seen, the restored one included; lateness is judged against it. */
    private final CheckpointedWatermark watermark = new CheckpointedWatermark(WATERMARK_STATE_NAME);

    public FraudDetectorFunction(List<FraudRule> initialRules, Duration allowedLateness) {
        this.allowedLateness = allowedLateness.toMillis();
        this.initialRules = new LinkedHashMap<>();
        for (FraudRule rule : initialRules) {
            this.initialRules.put(rule.getRuleId(), rule);
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        watermark.initialize(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        watermark.snapshot();
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending-transactions", Types.LONG, Types.LIST(TypeInformation.of(Transaction.class))));
        progress = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "rule-progress", Types.STRING, Types.POJO(RuleProgress.class)));
        lateTransactions = getRuntimeContext().getMetricGroup().counter(LateData.LATE_RECORDS_METRIC);
    }

    @Override
    public void processElement(Transaction tx, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        Long timestamp = ctx.timestamp();
        if (timestamp == null) {
            throw new IllegalStateException("Transaction '" + tx.getTransactionId()
                    + "' has no event timestamp: read transactions with FraudDetection.watermarkStrategy()");
        }
        if (timestamp + allowedLateness <= watermark.current(ctx.timerService())) {
            lateTransactions.inc();
            ctx.output(FraudDetection.LATE_TRANSACTIONS, tx);
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

    @Override
    public void processBroadcastElement(FraudRule rule, Context ctx, Collector<Alert> out) throws Exception {
        Optional<String> problem = FraudRules.problem(rule);
        if (problem.isPresent()) {
            LOG.warn("Ignoring fraud rule update: {}", problem.get());
            ctx.output(FraudDetection.REJECTED_RULES, problem.get());
            return;
        }
        // Keyed progress stays untouched: an updated rule keeps its open windows and bursts.
        ctx.getBroadcastState(RULES).put(rule.getRuleId(), rule);
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
            for (Transaction tx : due) {
                for (FraudRule rule : rules.values()) {
                    if (tx.getAmount() > rule.getAmountThreshold()) {
                        count(user, rule, time, ctx, out);
                    }
                }
            }
        }
        expire(user, rules, time, out);
    }

    private void count(String user, FraudRule rule, long time, OnTimerContext ctx, Collector<Alert> out)
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
            ctx.timerService().registerEventTimeTimer(p.windowEnd - 1 + allowedLateness);
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
            ctx.timerService().registerEventTimeTimer(time + size - 1 + allowedLateness);
        }
        progress.put(rule.getRuleId(), p);
    }

    /** Emits closed tumbling windows and drops whatever no later transaction can be part of. */
    private void expire(String user, Map<String, FraudRule> rules, long time, Collector<Alert> out)
            throws Exception {
        Iterator<Map.Entry<String, RuleProgress>> entries = progress.iterator();
        while (entries.hasNext()) {
            Map.Entry<String, RuleProgress> entry = entries.next();
            FraudRule rule = rules.get(entry.getKey());
            RuleProgress p = entry.getValue();
            if (rule == null) {
                entries.remove(); // the rule was deleted: its open windows go with it
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

    private Map<String, FraudRule> activeRules(ReadOnlyBroadcastState<String, FraudRule> updates)
            throws Exception {
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

    /** Late transactions so far, for tests. */
    public long lateTransactionCount() {
        return lateTransactions.getCount();
    }
}
