package dev.streamingblocks.lake.internal;

import dev.streamingblocks.lake.LakePartitions;
import dev.streamingblocks.lake.internal.PartitionCommitState.Plan;
import dev.streamingblocks.lake.internal.PartitionCommitState.StagedFile;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.RecoverableFsDataOutputStream;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableSummary;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's post-commit step, one subtask for the whole sink: it receives what the FileSink committer
 * has committed (hidden staged files, not readable), compacts them per partition into readable
 * {@code part-*.parquet} files, and writes a partition's {@value LakePartitions#SUCCESS_MARKER} once the
 * watermark has closed it.
 *
 * <p>Exactly once: what to do is decided when a checkpoint is taken and kept in it as a {@link Plan};
 * it is carried out only once that checkpoint completes, and again after a restore from it. Every step
 * of a plan can be repeated: the compacted file is published by one atomic rename to a name derived from
 * its first input (so it exists only complete, and a repeat sees it and skips), inputs are deleted only
 * after that, and the marker is written only if absent. A partition closes only when the watermark
 * recorded at some checkpoint {@code c} has passed its end plus the allowed lateness <em>and</em> every
 * committer subtask's committed output up to {@code c} has arrived: every record of the partition passed
 * the sink's writers before barrier {@code c} (the router drops later ones as late), so all its files are
 * then staged here.
 */
public final class PartitionCommitOperator extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<CommittableMessage<FileSinkCommittable>, Void>, BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PartitionCommitOperator.class);

    /** The prefix of the FileSink's committed but not yet compacted files; hidden, and not ending in .parquet. */
    public static final String STAGED_PREFIX = ".staged";

    public static final String COMPACTED_FILES_METRIC = "compactedFiles";
    public static final String CLOSED_PARTITIONS_METRIC = "closedPartitions";

    private static final ListStateDescriptor<byte[]> STATE =
            new ListStateDescriptor<>("lake-partition-commit", BytePrimitiveArraySerializer.INSTANCE);

    private final String basePath;
    private final String schemaJson;
    private final CompressionCodecName compression;
    private final Duration allowedLateness;
    private final long targetFileSize;
    private final int maxCheckpointsBeforeCompaction;
    private final boolean successMarkers;

    private transient PartitionCommitState state;
    private transient ListState<byte[]> checkpointed;
    private transient long currentWatermark;
    private transient boolean inputEnded;
    private transient boolean finished;
    private transient long lastSnapshot;
    private transient Schema schema;
    private transient BulkWriter.Factory<GenericRecord> writerFactory;
    private transient Counter compactedFiles;
    private transient Counter closedPartitions;

    public PartitionCommitOperator(
            String basePath,
            Schema schema,
            CompressionCodecName compression,
            Duration allowedLateness,
            long targetFileSize,
            int maxCheckpointsBeforeCompaction,
            boolean successMarkers) {
        this.basePath = basePath;
        this.schemaJson = schema.toString();
        this.compression = compression;
        this.allowedLateness = allowedLateness;
        this.targetFileSize = targetFileSize;
        this.maxCheckpointsBeforeCompaction = maxCheckpointsBeforeCompaction;
        this.successMarkers = successMarkers;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointed = context.getOperatorStateStore().getListState(STATE);
        state = new PartitionCommitState();
        for (byte[] bytes : checkpointed.get()) {
            state = PartitionCommitState.deserialize(bytes);
        }
        currentWatermark = Long.MIN_VALUE;
        lastSnapshot = context.getRestoredCheckpointId().orElse(Long.MIN_VALUE);
    }

    @Override
    public void open() throws Exception {
        super.open();
        schema = new Schema.Parser().parse(schemaJson);
        writerFactory = LakeParquet.writerFactory(schema, null, compression);
        compactedFiles = getMetricGroup().counter(COMPACTED_FILES_METRIC);
        closedPartitions = getMetricGroup().counter(CLOSED_PARTITIONS_METRIC);
        // Plans in a restored state belong to completed checkpoints; they may have run already, or partly.
        executeUpTo(Long.MAX_VALUE);
    }

    @Override
    public void processElement(StreamRecord<CommittableMessage<FileSinkCommittable>> element) throws IOException {
        CommittableMessage<FileSinkCommittable> message = element.getValue();
        if (message instanceof CommittableSummary<FileSinkCommittable> summary) {
            state.committerSubtasks = summary.getNumberOfSubtasks();
            long[] counts = state.arriving
                    .computeIfAbsent(summary.getCheckpointId(), c -> new TreeMap<>())
                    .computeIfAbsent(summary.getSubtaskId(), s -> new long[2]);
            counts[0] += summary.getNumberOfCommittables();
            arrived(summary.getCheckpointId(), summary.getSubtaskId(), counts);
        } else if (message instanceof CommittableWithLineage<FileSinkCommittable> committed) {
            FileSinkCommittable committable = committed.getCommittable();
            if (committable.hasPendingFile()) {
                Path path = committable.getPendingFile().getPath();
                state.staged
                        .computeIfAbsent(committable.getBucketId(), p -> new ArrayList<>())
                        .add(new StagedFile(
                                path.toString(), committable.getPendingFile().getSize(), committed.getCheckpointId()));
                state.openPartitions.add(committable.getBucketId());
            }
            long[] counts = state.arriving
                    .computeIfAbsent(committed.getCheckpointId(), c -> new TreeMap<>())
                    .computeIfAbsent(committed.getSubtaskId(), s -> new long[2]);
            counts[1]++;
            arrived(committed.getCheckpointId(), committed.getSubtaskId(), counts);
        }
        finishLakeOnceFinalFilesArrived();
    }

    /** A committer subtask's output for a checkpoint has fully arrived once its summary's count is reached. */
    private void arrived(long checkpointId, int subtask, long[] counts) {
        if (counts[1] < counts[0]) {
            return;
        }
        TreeMap<Integer, long[]> subtasks = state.arriving.get(checkpointId);
        subtasks.remove(subtask);
        if (subtasks.isEmpty()) {
            state.arriving.remove(checkpointId);
        }
        state.arrivedThrough.merge(subtask, checkpointId, Math::max);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        currentWatermark = mark.getTimestamp();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        lastSnapshot = context.getCheckpointId();
        plan(context.getCheckpointId(), state.arrivedThroughAll(), false);
        state.watermarks.put(context.getCheckpointId(), currentWatermark);
        checkpointed.update(List.of(state.serialize()));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        executeUpTo(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        LOG.info("Lake {}: end of input, watermark {}, staged {}", basePath, currentWatermark, state.staged.keySet());
        inputEnded = true;
        if (!CheckpointingOptions.isCheckpointingEnabled(getContainingTask().getJobConfiguration())) {
            finishLake();
        } else {
            finishLakeOnceFinalFilesArrived();
        }
    }

    /**
     * With checkpointing, the committer commits the writers' last files when the final checkpoint
     * completes, after this operator's input has ended, and they arrive after {@link #endInput}. Once
     * they have (a checkpoint later than the last one this operator took), no restore can go back
     * before them, so the rest is decided and done at once: an operator that has finished is never
     * snapshotted again.
     */
    private void finishLakeOnceFinalFilesArrived() throws IOException {
        if (inputEnded && !finished && state.arrivedThroughAll() > lastSnapshot) {
            finishLake();
        }
    }

    /** Every committed file has arrived; the final watermark decides which partitions close. */
    private void finishLake() throws IOException {
        finished = true;
        state.closableWatermark = Math.max(state.closableWatermark, currentWatermark);
        executeUpTo(Long.MAX_VALUE);
        plan(Long.MAX_VALUE, Long.MAX_VALUE, true);
        executeUpTo(Long.MAX_VALUE);
    }

    /**
     * Decides, at checkpoint {@code checkpointId}, which partitions close and which staged files are
     * compacted, given that committed output up to checkpoint {@code arrivedThrough} has fully arrived;
     * {@code compactAll} at the end of the input, when nothing more will be staged.
     */
    void plan(long checkpointId, long arrivedThrough, boolean compactAll) {
        for (Iterator<Map.Entry<Long, Long>> it = state.watermarks.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            if (e.getKey() > arrivedThrough) {
                break;
            }
            state.closableWatermark = Math.max(state.closableWatermark, e.getValue());
            it.remove();
        }
        List<Plan> decided = new ArrayList<>();
        for (Iterator<String> it = state.openPartitions.iterator(); it.hasNext(); ) {
            String partition = it.next();
            List<StagedFile> files = state.staged.getOrDefault(partition, List.of());
            boolean close = LakePartitions.closingWatermark(partition, allowedLateness) <= state.closableWatermark;
            long bytes = files.stream().mapToLong(StagedFile::size).sum();
            boolean due = !files.isEmpty()
                    && (compactAll
                            || bytes >= targetFileSize
                            || files.get(0).checkpointId() <= checkpointId - maxCheckpointsBeforeCompaction);
            if (!close && !due) {
                continue;
            }
            List<String> paths = files.stream().map(StagedFile::path).sorted().toList();
            decided.add(new Plan(partition, paths, paths.isEmpty() ? null : targetFor(paths.get(0)), close));
            state.staged.remove(partition);
            if (close) {
                it.remove();
            }
        }
        if (!decided.isEmpty()) {
            LOG.info("Lake {} at checkpoint {}: {}", basePath, checkpointId, decided);
            state.plans.computeIfAbsent(checkpointId, c -> new ArrayList<>()).addAll(decided);
        }
    }

    /** {@code .staged-<uuid>-<n>} becomes {@code part-<uuid>-<n>.parquet}: unique, and the same on a repeat. */
    static String targetFor(String stagedPath) {
        String name = new Path(stagedPath).getName();
        if (!name.startsWith(STAGED_PREFIX + "-")) {
            throw new IllegalStateException("Not a staged lake file: " + stagedPath);
        }
        return LakePartitions.DATA_FILE_PREFIX
                + name.substring(STAGED_PREFIX.length())
                + LakePartitions.DATA_FILE_SUFFIX;
    }

    private void executeUpTo(long checkpointId) throws IOException {
        if (!state.plans.isEmpty()) {
            LOG.info(
                    "Lake {}: running the plans up to checkpoint {} of {}",
                    basePath,
                    checkpointId,
                    state.plans.keySet());
        }
        for (Iterator<Map.Entry<Long, List<Plan>>> it = state.plans.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, List<Plan>> e = it.next();
            if (e.getKey() > checkpointId) {
                break;
            }
            for (Plan plan : e.getValue()) {
                execute(plan);
            }
            it.remove();
        }
    }

    private void execute(Plan plan) throws IOException {
        Path directory = new Path(basePath, plan.partition());
        FileSystem fs = directory.getFileSystem();
        if (!plan.files().isEmpty()) {
            Path target = new Path(directory, plan.target());
            if (!fs.exists(target)) {
                compact(fs, plan, target);
                compactedFiles.inc();
            }
            for (String file : plan.files()) {
                fs.delete(new Path(file), false);
            }
        }
        if (plan.close()) {
            deleteLeftovers(fs, directory);
            Path marker = new Path(directory, LakePartitions.SUCCESS_MARKER);
            if (successMarkers && !fs.exists(marker)) {
                fs.create(marker, FileSystem.WriteMode.OVERWRITE).close();
            }
            closedPartitions.inc();
        }
    }

    private void compact(FileSystem fs, Plan plan, Path target) throws IOException {
        RecoverableFsDataOutputStream out = fs.createRecoverableWriter().open(target);
        BulkWriter<GenericRecord> writer = writerFactory.create(out);
        for (String file : plan.files()) {
            Path path = new Path(file);
            if (!fs.exists(path)) {
                throw new IllegalStateException("Staged file " + file + " of partition " + plan.partition()
                        + " is missing and " + target + " does not exist: was the job restored from a checkpoint"
                        + " older than its latest one? The lake sink only supports restoring the latest");
            }
            for (GenericRecord record : LakeParquet.readAll(path, schema)) {
                writer.addElement(record);
            }
        }
        writer.finish();
        out.closeForCommit().commit();
    }

    /**
     * Hidden files a closed partition still holds are left over from failed attempts (in-progress files
     * of the writers or of an interrupted compaction): no writer writes to a closed partition any more.
     */
    private static void deleteLeftovers(FileSystem fs, Path directory) throws IOException {
        FileStatus[] files = fs.listStatus(directory);
        if (files == null) {
            return;
        }
        for (FileStatus file : files) {
            if (!file.isDir() && file.getPath().getName().startsWith(".")) {
                fs.delete(file.getPath(), false);
            }
        }
    }

    /** For tests. */
    PartitionCommitState state() {
        return state;
    }
}
