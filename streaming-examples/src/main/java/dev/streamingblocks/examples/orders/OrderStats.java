package dev.streamingblocks.examples.orders;

import java.time.Instant;

/**
 * One row of the article's {@code order_stats} table: orders and revenue of one product in one
 * one-minute event-time window. A Java record, which Flink serializes as a POJO (no Kryo).
 */
public record OrderStats(
        Instant windowStart, Instant windowEnd, String productId, long orderCount, double totalRevenue) {}
