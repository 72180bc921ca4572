package dev.streamingblocks.lake.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.lake.testutils.LakeOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableSummary;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.functions.sink.filesystem.InProgressFileWriter;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The post-commit step's state across a snapshot and restore, driven by explicit watermarks,
 * checkpoints and committer output: a partition closes only once both the watermark of a checkpoint and
 * that checkpoint's committed files have arrived; the plan runs when its checkpoint completes, and a
 * restore from that checkpoint runs it again without changing the result (exactly one compacted file with
 * every record, one marker, no staged file left).
 */
class PartitionCommitOperatorTest {

    private static final String HOUR_10 = "dt=2026-02-06/hour=10";
    private static final Instant T = Instant.parse("2026-02-06T10:00:00Z");

    @TempDir
    Path lake;

    @Test
    void closesAPartitionExactlyOnceAcrossSnapshotAndRestore() throws Exception {
        Path a = stage("a", 3);
        Path b = stage("b", 2);
        OperatorSubtaskState snapshot;
        String stateBefore;
        try (OneInputStreamOperatorTestHarness<CommittableMessage<FileSinkCommittable>, Void> harness = harness()) {
            harness.setup();
            harness.open();
            harness.processWatermark(
                    new Watermark(Instant.parse("2026-02-06T11:00:00Z").toEpochMilli()));
            harness.snapshot(1, 1);
            // The watermark at checkpoint 1 passed hour 10, but its files have not arrived: nothing closes.
            assertThat(operator(harness).state().plans).isEmpty();
            harness.processElement(new StreamRecord<>(new CommittableSummary<>(0, 2, 1, 1, 0)));
            harness.processElement(new StreamRecord<>(committed(a, 1, 0)));
            harness.processElement(new StreamRecord<>(new CommittableSummary<>(1, 2, 1, 1, 0)));
            harness.snapshot(2, 2);
            assertThat(operator(harness).state().plans).isEmpty();
            harness.processElement(new StreamRecord<>(committed(b, 1, 1)));
            assertThat(operator(harness).state().arrivedThroughAll()).isEqualTo(1);
            snapshot = harness.snapshot(3, 3);
            stateBefore = operator(harness).state().toString();
            assertThat(operator(harness).state().plans.get(3L))
                    .containsExactly(new PartitionCommitState.Plan(
                            HOUR_10,
                            List.of(
                                    a.toUri().toString().replace("file:///", "file:/"),
                                    b.toUri().toString().replace("file:///", "file:/")),
                            "part-a-0.parquet",
                            true));
            assertThat(operator(harness).state().openPartitions).isEmpty();
            assertThat(files()).containsExactly(HOUR_10 + "/.staged-a-0", HOUR_10 + "/.staged-b-0");
            harness.notifyOfCompletedCheckpoint(3);
            assertThat(files()).containsExactly(HOUR_10 + "/_SUCCESS", HOUR_10 + "/part-a-0.parquet");
            assertThat(operator(harness).state().plans).isEmpty();
        }
        // A failure after the plan ran, before the next checkpoint: the restore runs it again.
        for (int restore = 0; restore < 2; restore++) {
            try (OneInputStreamOperatorTestHarness<CommittableMessage<FileSinkCommittable>, Void> harness = harness()) {
                harness.setup();
                harness.initializeState(snapshot);
                assertThat(operator(harness).state().toString()).isEqualTo(stateBefore);
                harness.open();
                assertThat(operator(harness).state().plans).isEmpty();
                assertThat(files()).containsExactly(HOUR_10 + "/_SUCCESS", HOUR_10 + "/part-a-0.parquet");
            }
        }
        List<GenericRecord> records = LakeParquet.readAll(
                new org.apache.flink.core.fs.Path(
                        lake.resolve(HOUR_10).resolve("part-a-0.parquet").toUri()),
                LakeOrder.getClassSchema());
        assertThat(records)
                .extracting(r -> r.get("order_id").toString())
                .containsExactly("a-0", "a-1", "a-2", "b-0", "b-1");
    }

    @Test
    void stateSurvivesSerialization() throws IOException {
        PartitionCommitState state = new PartitionCommitState();
        state.staged.put(HOUR_10, new java.util.ArrayList<>(List.of(new PartitionCommitState.StagedFile("f", 10, 4))));
        state.openPartitions.add(HOUR_10);
        state.plans.put(
                5L,
                List.of(
                        new PartitionCommitState.Plan(HOUR_10, List.of("g"), "part-g.parquet", false),
                        new PartitionCommitState.Plan(HOUR_10, List.of(), null, true)));
        state.watermarks.put(6L, 1234L);
        state.closableWatermark = 99;
        state.committerSubtasks = 2;
        state.arrivedThrough.put(0, 4L);
        state.arriving.put(5L, new java.util.TreeMap<>(java.util.Map.of(1, new long[] {3, 1})));
        assertThat(PartitionCommitState.deserialize(state.serialize())).isEqualTo(state);
        assertThat(PartitionCommitState.deserialize(state.serialize()).toString())
                .isEqualTo("staged={" + HOUR_10
                        + "=[StagedFile[path=f, size=10, checkpointId=4]]} open=[" + HOUR_10
                        + "] plans={5=[Plan[partition="
                        + HOUR_10 + ", files=[g], target=part-g.parquet, close=false], Plan[partition=" + HOUR_10
                        + ", files=[], target=null, close=true]]} watermarks={6=1234} closable=99 subtasks=2 arrived={0=4}"
                        + " arriving=5/1=3:1");
    }

    private OneInputStreamOperatorTestHarness<CommittableMessage<FileSinkCommittable>, Void> harness()
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new PartitionCommitOperator(
                lake.toUri().toString(),
                LakeOrder.getClassSchema(),
                CompressionCodecName.SNAPPY,
                Duration.ZERO,
                1L << 30,
                30,
                true));
    }

    private static PartitionCommitOperator operator(
            OneInputStreamOperatorTestHarness<CommittableMessage<FileSinkCommittable>, Void> harness) {
        return (PartitionCommitOperator) harness.getOperator();
    }

    /** A staged file as the FileSink commits it: hidden, Parquet inside. */
    private Path stage(String id, int records) throws IOException {
        Path file = lake.resolve(HOUR_10).resolve(".staged-" + id + "-0");
        Files.createDirectories(file.getParent());
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(file.toUri());
        BulkWriter.Factory<LakeOrder> factory =
                LakeParquet.writerFactory(LakeOrder.getClassSchema(), LakeOrder.class, CompressionCodecName.SNAPPY);
        try (FSDataOutputStream out = path.getFileSystem().create(path, FileSystem.WriteMode.NO_OVERWRITE)) {
            BulkWriter<LakeOrder> writer = factory.create(out);
            for (int i = 0; i < records; i++) {
                writer.addElement(LakeOrder.newBuilder()
                        .setOrderId(id + "-" + i)
                        .setProductId("p")
                        .setQuantity(1)
                        .setPrice(1.0)
                        .setTimestamp(T.plusSeconds(i))
                        .build());
            }
            writer.finish();
        }
        return file;
    }

    private static CommittableWithLineage<FileSinkCommittable> committed(Path file, long checkpoint, int subtask)
            throws IOException {
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(file.toUri());
        long size = Files.size(file);
        InProgressFileWriter.PendingFileRecoverable pending = new InProgressFileWriter.PendingFileRecoverable() {
            @Override
            public org.apache.flink.core.fs.Path getPath() {
                return path;
            }

            @Override
            public long getSize() {
                return size;
            }
        };
        return new CommittableWithLineage<>(new FileSinkCommittable(HOUR_10, pending), checkpoint, subtask);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> walk = Files.walk(lake)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> lake.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }
}
