package dev.streamingblocks.examples.faults;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * A pass-through map that makes a job fail a planned number of times at planned points, so a
 * fault-injection test can put it between a job's source and the rest of its pipeline.
 *
 * <p>Failure {@code k} (counting from 0) is thrown by subtask {@code k % parallelism}, once that
 * subtask has passed on {@code recordsBefore[k]} records in its current attempt; if the plan marks
 * it {@code afterCheckpoint}, it waits further for the first record after the next checkpoint
 * completes, so it hits a job that has just committed its transactions. How many failures have
 * happened lives in a static counter per plan, not in operator state: it must survive the restarts
 * that undo everything else. (A MiniCluster runs every task in this JVM, so the counter is shared.)
 * An attempt opened before the latest failure throws nothing, as the restart that failure causes
 * cancels it anyway: so each planned failure is one restart of its own.
 *
 * <pre>{@code
 * InjectedFailures.Plan plan = InjectedFailures.plan(new int[] {20_000, 35_000}, new boolean[] {false, true});
 * stream.map(plan.function()).uid("injected-failures") ...
 * plan.failures();   // 2 once the job has failed twice
 * }</pre>
 */
final class InjectedFailures {

    private static final Map<String, AtomicInteger> FAILURES_SO_FAR = new ConcurrentHashMap<>();

    private InjectedFailures() {}

    /** A plan of {@code recordsBefore.length} failures; see the class Javadoc. */
    static Plan plan(int[] recordsBefore, boolean[] afterCheckpoint) {
        if (recordsBefore.length != afterCheckpoint.length) {
            throw new IllegalArgumentException("recordsBefore and afterCheckpoint differ in length");
        }
        String id = UUID.randomUUID().toString();
        FAILURES_SO_FAR.put(id, new AtomicInteger());
        return new Plan(id, recordsBefore.clone(), afterCheckpoint.clone());
    }

    /** The failures planned for one job run, and how many of them have happened. */
    static final class Plan implements AutoCloseable {
        private final String id;
        private final int[] recordsBefore;
        private final boolean[] afterCheckpoint;

        private Plan(String id, int[] recordsBefore, boolean[] afterCheckpoint) {
            this.id = id;
            this.recordsBefore = recordsBefore;
            this.afterCheckpoint = afterCheckpoint;
        }

        int planned() {
            return recordsBefore.length;
        }

        int failures() {
            return FAILURES_SO_FAR.get(id).get();
        }

        <T> RichMapFunction<T, T> function() {
            return new FailingPassThrough<>(id, recordsBefore, afterCheckpoint);
        }

        @Override
        public void close() {
            FAILURES_SO_FAR.remove(id);
        }
    }

    /** Thrown for a planned failure, so a log shows at once that it was planned. */
    static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }

    private static final class FailingPassThrough<T> extends RichMapFunction<T, T> implements CheckpointListener {
        private static final long serialVersionUID = 1L;

        /** Per record while a failure waits for a checkpoint: a 300 ms interval then costs a few hundred records. */
        private static final long THROTTLE_NANOS = 1_000_000;

        private final String id;
        private final int[] recordsBefore;
        private final boolean[] afterCheckpoint;
        /** The largest failure point. */
        private final int mostBefore;

        private transient AtomicInteger failuresSoFar;
        private transient int subtask;
        private transient int parallelism;
        private transient long seen;
        /** Failures so far when this attempt opened; a later failure has already doomed it. */
        private transient int failuresAtOpen;

        private transient long checkpointsCompleted;
        /** Checkpoints completed when an after-checkpoint failure became due; -1 while none is. */
        private transient long armedAt;

        FailingPassThrough(String id, int[] recordsBefore, boolean[] afterCheckpoint) {
            this.id = id;
            this.recordsBefore = recordsBefore;
            this.afterCheckpoint = afterCheckpoint;
            this.mostBefore = java.util.Arrays.stream(recordsBefore).max().orElse(0);
        }

        @Override
        public void open(OpenContext openContext) {
            failuresSoFar = FAILURES_SO_FAR.get(id);
            subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
            failuresAtOpen = failuresSoFar.get();
            seen = 0;
            checkpointsCompleted = 0;
            armedAt = -1;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointsCompleted++;
        }

        @Override
        public T map(T value) {
            seen++;
            int k = failuresSoFar.get();
            if (k < recordsBefore.length && k == failuresAtOpen && k % parallelism != subtask && seen > mostBefore) {
                // Hold the other subtasks back once they are past every failure point, so none reads its
                // bounded input to the end (and finishes for good) before all failures have come: a
                // faster pipeline (issue #10) once got there with failures still due.
                LockSupport.parkNanos(THROTTLE_NANOS);
                return value;
            }
            if (k >= recordsBefore.length
                    || k != failuresAtOpen
                    || k % parallelism != subtask
                    || seen <= recordsBefore[k]) {
                return value;
            }
            if (afterCheckpoint[k] && armedAt < 0) {
                armedAt = checkpointsCompleted;
            }
            if (afterCheckpoint[k] && checkpointsCompleted <= armedAt) {
                // Hold this subtask back while its failure waits for the next checkpoint, so a bounded
                // input cannot run out first (seen on a loaded machine: the last failure never came).
                LockSupport.parkNanos(THROTTLE_NANOS);
                return value;
            }
            if (failuresSoFar.compareAndSet(k, k + 1)) {
                throw new InjectedFailure("Injected failure " + (k + 1) + " of " + recordsBefore.length
                        + " in subtask " + subtask + " after " + (seen - 1) + " records of attempt "
                        + getRuntimeContext().getTaskInfo().getAttemptNumber()
                        + (afterCheckpoint[k] ? ", right after a checkpoint" : ""));
            }
            return value;
        }
    }
}
