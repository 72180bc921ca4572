package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.core.avro.testing.Order;

/**
 * (e) The floor: the aggregation alone, one thread, over orders already decoded into memory (the
 * workload generated again, not timed): no Kafka, no decoding, no engine. What is left of a
 * variant's time above this is the cost of getting records in and out.
 */
final class InMemoryVariant {

    static final String NAME = "in-memory loop over decoded orders (the floor)";

    private InMemoryVariant() {}

    static Order[] decodedOrders(OrderWorkload workload) {
        if (workload.orders() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many orders to hold in memory: " + workload.orders());
        }
        Order[] orders = new Order[(int) workload.orders()];
        int[] next = {0};
        workload.forEach(order -> orders[next[0]++] = order);
        return orders;
    }

    /**
     * Aggregates {@code orders} into {@code out}; the watermark follows the highest time seen, as
     * one partition's would. Returns the late orders (0 for a correct run).
     */
    static long run(Order[] orders, MinuteStats.Emitter out) {
        MinuteStats stats = new MinuteStats(out);
        long highest = Long.MIN_VALUE;
        for (int i = 0; i < orders.length; i++) {
            Order order = orders[i];
            long time = order.getTimestamp();
            stats.add(order.getProductId(), time, order.getPrice() * order.getQuantity());
            if (time > highest) {
                highest = time;
            }
            if ((i & 1023) == 0) {
                stats.advanceWatermark(highest - MinuteStats.MAX_OUT_OF_ORDERNESS_MILLIS - 1);
            }
        }
        stats.finish();
        return stats.late();
    }
}
