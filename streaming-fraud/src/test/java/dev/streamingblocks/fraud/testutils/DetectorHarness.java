package dev.streamingblocks.fraud.testutils;

import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.internal.FraudDetectorFunction;
import dev.streamingblocks.fraud.internal.FraudDetectorOperator;
import dev.streamingblocks.fraud.rules.FraudRule;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;

/**
 * The fraud detector's operator in a {@link MeteredKeyedBroadcastHarness}, set up as the pipeline
 * runs it: generic types off (a Kryo fallback fails), optionally restored, opened, and the rules
 * input never holding event time back. Time is anchored at {@link #BEGINNING}; {@link #t} turns
 * seconds after it into epoch milliseconds.
 */
public final class DetectorHarness implements AutoCloseable {

    public static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    public static final int MAX_PARALLELISM = 128;

    public final MeteredKeyedBroadcastHarness<String, Transaction, FraudRule, Alert> harness;
    public final FraudDetectorOperator operator;

    public DetectorHarness(
            FraudDetectorFunction function, OperatorSubtaskState restoreFrom, int parallelism, int subtask)
            throws Exception {
        operator = new FraudDetectorOperator(function);
        harness = MeteredKeyedBroadcastHarness.create(
                operator, Transaction::getUserId, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        try {
            harness.open();
        } catch (Exception e) {
            harness.close();
            throw e;
        }
        harness.processBroadcastWatermark(Long.MAX_VALUE);
    }

    /** Epoch milliseconds {@code seconds} after {@link #BEGINNING}. */
    public static long t(double seconds) {
        return BEGINNING.toEpochMilli() + Math.round(seconds * 1000);
    }

    /** Sends a transaction of {@code user} at {@code seconds}, with id {@code tx-<user>-<seconds>}. */
    public Transaction tx(String user, double seconds, double amount) throws Exception {
        Transaction tx = new Transaction("tx-" + user + "-" + seconds, user, amount, Instant.ofEpochMilli(t(seconds)));
        harness.processElement(tx, t(seconds));
        return tx;
    }

    public void watermark(long timestamp) throws Exception {
        harness.processWatermark(timestamp);
    }

    /** The alerts emitted since the last call. */
    public List<Alert> alerts() {
        List<Alert> alerts = harness.extractOutputValues();
        harness.getOutput().clear();
        return alerts;
    }

    public long counter(String metric) {
        return harness.counter(metric);
    }

    /** Keyed state entries left, for cleanup assertions. */
    public int stateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
