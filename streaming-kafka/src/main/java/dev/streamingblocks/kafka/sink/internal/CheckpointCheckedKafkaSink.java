package dev.streamingblocks.kafka.sink.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;

/**
 * An exactly-once {@link KafkaSink} that judges the job's checkpointing when the job graph is
 * built, not when the sink is attached, so {@code env.enableCheckpointing(...)} may come before or
 * after {@code sinkTo}.
 *
 * <p>Flink calls {@link #addPreWriteTopology} while it generates the StreamGraph (in
 * {@code execute()}, {@code executeAsync()} or {@code getStreamGraph()}); that is where the check
 * runs, so a failure surfaces from those calls before anything is submitted. Everything else is
 * delegated to the KafkaSink: the interfaces below are exactly those KafkaSink implements in
 * flink-connector-kafka 5.0.0-2.2 (its {@code TwoPhaseCommittingStatefulSink} is
 * {@code SupportsWriterState} + {@code SupportsCommitter}), so writer state, committables and
 * savepoints are the KafkaSink's own.
 */
public final class CheckpointCheckedKafkaSink<T>
        implements Sink<T>,
                SupportsWriterState<T, KafkaWriterState>,
                SupportsCommitter<KafkaCommittable>,
                SupportsPostCommitTopology<KafkaCommittable>,
                SupportsPreWriteTopology<T>,
                LineageVertexProvider {

    private static final long serialVersionUID = 1L;

    private final KafkaSink<T> delegate;
    private final Duration transactionTimeout;
    private final Duration restartMargin;

    public CheckpointCheckedKafkaSink(KafkaSink<T> delegate, Duration transactionTimeout, Duration restartMargin) {
        this.delegate = delegate;
        this.transactionTimeout = transactionTimeout;
        this.restartMargin = restartMargin;
    }

    /**
     * Fails unless checkpointing is on (in STREAMING mode) with an interval the transaction
     * timeout covers; returns the input unchanged.
     *
     * @throws IllegalStateException naming the setting to change
     */
    @Override
    public DataStream<T> addPreWriteTopology(DataStream<T> input) {
        checkCheckpointing(input.getExecutionEnvironment(), transactionTimeout, restartMargin);
        return input;
    }

    /** The job-level rules of an exactly-once sink, as the environment stands now. */
    public static void checkCheckpointing(
            StreamExecutionEnvironment env, Duration transactionTimeout, Duration restartMargin) {
        if (env.getConfiguration().get(ExecutionOptions.RUNTIME_MODE) == RuntimeExecutionMode.BATCH) {
            return; // batch jobs commit once at the end, without checkpoints
        }
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new IllegalStateException("deliveryGuarantee EXACTLY_ONCE commits on checkpoints, but"
                    + " checkpointing is disabled: enable it with env.enableCheckpointing(...)"
                    + " (execution.checkpointing.interval) or use"
                    + " setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)");
        }
        TransactionTimeoutCheck.checkAgainstCheckpointInterval(
                transactionTimeout,
                Duration.ofMillis(env.getCheckpointConfig().getCheckpointInterval()),
                restartMargin);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return delegate.createWriter(context);
    }

    @Override
    public StatefulSinkWriter<T, KafkaWriterState> restoreWriter(
            WriterInitContext context, Collection<KafkaWriterState> recoveredState) throws IOException {
        return delegate.restoreWriter(context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
        return delegate.getWriterStateSerializer();
    }

    @Override
    public Committer<KafkaCommittable> createCommitter(CommitterInitContext context) {
        return delegate.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
        return delegate.getCommittableSerializer();
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> committables) {
        delegate.addPostCommitTopology(committables);
    }

    @Override
    public LineageVertex getLineageVertex() {
        return delegate.getLineageVertex();
    }

    /** The wrapped sink. */
    public KafkaSink<T> getDelegate() {
        return delegate;
    }
}
