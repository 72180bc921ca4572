package dev.streamingblocks.lake.internal;

import dev.streamingblocks.core.time.EventTimeExtractor;
import dev.streamingblocks.lake.LakePartitions;
import java.time.Instant;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * Puts each record into the partition of its event time, never of the wall clock. The
 * {@link LakeRecordRouter} in front has read the same time successfully, so it cannot fail here.
 */
public final class EventTimePartitionAssigner<T> implements BucketAssigner<T, String> {

    private static final long serialVersionUID = 1L;

    private final EventTimeExtractor<T> eventTime;

    /** {@code eventTime} null: the element's timestamp. */
    public EventTimePartitionAssigner(EventTimeExtractor<T> eventTime) {
        this.eventTime = eventTime;
    }

    @Override
    public String getBucketId(T element, Context context) {
        Instant time = eventTime != null ? eventTime.eventTime(element) : Instant.ofEpochMilli(context.timestamp());
        return LakePartitions.partitionOf(time);
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
