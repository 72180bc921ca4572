package dev.streamingblocks.benchmarks.pipeline;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The article's {@code order_stats} upsert layout (JSON key {@code window_start, product_id}, JSON
 * value with all five columns, timestamps as Flink SQL writes a {@code TIMESTAMP(3)}), written by
 * hand for the peers that have no {@code UpsertJsonLayout}: Kafka Streams and the plain consumer.
 * The verifier parses all variants' output the same way.
 */
final class StatsJson {

    private static final DateTimeFormatter SQL_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private StatsJson() {}

    static String key(long windowStart, String productId) {
        return "{\"window_start\":\"" + timestamp(windowStart) + "\",\"product_id\":\"" + productId + "\"}";
    }

    static String value(long windowStart, String productId, long count, double revenue) {
        return "{\"window_start\":\"" + timestamp(windowStart) + "\",\"window_end\":\""
                + timestamp(windowStart + ExpectedStats.WINDOW_MILLIS) + "\",\"product_id\":\"" + productId
                + "\",\"order_count\":" + count + ",\"total_revenue\":" + revenue + "}";
    }

    /** Minute-aligned window bounds only, so no fraction of a second is ever needed. */
    static String timestamp(long epochMillis) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC)
                .format(SQL_TIMESTAMP);
    }
}
