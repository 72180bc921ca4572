package dev.streamingblocks.benchmarks.kafka;

import dev.streamingblocks.core.avro.testing.Order;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The order-stats example's record validator ({@code OrderStatsJob.orderProblem}, which the source
 * runs for every order) on a good order: {@code eager} as it was, building the message prefix
 * {@code "Order '<id>': "} for every order; {@code lazy} as it is now, building messages only for a
 * bad order. Copies of both over the article's {@code Order} (the examples module is a shaded
 * application, so the benchmarks keep their own copy, as of {@code CountAndRevenue}); messages are
 * the same in both.
 *
 * <pre>{@code
 * java -jar streaming-benchmarks/target/benchmarks.jar OrderValidatorBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class OrderValidatorBenchmark {

    static final int MAX_ID_LENGTH = 1024;

    private final Order order = Order.newBuilder()
            .setOrderId("ord-1234567")
            .setUserId("user-42")
            .setProductId("prod-17")
            .setQuantity(2)
            .setPrice(19.75)
            .setTimestamp(1707235200000L)
            .build();

    @Benchmark
    public Optional<String> eager() {
        return eagerProblem(order);
    }

    @Benchmark
    public Optional<String> lazy() {
        return lazyProblem(order);
    }

    static Optional<String> eagerProblem(Order order) {
        if (order.getOrderId() == null || order.getOrderId().isBlank()) {
            return Optional.of("Order field 'order_id' must not be blank, but was " + quoted(order.getOrderId()));
        }
        if (order.getOrderId().length() > MAX_ID_LENGTH) {
            return Optional.of("Order field 'order_id' is " + order.getOrderId().length()
                    + " characters long, more than " + MAX_ID_LENGTH);
        }
        String where = "Order '" + cut(order.getOrderId()) + "': ";
        if (order.getProductId() == null || order.getProductId().isBlank()) {
            return Optional.of(where + "field 'product_id' must not be blank, but was " + quoted(order.getProductId()));
        }
        if (order.getProductId().length() > MAX_ID_LENGTH) {
            return Optional.of(where + "field 'product_id' is "
                    + order.getProductId().length() + " characters long, more than " + MAX_ID_LENGTH);
        }
        if (!Double.isFinite(order.getPrice()) || order.getPrice() < 0) {
            return Optional.of(where + "field 'price' must be a finite number >= 0, but was " + order.getPrice());
        }
        if (order.getQuantity() <= 0) {
            return Optional.of(where + "field 'quantity' must be positive, but was " + order.getQuantity());
        }
        if (order.getTimestamp() < 0) {
            return Optional.of(where + "field 'timestamp' must not be before 1970, but was " + order.getTimestamp());
        }
        return Optional.empty();
    }

    static Optional<String> lazyProblem(Order order) {
        String orderId = order.getOrderId();
        if (orderId == null || orderId.isBlank()) {
            return Optional.of("Order field 'order_id' must not be blank, but was " + quoted(orderId));
        }
        if (orderId.length() > MAX_ID_LENGTH) {
            return Optional.of(
                    "Order field 'order_id' is " + orderId.length() + " characters long, more than " + MAX_ID_LENGTH);
        }
        String productId = order.getProductId();
        if (productId == null || productId.isBlank()) {
            return problem(order, "field 'product_id' must not be blank, but was " + quoted(productId));
        }
        if (productId.length() > MAX_ID_LENGTH) {
            return problem(
                    order,
                    "field 'product_id' is " + productId.length() + " characters long, more than " + MAX_ID_LENGTH);
        }
        double price = order.getPrice();
        if (!Double.isFinite(price) || price < 0) {
            return problem(order, "field 'price' must be a finite number >= 0, but was " + price);
        }
        if (order.getQuantity() <= 0) {
            return problem(order, "field 'quantity' must be positive, but was " + order.getQuantity());
        }
        if (order.getTimestamp() < 0) {
            return problem(order, "field 'timestamp' must not be before 1970, but was " + order.getTimestamp());
        }
        return Optional.empty();
    }

    private static Optional<String> problem(Order order, String detail) {
        return Optional.of("Order '" + cut(order.getOrderId()) + "': " + detail);
    }

    private static String quoted(String s) {
        return s == null ? "null" : "'" + cut(s) + "'";
    }

    private static String cut(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...(" + s.length() + " characters)";
    }
}
