package dev.streamingblocks.cdc.internal;

import dev.streamingblocks.cdc.ChangeKind;
import dev.streamingblocks.cdc.ChangeRecord;
import dev.streamingblocks.cdc.LatestVersionJoin;
import dev.streamingblocks.cdc.Unmatched;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.JoinFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The keyed state machine of {@link LatestVersionJoin}; see there for the semantics.
 *
 * <p>State per key: {@code versions} (change time to the change, upserts and deletes), {@code pending}
 * (event time to the left records waiting for the watermark) and {@code lastLsn} (one long). A left
 * record is joined when the watermark passes its time, so every version up to that time has arrived.
 * Each timer at time {@code t} also drops the versions that no later left record can need: all but
 * the newest at or before {@code t}, and that one too when it is a delete.
 */
public final class LatestVersionJoinFunction<K, L, R, O> extends KeyedCoProcessFunction<K, L, ChangeRecord<R>, O> {

    private static final long serialVersionUID = 1L;

    private final JoinFunction<L, R, O> joinFunction;
    private final TypeInformation<L> leftType;
    private final TypeInformation<R> rowType;
    private final OutputTag<Unmatched<L>> unmatchedTag;

    private transient MapState<Long, ChangeRecord<R>> versions;
    private transient MapState<Long, List<L>> pending;
    private transient ValueState<Long> lastLsn;
    private transient Counter duplicates;
    private transient Counter lateChanges;

    public LatestVersionJoinFunction(
            JoinFunction<L, R, O> joinFunction,
            TypeInformation<L> leftType,
            TypeInformation<R> rowType,
            OutputTag<Unmatched<L>> unmatchedTag) {
        this.joinFunction = joinFunction;
        this.leftType = leftType;
        this.rowType = rowType;
        this.unmatchedTag = unmatchedTag;
    }

    @Override
    public void open(OpenContext openContext) {
        versions = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("versions", Types.LONG, ChangeRecord.typeInfo(rowType)));
        pending = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("pending", Types.LONG, new ListTypeInfo<>(leftType)));
        lastLsn = getRuntimeContext().getState(new ValueStateDescriptor<>("last-lsn", Types.LONG));
        duplicates = getRuntimeContext().getMetricGroup().counter(LatestVersionJoin.DUPLICATE_CHANGES_METRIC);
        lateChanges = getRuntimeContext().getMetricGroup().counter(LatestVersionJoin.LATE_CHANGES_METRIC);
    }

    @Override
    public void processElement1(L left, Context ctx, Collector<O> out) throws Exception {
        Long time = ctx.timestamp();
        if (time == null) {
            throw new IllegalStateException("LatestVersionJoin needs event-time timestamps on the left records;"
                    + " assign them with a WatermarkStrategy (record " + left + ")");
        }
        if (time <= ctx.timerService().currentWatermark()) {
            ctx.output(unmatchedTag, new Unmatched<>(left, Instant.ofEpochMilli(time), Unmatched.Reason.LATE));
            return;
        }
        List<L> waiting = pending.get(time);
        if (waiting == null) {
            waiting = new ArrayList<>(1);
        }
        waiting.add(left);
        pending.put(time, waiting);
        ctx.timerService().registerEventTimeTimer(time);
    }

    @Override
    public void processElement2(ChangeRecord<R> change, Context ctx, Collector<O> out) throws Exception {
        if (change.kind() == ChangeKind.UPDATE_BEFORE) {
            return; // the update-after of the same change carries the new version
        }
        if (change.lsn() != ChangeRecord.NO_LSN) {
            Long last = lastLsn.value();
            if (last != null && change.lsn() <= last) {
                duplicates.inc(); // a capture replayed it after a restart; it is already applied
                return;
            }
            lastLsn.update(change.lsn());
        }
        long time = change.sourceTimestamp().toEpochMilli();
        if (time <= ctx.timerService().currentWatermark()) {
            lateChanges.inc();
        }
        versions.put(time, change);
        ctx.timerService().registerEventTimeTimer(time);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<O> out) throws Exception {
        List<L> due = pending.get(timestamp);
        if (due != null) {
            ChangeRecord<R> valid = newestAtOrBefore(timestamp);
            for (L left : due) {
                if (valid == null || valid.kind() == ChangeKind.DELETE) {
                    ctx.output(
                            unmatchedTag,
                            new Unmatched<>(left, Instant.ofEpochMilli(timestamp), Unmatched.Reason.NO_VERSION));
                } else {
                    out.collect(joinFunction.join(left, valid.row()));
                }
            }
            pending.remove(timestamp);
            if (pending.isEmpty()) {
                pending.clear();
            }
        }
        dropVersionsBefore(timestamp);
    }

    private ChangeRecord<R> newestAtOrBefore(long time) throws Exception {
        long best = Long.MIN_VALUE;
        ChangeRecord<R> found = null;
        for (Map.Entry<Long, ChangeRecord<R>> version : versions.entries()) {
            if (version.getKey() <= time && version.getKey() >= best) {
                best = version.getKey();
                found = version.getValue();
            }
        }
        return found;
    }

    /** Every left record still to come has a time after {@code time}; older versions are not needed. */
    private void dropVersionsBefore(long time) throws Exception {
        long newest = Long.MIN_VALUE;
        for (Long versionTime : versions.keys()) {
            if (versionTime <= time && versionTime > newest) {
                newest = versionTime;
            }
        }
        if (newest == Long.MIN_VALUE) {
            return;
        }
        List<Long> obsolete = new ArrayList<>();
        for (Map.Entry<Long, ChangeRecord<R>> version : versions.entries()) {
            long versionTime = version.getKey();
            if (versionTime < newest
                    || (versionTime == newest && version.getValue().kind() == ChangeKind.DELETE)) {
                obsolete.add(versionTime);
            }
        }
        for (Long versionTime : obsolete) {
            versions.remove(versionTime);
        }
        if (versions.isEmpty()) {
            versions.clear(); // no empty map left behind for a deleted key
        }
    }
}
