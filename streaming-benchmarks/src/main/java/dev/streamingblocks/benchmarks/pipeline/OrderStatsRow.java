package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.kafka.sink.UpsertJsonLayout;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * streaming-examples' {@code OrderStats} and {@code OrderStatsJob.UPSERT_LAYOUT}, copied (the
 * examples module is a shaded application): one row of the article's {@code order_stats} table.
 */
public record OrderStatsRow(
        Instant windowStart, Instant windowEnd, String productId, long orderCount, double totalRevenue) {

    /** As OrderStatsJob.UPSERT_LAYOUT: same columns, types, order and primary key. */
    public static final UpsertJsonLayout<OrderStatsRow> UPSERT_LAYOUT = UpsertJsonLayout.<OrderStatsRow>builder()
            .addColumn("window_start", UpsertJsonLayout.ColumnType.TIMESTAMP_3, s -> utc(s.windowStart()))
            .addColumn("window_end", UpsertJsonLayout.ColumnType.TIMESTAMP_3, s -> utc(s.windowEnd()))
            .addColumn("product_id", UpsertJsonLayout.ColumnType.STRING, OrderStatsRow::productId)
            .addColumn("order_count", UpsertJsonLayout.ColumnType.BIGINT, OrderStatsRow::orderCount)
            .addColumn("total_revenue", UpsertJsonLayout.ColumnType.DOUBLE, OrderStatsRow::totalRevenue)
            .setPrimaryKey("window_start", "product_id")
            .build();

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    }
}
