package dev.streamingblocks.lake.internal;

import java.io.IOException;
import java.util.Collection;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.connector.file.sink.writer.FileWriterBucketState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Flink's {@link FileSink} (its writers, state and committer unchanged) with a post-commit step: the
 * {@link PartitionCommitOperator}, which sees each file only after the committer has committed it.
 */
public final class CommittingFileSink<T>
        implements Sink<T>,
                SupportsWriterState<T, FileWriterBucketState>,
                SupportsCommitter<FileSinkCommittable>,
                SupportsPostCommitTopology<FileSinkCommittable> {

    private static final long serialVersionUID = 1L;

    private final FileSink<T> files;
    private final PartitionCommitOperator commit;
    private final String commitUid;
    private final String commitName;

    public CommittingFileSink(FileSink<T> files, PartitionCommitOperator commit, String commitUid, String commitName) {
        this.files = files;
        this.commit = commit;
        this.commitUid = commitUid;
        this.commitName = commitName;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return files.createWriter(context);
    }

    @Override
    public StatefulSinkWriter<T, FileWriterBucketState> restoreWriter(
            WriterInitContext context, Collection<FileWriterBucketState> recoveredState) throws IOException {
        return files.restoreWriter(context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<FileWriterBucketState> getWriterStateSerializer() {
        return files.getWriterStateSerializer();
    }

    @Override
    public Committer<FileSinkCommittable> createCommitter(CommitterInitContext context) throws IOException {
        return files.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<FileSinkCommittable> getCommittableSerializer() {
        return files.getCommittableSerializer();
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<FileSinkCommittable>> committables) {
        // One subtask: it must see every committer subtask's output to know when a checkpoint's is complete.
        committables
                .global()
                .transform(commitName, Types.VOID, commit)
                .uid(commitUid)
                .setParallelism(1)
                .setMaxParallelism(1);
    }
}
