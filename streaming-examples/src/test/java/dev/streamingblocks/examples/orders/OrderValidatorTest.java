package dev.streamingblocks.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.kafka.source.RecordValidator;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Orders that decode but cannot be right are refused with a message naming the field and the value. */
class OrderValidatorTest {

    private static Order order(String id, String product, int quantity, double price, long timestamp) {
        return Order.newBuilder()
                .setOrderId(id)
                .setUserId("u")
                .setProductId(product)
                .setQuantity(quantity)
                .setPrice(price)
                .setTimestamp(timestamp)
                .build();
    }

    @Test
    void namesTheFieldAndTheValue() throws Exception {
        RecordValidator<Order> v = InstantiationUtil.clone(
                OrderStatsJob.orderValidator(), getClass().getClassLoader());
        assertThat(v.problem(order("o1", "p1", 1, 0.0, 0))).isEmpty();
        assertThat(v.problem(order("o1", "p1", 1, Double.NaN, 0)))
                .contains("Order 'o1': field 'price' must be a finite number >= 0, but was NaN");
        assertThat(v.problem(order("o1", "p1", 1, Double.NEGATIVE_INFINITY, 0)))
                .contains("Order 'o1': field 'price' must be a finite number >= 0, but was -Infinity");
        assertThat(v.problem(order("o1", "p1", 1, -2.5, 0)))
                .contains("Order 'o1': field 'price' must be a finite number >= 0, but was -2.5");
        assertThat(v.problem(order("o1", "p1", 0, 1.0, 0)))
                .contains("Order 'o1': field 'quantity' must be positive, but was 0");
        assertThat(v.problem(order("o1", "p1", -3, 1.0, 0)))
                .contains("Order 'o1': field 'quantity' must be positive, but was -3");
        assertThat(v.problem(order("o1", " ", 1, 1.0, 0)))
                .contains("Order 'o1': field 'product_id' must not be blank, but was ' '");
        assertThat(v.problem(order("", "p1", 1, 1.0, 0)))
                .contains("Order field 'order_id' must not be blank, but was ''");
        assertThat(v.problem(order("o1", "p".repeat(1025), 1, 1.0, 0)))
                .contains("Order 'o1': field 'product_id' is 1025 characters long, more than 1024");
        assertThat(v.problem(order("o".repeat(1025), "p1", 1, 1.0, 0)))
                .contains("Order field 'order_id' is 1025 characters long, more than 1024");
        assertThat(v.problem(order("o1", "p1", 1, 1.0, -1)))
                .contains("Order 'o1': field 'timestamp' must not be before 1970, but was -1");
    }
}
