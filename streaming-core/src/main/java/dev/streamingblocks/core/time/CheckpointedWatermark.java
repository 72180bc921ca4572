package dev.streamingblocks.core.time;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.streaming.api.TimerService;

/**
 * The highest watermark a keyed function has seen, kept across restores, so that a record judged
 * late before a failure is still late after it. Without it, lateness is judged against
 * {@code currentWatermark()}, which is {@code Long.MIN_VALUE} after a restore until the first new
 * watermark arrives, and a late record slips in: it reopens a window or a session already closed.
 *
 * <pre>{@code
 * class MyFunction extends KeyedProcessFunction<K, In, Out> implements CheckpointedFunction {
 *     private final CheckpointedWatermark watermark = new CheckpointedWatermark("my-function-watermark");
 *
 *     public void initializeState(FunctionInitializationContext context) throws Exception {
 *         watermark.initialize(context);
 *     }
 *     public void snapshotState(FunctionSnapshotContext context) throws Exception {
 *         watermark.snapshot();
 *     }
 *     public void processElement(In in, Context ctx, Collector<Out> out) {
 *         if (ctx.timestamp() <= watermark.current(ctx.timerService())) { ... late ... }
 *     }
 * }
 * }</pre>
 *
 * <p>Stored as union operator state under the given name (keep it stable, like a uid), so it
 * survives rescaling; on restore the lowest entry wins. With aligned checkpoints every subtask of
 * a keyed operator has the same combined watermark at the barrier, so the entries agree; where
 * they differ (unaligned checkpoints) the lowest never judges late a record that the failed run
 * would have accepted. A subtask that had not yet looked at the watermark wrote
 * {@code Long.MIN_VALUE}, which keeps that restore as lenient as before rather than guess. A
 * savepoint without this state restores as a fresh start. The per-record cost is one compare.
 */
public final class CheckpointedWatermark implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String stateName;

    private transient ListState<Long> state;
    /** The highest watermark seen, the restored one included. */
    private transient long highest;
    /** The operator's timer service, to read the watermark at a snapshot; null until first used. */
    private transient TimerService timers;

    /** @param stateName the operator state's name; never change it once released */
    public CheckpointedWatermark(String stateName) {
        if (stateName == null || stateName.isBlank()) {
            throw new IllegalArgumentException("stateName must not be blank");
        }
        this.stateName = stateName;
    }

    /** Call from {@code CheckpointedFunction#initializeState}. */
    public void initialize(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(stateName, Types.LONG));
        highest = lowest(state.get());
    }

    /** Call from {@code CheckpointedFunction#snapshotState}. */
    public void snapshot() throws Exception {
        if (timers != null) {
            // The watermark may have moved on without an element or timer on this subtask since.
            highest = Math.max(highest, timers.currentWatermark());
        }
        state.update(List.of(highest));
    }

    /** The current watermark, or the restored one while the current one is still behind it. */
    public long current(TimerService timerService) {
        timers = timerService;
        long now = timerService.currentWatermark();
        if (now > highest) {
            highest = now;
        }
        return highest;
    }

    public String stateName() {
        return stateName;
    }

    private static long lowest(Iterable<Long> restored) throws Exception {
        long lowest = Long.MAX_VALUE;
        boolean any = false;
        for (Long entry : restored) {
            lowest = Math.min(lowest, entry);
            any = true;
        }
        return any ? lowest : Long.MIN_VALUE;
    }
}
