package dev.streamingblocks.lake.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@link PartitionCommitOperator} keeps in a checkpoint: the committed files waiting for
 * compaction, the partitions not closed yet, the plans decided at earlier checkpoints (carried out once
 * their checkpoint completes, again after a restore, idempotently), the watermark seen at each
 * checkpoint, and how far each committer subtask's committed output has arrived.
 */
final class PartitionCommitState {

    private static final int VERSION = 1;

    /** A file the FileSink committed (hidden, not yet readable) and its size. */
    record StagedFile(String path, long size, long checkpointId) {}

    /** Compact {@code files} of {@code partition} into {@code target}, then, if {@code close}, mark it. */
    record Plan(String partition, List<String> files, String target, boolean close) {}

    final TreeMap<String, List<StagedFile>> staged = new TreeMap<>();
    final TreeSet<String> openPartitions = new TreeSet<>();
    final TreeMap<Long, List<Plan>> plans = new TreeMap<>();
    /** The watermark at each checkpoint whose committed output has not fully arrived yet. */
    final TreeMap<Long, Long> watermarks = new TreeMap<>();
    /** The highest watermark whose checkpoint's output has fully arrived: partitions up to it may close. */
    long closableWatermark = Long.MIN_VALUE;

    int committerSubtasks = -1;
    /** Per committer subtask, the highest checkpoint whose committed output has fully arrived. */
    final TreeMap<Integer, Long> arrivedThrough = new TreeMap<>();
    /** Per (checkpoint, subtask) still arriving: {expected, received}. */
    final TreeMap<Long, TreeMap<Integer, long[]>> arriving = new TreeMap<>();

    /** The highest checkpoint up to which every committer subtask's committed output has arrived; -1: none. */
    long arrivedThroughAll() {
        if (committerSubtasks <= 0 || arrivedThrough.size() < committerSubtasks) {
            return -1;
        }
        long min = Long.MAX_VALUE;
        for (int s = 0; s < committerSubtasks; s++) {
            Long through = arrivedThrough.get(s);
            if (through == null) {
                return -1;
            }
            min = Math.min(min, through);
        }
        return min;
    }

    byte[] serialize() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(VERSION);
        out.writeInt(staged.size());
        for (Map.Entry<String, List<StagedFile>> e : staged.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().size());
            for (StagedFile f : e.getValue()) {
                out.writeUTF(f.path());
                out.writeLong(f.size());
                out.writeLong(f.checkpointId());
            }
        }
        out.writeInt(openPartitions.size());
        for (String p : openPartitions) {
            out.writeUTF(p);
        }
        out.writeInt(plans.size());
        for (Map.Entry<Long, List<Plan>> e : plans.entrySet()) {
            out.writeLong(e.getKey());
            out.writeInt(e.getValue().size());
            for (Plan plan : e.getValue()) {
                out.writeUTF(plan.partition());
                out.writeInt(plan.files().size());
                for (String f : plan.files()) {
                    out.writeUTF(f);
                }
                out.writeBoolean(plan.target() != null);
                if (plan.target() != null) {
                    out.writeUTF(plan.target());
                }
                out.writeBoolean(plan.close());
            }
        }
        writeLongMap(out, watermarks);
        out.writeLong(closableWatermark);
        out.writeInt(committerSubtasks);
        out.writeInt(arrivedThrough.size());
        for (Map.Entry<Integer, Long> e : arrivedThrough.entrySet()) {
            out.writeInt(e.getKey());
            out.writeLong(e.getValue());
        }
        out.writeInt(arriving.size());
        for (Map.Entry<Long, TreeMap<Integer, long[]>> e : arriving.entrySet()) {
            out.writeLong(e.getKey());
            out.writeInt(e.getValue().size());
            for (Map.Entry<Integer, long[]> s : e.getValue().entrySet()) {
                out.writeInt(s.getKey());
                out.writeLong(s.getValue()[0]);
                out.writeLong(s.getValue()[1]);
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    static PartitionCommitState deserialize(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException(
                    "Unknown lake partition-commit state version " + version + "; this build reads " + VERSION);
        }
        PartitionCommitState state = new PartitionCommitState();
        for (int i = in.readInt(); i > 0; i--) {
            String partition = in.readUTF();
            List<StagedFile> files = new ArrayList<>();
            for (int j = in.readInt(); j > 0; j--) {
                files.add(new StagedFile(in.readUTF(), in.readLong(), in.readLong()));
            }
            state.staged.put(partition, files);
        }
        for (int i = in.readInt(); i > 0; i--) {
            state.openPartitions.add(in.readUTF());
        }
        for (int i = in.readInt(); i > 0; i--) {
            long checkpoint = in.readLong();
            List<Plan> list = new ArrayList<>();
            for (int j = in.readInt(); j > 0; j--) {
                String partition = in.readUTF();
                List<String> files = new ArrayList<>();
                for (int k = in.readInt(); k > 0; k--) {
                    files.add(in.readUTF());
                }
                String target = in.readBoolean() ? in.readUTF() : null;
                list.add(new Plan(partition, List.copyOf(files), target, in.readBoolean()));
            }
            state.plans.put(checkpoint, list);
        }
        readLongMap(in, state.watermarks);
        state.closableWatermark = in.readLong();
        state.committerSubtasks = in.readInt();
        for (int i = in.readInt(); i > 0; i--) {
            state.arrivedThrough.put(in.readInt(), in.readLong());
        }
        for (int i = in.readInt(); i > 0; i--) {
            long checkpoint = in.readLong();
            TreeMap<Integer, long[]> subtasks = new TreeMap<>();
            for (int j = in.readInt(); j > 0; j--) {
                subtasks.put(in.readInt(), new long[] {in.readLong(), in.readLong()});
            }
            state.arriving.put(checkpoint, subtasks);
        }
        return state;
    }

    private static void writeLongMap(DataOutputStream out, TreeMap<Long, Long> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<Long, Long> e : map.entrySet()) {
            out.writeLong(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private static void readLongMap(DataInputStream in, TreeMap<Long, Long> map) throws IOException {
        for (int i = in.readInt(); i > 0; i--) {
            map.put(in.readLong(), in.readLong());
        }
    }

    /** For tests: the state as text, comparable across a snapshot and restore. */
    @Override
    public String toString() {
        StringBuilder arrivingText = new StringBuilder();
        arriving.forEach((c, m) -> m.forEach((s, v) -> arrivingText
                .append(c)
                .append('/')
                .append(s)
                .append('=')
                .append(v[0])
                .append(':')
                .append(v[1])
                .append(' ')));
        return "staged=" + staged + " open=" + openPartitions + " plans=" + plans + " watermarks=" + watermarks
                + " closable=" + closableWatermark + " subtasks=" + committerSubtasks + " arrived=" + arrivedThrough
                + " arriving=" + arrivingText.toString().trim();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionCommitState other && Objects.equals(toString(), other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
