package dev.streamingblocks.cdc;

import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** Event time for change records: the database's commit time ({@link ChangeRecord#sourceTimestamp()}). */
public final class ChangeRecords {

    private ChangeRecords() {}

    /**
     * Watermarks on the commit time. Debezium writes a table's changes to a partition in commit order,
     * so {@code Duration.ZERO} suits one capture; pass more when several captures share a topic.
     * Give it to {@code TypedKafkaSource}, which applies it per partition and adds idleness, so a
     * table that rarely changes does not hold back the joins.
     */
    public static <T> WatermarkStrategy<ChangeRecord<T>> watermarks(Duration maxOutOfOrderness) {
        Objects.requireNonNull(maxOutOfOrderness, "maxOutOfOrderness must not be null");
        return WatermarkStrategy.<ChangeRecord<T>>forBoundedOutOfOrderness(maxOutOfOrderness)
                .withTimestampAssigner(
                        (change, kafkaTimestamp) -> change.sourceTimestamp().toEpochMilli());
    }
}
