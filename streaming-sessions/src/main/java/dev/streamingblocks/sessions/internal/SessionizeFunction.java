package dev.streamingblocks.sessions.internal;

import dev.streamingblocks.core.time.CheckpointedWatermark;
import dev.streamingblocks.core.window.LateData;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.SessionChange;
import dev.streamingblocks.sessions.Sessionizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Event-time session windows per user with a changelog output; the semantics are documented on
 * {@link Sessionizer}. Per user the state is a map from session start to a constant-size
 * accumulator, plus two timers per session: one at {@code end - 1} to emit it, one at
 * {@code end - 1 + gap + allowedLateness} to forget it.
 *
 * <p>Lateness survives restores: the highest watermark seen is checkpointed, so a view late before a
 * failure is still late after the restore, even before the first new watermark arrives.
 */
public class SessionizeFunction extends KeyedProcessFunction<String, PageView, SessionChange>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    public static final String STATE_NAME = "sessions";

    /** Operator state: the highest watermark each subtask had seen at the checkpoint. */
    static final String WATERMARK_STATE_NAME = "sessionize-watermark";

    private final long gapMillis;
    private final long allowedLatenessMillis;

    private transient MapState<Long, SessionAccumulator> sessions;
    private transient Counter lateViews;
    /** The highest watermark seen, the restored one included; lateness is judged against it. */
    private final CheckpointedWatermark watermark = new CheckpointedWatermark(WATERMARK_STATE_NAME);

    public SessionizeFunction(long gapMillis, long allowedLatenessMillis) {
        if (gapMillis <= 0) {
            throw new IllegalArgumentException("gap must be positive, but was " + gapMillis + " ms");
        }
        if (allowedLatenessMillis < 0) {
            throw new IllegalArgumentException(
                    "allowedLateness must not be negative, but was " + allowedLatenessMillis + " ms");
        }
        this.gapMillis = gapMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
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
        sessions = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(STATE_NAME, Types.LONG, Types.POJO(SessionAccumulator.class)));
        // The same metric as the core window blocks, so one dashboard query finds every late record.
        lateViews = getRuntimeContext().getMetricGroup().counter(LateData.LATE_RECORDS_METRIC);
    }

    @Override
    public void processElement(PageView view, Context ctx, Collector<SessionChange> out) throws Exception {
        requireComplete(view);
        long time = view.viewTime().toEpochMilli();
        long watermark = this.watermark.current(ctx.timerService());
        // Judged on the view's own window only, so that once a session is forgotten no accepted
        // view can touch it any more (see the class Javadoc of Sessionizer).
        if (saturatedAdd(time, gapMillis - 1, allowedLatenessMillis) <= watermark) {
            lateViews.inc();
            ctx.output(Sessionizer.LATE_VIEWS, view);
            return;
        }

        SessionAccumulator merged = SessionAccumulator.of(view);
        long viewEnd = merged.end(gapMillis);
        List<SessionAccumulator> touched = new ArrayList<>();
        for (Map.Entry<Long, SessionAccumulator> entry : sessions.entries()) {
            SessionAccumulator session = entry.getValue();
            // Windows that merely touch merge, as in Flink's TimeWindow#intersects and SQL SESSION.
            if (session.start <= viewEnd && session.end(gapMillis) >= time) {
                touched.add(session);
            }
        }
        for (SessionAccumulator session : touched) {
            merged.mergeFrom(session);
        }
        String userId = ctx.getCurrentKey();
        for (SessionAccumulator session : touched) {
            sessions.remove(session.start);
            deleteTimers(ctx.timerService(), session);
            if (session.emitted) {
                if (session.start == merged.start) {
                    merged.emitted = true;
                } else {
                    out.collect(SessionChange.delete(session.toSession(userId, gapMillis)));
                }
            }
        }
        sessions.put(merged.start, merged);
        if (merged.end(gapMillis) - 1 <= watermark) {
            emit(userId, merged, out);
            sessions.put(merged.start, merged);
        }
        // Re-register every session's timers: a deleted timer may have shared its time with another's.
        for (SessionAccumulator session : sessions.values()) {
            registerTimers(ctx.timerService(), session);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SessionChange> out) throws Exception {
        watermark.current(ctx.timerService());
        String userId = ctx.getCurrentKey();
        List<SessionAccumulator> all = new ArrayList<>();
        for (SessionAccumulator session : sessions.values()) {
            all.add(session);
        }
        for (SessionAccumulator session : all) {
            if (session.pending && session.end(gapMillis) - 1 <= timestamp) {
                emit(userId, session, out);
                sessions.put(session.start, session);
            }
            if (cleanupTime(session) <= timestamp) {
                sessions.remove(session.start);
            }
        }
        if (sessions.isEmpty()) {
            sessions.clear();
        }
    }

    private void emit(String userId, SessionAccumulator session, Collector<SessionChange> out) {
        out.collect(
                session.emitted
                        ? SessionChange.update(session.toSession(userId, gapMillis))
                        : SessionChange.insert(session.toSession(userId, gapMillis)));
        session.emitted = true;
        session.pending = false;
    }

    private void registerTimers(TimerService timers, SessionAccumulator session) {
        if (session.pending) {
            timers.registerEventTimeTimer(session.end(gapMillis) - 1);
        }
        timers.registerEventTimeTimer(cleanupTime(session));
    }

    private void deleteTimers(TimerService timers, SessionAccumulator session) {
        timers.deleteEventTimeTimer(session.end(gapMillis) - 1);
        timers.deleteEventTimeTimer(cleanupTime(session));
    }

    /** Until then a view that is not late could still touch the session. */
    private long cleanupTime(SessionAccumulator session) {
        return saturatedAdd(session.end(gapMillis) - 1, gapMillis, allowedLatenessMillis);
    }

    private static long saturatedAdd(long a, long b, long c) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return Long.MAX_VALUE;
        }
        long total = sum + c;
        if (((sum ^ total) & (c ^ total)) < 0) {
            return Long.MAX_VALUE;
        }
        return total;
    }

    private static void requireComplete(PageView view) {
        if (view.pageUrl() == null) {
            throw new IllegalArgumentException("PageView.pageUrl must not be null (user " + view.userId() + ")");
        }
        if (view.viewTime() == null) {
            throw new IllegalArgumentException("PageView.viewTime must not be null (user " + view.userId() + ")");
        }
    }
}
