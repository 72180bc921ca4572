package dev.streamingblocks.lake;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Fails the job at planned points, as the examples' {@code InjectedFailures} does: failure {@code k} is
 * thrown by subtask {@code k % parallelism} once it has passed on {@code recordsBefore[k]} records in its
 * current attempt. The count of failures so far lives in a static map (a MiniCluster runs every task in
 * this JVM), since it must survive the restarts that undo everything else; an attempt opened before the
 * latest failure throws nothing, so each planned failure is one restart.
 */
final class FailingPassThrough<T> extends RichMapFunction<T, T> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, AtomicInteger> FAILURES = new ConcurrentHashMap<>();

    private final String id;
    private final int[] recordsBefore;
    private transient AtomicInteger failures;
    private transient int subtask;
    private transient int parallelism;
    private transient int failuresAtOpen;
    private transient long seen;

    FailingPassThrough(int... recordsBefore) {
        this.id = UUID.randomUUID().toString();
        this.recordsBefore = recordsBefore.clone();
        FAILURES.put(id, new AtomicInteger());
    }

    int failures() {
        return FAILURES.get(id).get();
    }

    @Override
    public void open(OpenContext openContext) {
        failures = FAILURES.get(id);
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        failuresAtOpen = failures.get();
        seen = 0;
    }

    @Override
    public T map(T value) {
        seen++;
        int k = failures.get();
        if (k < recordsBefore.length
                && k == failuresAtOpen
                && k % parallelism == subtask
                && seen > recordsBefore[k]
                && failures.compareAndSet(k, k + 1)) {
            throw new IllegalStateException("Injected failure " + (k + 1) + " of " + recordsBefore.length
                    + " in subtask " + subtask + " after " + (seen - 1) + " records");
        }
        return value;
    }
}
