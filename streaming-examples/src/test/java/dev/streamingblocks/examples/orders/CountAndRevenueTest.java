package dev.streamingblocks.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.examples.avro.Order;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link OrderStatsJob}'s count-and-revenue aggregation with its mutable accumulator: {@code add}
 * and {@code merge} change one accumulator in place, a result is never the accumulator itself.
 */
class CountAndRevenueTest {

    private final OrderStatsJob.CountAndRevenue function = new OrderStatsJob.CountAndRevenue();

    private static Order order(int quantity, double price) {
        return Order.newBuilder()
                .setOrderId("o")
                .setUserId("u")
                .setProductId("p")
                .setQuantity(quantity)
                .setPrice(price)
                .setTimestamp(0)
                .build();
    }

    @Test
    void addChangesTheAccumulatorInPlaceAndReturnsIt() {
        OrderTotals acc = function.createAccumulator();
        assertThat(acc).isEqualTo(new OrderTotals(0, 0.0));

        assertThat(function.add(order(2, 1.25), acc)).isSameAs(acc);
        assertThat(function.add(order(3, 0.5), acc)).isSameAs(acc);

        assertThat(acc).isEqualTo(new OrderTotals(2, 4.0));
    }

    @Test
    void theResultIsACopyThatLaterAddsDoNotChange() {
        OrderTotals acc = function.add(order(1, 10.0), function.createAccumulator());

        OrderTotals result = function.getResult(acc);
        function.add(order(1, 5.0), acc);

        assertThat(result).isNotSameAs(acc).isEqualTo(new OrderTotals(1, 10.0));
        assertThat(function.getResult(acc)).isEqualTo(new OrderTotals(2, 15.0));
    }

    @Test
    void mergeAddsTheSecondIntoTheFirstAndLeavesTheSecondAlone() {
        OrderTotals a = function.add(order(1, 2.0), function.createAccumulator());
        OrderTotals b = function.add(order(4, 0.25), function.add(order(1, 3.0), function.createAccumulator()));

        OrderTotals merged = function.merge(a, b);

        assertThat(merged).isSameAs(a).isEqualTo(new OrderTotals(3, 6.0));
        assertThat(b).isEqualTo(new OrderTotals(2, 4.0));
    }

    @Test
    void theAccumulatorIsAFlinkPojoAndRoundTripsThroughItsSerializer() throws Exception {
        assertThat(OrderStatsJob.TOTALS_TYPE).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // as the tests' jobs run: a Kryo fallback would fail here
        TypeSerializer<OrderTotals> serializer = OrderStatsJob.TOTALS_TYPE.createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(32);
        serializer.serialize(new OrderTotals(7, 12.75), out);

        OrderTotals read = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(read).isEqualTo(new OrderTotals(7, 12.75));
        OrderTotals original = new OrderTotals(1, 1.0);
        assertThat(serializer.copy(original)).isNotSameAs(original).isEqualTo(original);
    }
}
