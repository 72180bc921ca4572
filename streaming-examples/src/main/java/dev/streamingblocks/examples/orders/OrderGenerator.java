package dev.streamingblocks.examples.orders;

import dev.streamingblocks.examples.avro.Order;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic orders: the same seed, count and start give the same orders, so a run's results
 * can be checked against {@link OrderStatsJob#expectedStats(List, Duration)}.
 *
 * <p>Orders are spaced evenly over event time with up to {@link #MAX_JITTER} of disorder, which
 * stays inside the pipeline's out-of-orderness bound, so none is late.
 */
public final class OrderGenerator {

    public static final int PRODUCTS = 5;
    public static final int USERS = 50;
    public static final Duration MAX_JITTER = Duration.ofSeconds(3);

    private static final double[] UNIT_PRICES = {9.99, 19.5, 49.99, 120.0, 4.25};

    private final SplittableRandom random;
    private final Instant start;
    private final Duration spacing;
    private long next;

    public OrderGenerator(long seed, Instant start, Duration spacing) {
        if (spacing.isNegative() || spacing.isZero()) {
            throw new IllegalArgumentException("spacing must be positive, was " + spacing);
        }
        this.random = new SplittableRandom(seed);
        this.start = start;
        this.spacing = spacing;
    }

    public Order next() {
        long i = next++;
        int product = random.nextInt(PRODUCTS);
        long jitterMs = random.nextLong(MAX_JITTER.toMillis() + 1);
        Instant eventTime = start.plus(spacing.multipliedBy(i)).minusMillis(jitterMs);
        return Order.newBuilder()
                .setOrderId("ord-" + i)
                .setUserId("user-" + random.nextInt(USERS))
                .setProductId("prod-" + (product + 1))
                .setQuantity(1 + random.nextInt(5))
                .setPrice(UNIT_PRICES[product])
                .setTimestamp(eventTime.toEpochMilli())
                .build();
    }

    public List<Order> next(int count) {
        List<Order> orders = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            orders.add(next());
        }
        return orders;
    }
}
