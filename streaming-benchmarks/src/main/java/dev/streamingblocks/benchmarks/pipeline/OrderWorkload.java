package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.core.avro.testing.Order;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The orders every variant of the order-stats comparison reads: deterministic for a seed, spread
 * over {@code products} products, with event times that advance by {@code 60 s / ordersPerMinute}
 * per order and go back by up to {@link #MAX_JITTER} (less than the pipelines' 5 s
 * out-of-orderness, so no order is late), so {@code orders / ordersPerMinute} one-minute windows
 * close during a run.
 *
 * <p>Prices are whole multiples of 0.25 and quantities 1 to 5, so every revenue and every sum of
 * revenues is exact in a {@code double} (a sum of multiples of 2^-2 below 2^51): sums in any order
 * are equal, and each variant's output can be checked for exact equality, not within a tolerance.
 *
 * @param orders how many orders
 * @param products how many products ({@code prod-1} to {@code prod-<products>})
 * @param ordersPerMinute orders per minute of event time, so about {@code ordersPerMinute / products}
 *     orders per product and window
 * @param seed the random seed; the same workload gives the same orders
 * @param start the first order's event time (before jitter)
 */
public record OrderWorkload(long orders, int products, int ordersPerMinute, long seed, Instant start) {

    public static final int DEFAULT_PRODUCTS = 1_000;
    public static final int DEFAULT_ORDERS_PER_MINUTE = 20_000;
    public static final long DEFAULT_SEED = 42;
    /** A fixed past instant, so outputs are comparable between runs; topics keep records forever. */
    public static final Instant DEFAULT_START = Instant.parse("2026-02-06T12:00:00Z");

    public static final Duration MAX_JITTER = Duration.ofSeconds(3);
    public static final int USERS = 10_000;

    public OrderWorkload {
        if (orders <= 0 || products <= 0 || ordersPerMinute <= 0) {
            throw new IllegalArgumentException("orders, products and ordersPerMinute must be positive, were " + orders
                    + ", " + products + ", " + ordersPerMinute);
        }
    }

    public static OrderWorkload of(long orders) {
        return new OrderWorkload(orders, DEFAULT_PRODUCTS, DEFAULT_ORDERS_PER_MINUTE, DEFAULT_SEED, DEFAULT_START);
    }

    public String productId(int index) {
        return "prod-" + (index + 1);
    }

    /** The inverse of {@link #productId(int)}, or -1 for an id this workload never generates. */
    public int productIndex(String productId) {
        if (productId == null || !productId.startsWith("prod-")) {
            return -1;
        }
        try {
            int index = Integer.parseInt(productId, 5, productId.length(), 10) - 1;
            return index >= 0 && index < products ? index : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Price per unit of a product: a multiple of 0.25 between 0.25 and 100.00. */
    public static double unitPrice(int productIndex) {
        return 0.25 * (1 + (productIndex * 37L) % 400);
    }

    /** Calls {@code each} with every order, in production order; a fresh generator each call. */
    public void forEach(Consumer<Order> each) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] productIds = new String[products];
        for (int p = 0; p < products; p++) {
            productIds[p] = productId(p);
        }
        String[] userIds = new String[USERS];
        for (int u = 0; u < USERS; u++) {
            userIds[u] = "user-" + u;
        }
        long startMillis = start.toEpochMilli();
        long jitterBound = MAX_JITTER.toMillis() + 1;
        for (long i = 0; i < orders; i++) {
            int product = random.nextInt(products);
            long time = startMillis + i * 60_000L / ordersPerMinute - random.nextLong(jitterBound);
            each.accept(Order.newBuilder()
                    .setOrderId("ord-" + i)
                    .setUserId(userIds[random.nextInt(USERS)])
                    .setProductId(productIds[product])
                    .setQuantity(1 + random.nextInt(5))
                    .setPrice(unitPrice(product))
                    .setTimestamp(time)
                    .build());
        }
    }
}
