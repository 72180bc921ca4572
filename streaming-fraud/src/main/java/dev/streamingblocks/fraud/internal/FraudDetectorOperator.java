package dev.streamingblocks.fraud.internal;

import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRule;
import java.util.List;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The detector's operator: Flink's keyed broadcast operator running {@link FraudDetectorFunction},
 * plus the one hook a function cannot have: scoring the model vectors of every user whose replay a
 * watermark fired, together, before that watermark goes downstream.
 *
 * <p>The function computes features per user in its event-time replay, which runs only in the
 * event-time timers a watermark fires; each vector goes into the subtask's {@link ModelScoreBatch},
 * which scores in one ONNX Runtime run whenever it holds the configured batch size. Once all timers
 * of the watermark have fired, {@link #processWatermark} scores the rest and only then forwards the
 * watermark, so an alert is never behind the watermark that produced it. The batch is therefore
 * empty after each watermark. With {@link dev.streamingblocks.fraud.FraudDetection.Evaluation#ON_ARRIVAL}
 * transactions are also scored as they arrive: a batch that is not full then waits at most
 * {@link FraudDetection#ON_ARRIVAL_MAX_SCORE_DELAY} of processing time, so busy subtasks still
 * score many users per run. A rule update, the checkpoint barrier ({@link #prepareSnapshotPreBarrier})
 * and {@link #finish} flush first, so the batch never needs state and each vector is scored by
 * the model it was computed for.
 *
 * <p>Interruptible timers ({@code execution.checkpointing.unaligned.interruptible-timers.enabled})
 * are not used, as by Flink's own operator: they would let a checkpoint or record in between the
 * timers of one watermark. State (keyed state, timers, the {@link FraudDetectorFunction#RULES}
 * broadcast state) is the same as Flink's operator keeps for the function, so savepoints of the
 * detector from before batching restore unchanged.
 */
public final class FraudDetectorOperator extends CoBroadcastWithKeyedOperator<String, Transaction, FraudRule, Alert> {

    private static final long serialVersionUID = 1L;

    private static final long MAX_SCORE_DELAY_MILLIS = FraudDetection.ON_ARRIVAL_MAX_SCORE_DELAY.toMillis();

    /** Whether a processing-time flush of the batch is due; never checkpointed (the barrier flushes). */
    private transient boolean flushScheduled;

    public FraudDetectorOperator(FraudDetectorFunction function) {
        super(function, List.of(FraudDetectorFunction.RULES));
    }

    @Override
    public void open() throws Exception {
        detector().emitScoresTo(output);
        super.open();
    }

    @Override
    public void processElement1(StreamRecord<Transaction> element) throws Exception {
        super.processElement1(element);
        if (!flushScheduled && detector().pendingScores() > 0) {
            flushScheduled = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + MAX_SCORE_DELAY_MILLIS, time -> {
                flushScheduled = false;
                detector().flushScores();
            });
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (timeServiceManager != null) {
            timeServiceManager.advanceWatermark(mark);
        }
        detector().flushScores();
        output.emitWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        detector().flushScores();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        detector().flushScores();
        super.finish();
    }

    private FraudDetectorFunction detector() {
        return (FraudDetectorFunction) userFunction;
    }

    /** Vectors waiting to be scored, for tests: zero whenever the operator is between input elements. */
    public int pendingScores() {
        return detector().pendingScores();
    }
}
