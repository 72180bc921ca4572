package dev.streamingblocks.kafka.source;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Where a {@link TypedKafkaSource} starts reading when it has no checkpointed position.
 *
 * <pre>{@code
 * TypedKafkaSource.<Order>builder().setStartingOffsets(StartingOffsets.committedOrEarliest()) ...
 * }</pre>
 */
public final class StartingOffsets implements Serializable {

    private static final long serialVersionUID = 1L;

    private enum Kind {
        EARLIEST,
        LATEST,
        COMMITTED_OR_EARLIEST,
        COMMITTED_OR_LATEST,
        COMMITTED,
        TIMESTAMP
    }

    private final Kind kind;
    private final Instant timestamp;

    private StartingOffsets(Kind kind, Instant timestamp) {
        this.kind = kind;
        this.timestamp = timestamp;
    }

    /** The first record still in each partition. */
    public static StartingOffsets earliest() {
        return new StartingOffsets(Kind.EARLIEST, null);
    }

    /** Only records written after the source starts. */
    public static StartingOffsets latest() {
        return new StartingOffsets(Kind.LATEST, null);
    }

    /** The group's committed offsets; partitions without one start at the earliest record. */
    public static StartingOffsets committedOrEarliest() {
        return new StartingOffsets(Kind.COMMITTED_OR_EARLIEST, null);
    }

    /** The group's committed offsets; partitions without one start at the latest record. */
    public static StartingOffsets committedOrLatest() {
        return new StartingOffsets(Kind.COMMITTED_OR_LATEST, null);
    }

    /** The group's committed offsets; the job fails for a partition without one. */
    public static StartingOffsets committed() {
        return new StartingOffsets(Kind.COMMITTED, null);
    }

    /** The first record whose timestamp is at or after {@code timestamp}. */
    public static StartingOffsets timestamp(Instant timestamp) {
        if (timestamp == null) {
            throw new IllegalArgumentException("timestamp of StartingOffsets.timestamp(...) must not be null");
        }
        return new StartingOffsets(Kind.TIMESTAMP, timestamp);
    }

    /** Whether this start position reads the consumer group's committed offsets. */
    public boolean usesCommittedOffsets() {
        return kind == Kind.COMMITTED || kind == Kind.COMMITTED_OR_EARLIEST || kind == Kind.COMMITTED_OR_LATEST;
    }

    @SuppressWarnings("deprecation") // the connector's API still takes OffsetResetStrategy
    OffsetsInitializer toOffsetsInitializer() {
        switch (kind) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            case COMMITTED_OR_EARLIEST:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case COMMITTED_OR_LATEST:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            case COMMITTED:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.NONE);
            case TIMESTAMP:
                return OffsetsInitializer.timestamp(timestamp.toEpochMilli());
            default:
                throw new IllegalStateException("Unknown starting offsets kind " + kind);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StartingOffsets
                && ((StartingOffsets) o).kind == kind
                && Objects.equals(((StartingOffsets) o).timestamp, timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, timestamp);
    }

    @Override
    public String toString() {
        switch (kind) {
            case COMMITTED_OR_EARLIEST:
                return "committed offsets, else earliest";
            case COMMITTED_OR_LATEST:
                return "committed offsets, else latest";
            case COMMITTED:
                return "committed offsets, no fallback";
            case TIMESTAMP:
                return "timestamp " + timestamp;
            default:
                return kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
