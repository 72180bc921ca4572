package dev.streamingblocks.fraud.internal;

import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRule;
import java.util.List;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

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
 * empty whenever this operator is between two input elements: a checkpoint barrier, a rule update,
 * the end of input and processing time never find a pending score, and the batch needs no state.
 * The flushes before a rule update, at the barrier ({@link #prepareSnapshotPreBarrier}) and at
 * {@link #finish} keep that true should scoring ever happen elsewhere. For the same reason there is
 * no processing-time bound on a batch: nothing waits in it longer than the watermark's replay.
 *
 * <p>Interruptible timers ({@code execution.checkpointing.unaligned.interruptible-timers.enabled})
 * are not used, as by Flink's own operator: they would let a checkpoint or record in between the
 * timers of one watermark. State (keyed state, timers, the {@link FraudDetectorFunction#RULES}
 * broadcast state) is the same as Flink's operator keeps for the function, so savepoints of the
 * detector from before batching restore unchanged.
 */
public final class FraudDetectorOperator extends CoBroadcastWithKeyedOperator<String, Transaction, FraudRule, Alert> {

    private static final long serialVersionUID = 1L;

    public FraudDetectorOperator(FraudDetectorFunction function) {
        super(function, List.of(FraudDetectorFunction.RULES));
    }

    @Override
    public void open() throws Exception {
        detector().emitScoresTo(output);
        super.open();
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
