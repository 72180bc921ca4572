package dev.streamingblocks.benchmarks.kafka;

import dev.streamingblocks.kafka.sink.UpsertJsonLayout;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * streaming-examples' {@code OrderStats} and {@code OrderStatsJob.UPSERT_LAYOUT}, copied: the
 * examples module is a shaded application jar, not something to depend on from here.
 */
record SinkOrderStats(Instant windowStart, Instant windowEnd, String productId, long orderCount, double totalRevenue) {

    /** As OrderStatsJob.UPSERT_LAYOUT (same columns, types, order and primary key). */
    static final UpsertJsonLayout<SinkOrderStats> UPSERT_LAYOUT = UpsertJsonLayout.<SinkOrderStats>builder()
            .addColumn("window_start", UpsertJsonLayout.ColumnType.TIMESTAMP_3, s -> utc(s.windowStart()))
            .addColumn("window_end", UpsertJsonLayout.ColumnType.TIMESTAMP_3, s -> utc(s.windowEnd()))
            .addColumn("product_id", UpsertJsonLayout.ColumnType.STRING, SinkOrderStats::productId)
            .addColumn("order_count", UpsertJsonLayout.ColumnType.BIGINT, SinkOrderStats::orderCount)
            .addColumn("total_revenue", UpsertJsonLayout.ColumnType.DOUBLE, SinkOrderStats::totalRevenue)
            .setPrimaryKey("window_start", "product_id")
            .build();

    /** One minute of the article's product, as the order-stats job emits it. */
    static SinkOrderStats articleMinute() {
        Instant start = Instant.parse("2026-02-06T16:00:00Z");
        return new SinkOrderStats(start, start.plusSeconds(60), "prod-789", 9, 449.91);
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    }
}
