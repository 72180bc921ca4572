package dev.streamingblocks.core.avro.testutils;

import dev.streamingblocks.core.avro.testing.Order;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The article's Order record and its evolutions, for serde tests. */
public final class TestOrders {

    /** Order plus a {@code currency} field with default "EUR": a compatible evolution. */
    public static final Schema ORDER_V2 = SchemaBuilder.record("Order")
            .namespace("dev.streamingblocks.core.avro.testing")
            .fields()
            .requiredString("order_id")
            .requiredString("user_id")
            .requiredString("product_id")
            .requiredInt("quantity")
            .requiredDouble("price")
            .requiredLong("timestamp")
            .name("currency")
            .type()
            .stringType()
            .stringDefault("EUR")
            .endRecord();

    /** Order plus a {@code channel} field WITHOUT a default: cannot read v1 data. */
    public static final Schema ORDER_NO_DEFAULT = SchemaBuilder.record("Order")
            .namespace("dev.streamingblocks.core.avro.testing")
            .fields()
            .requiredString("order_id")
            .requiredString("user_id")
            .requiredString("product_id")
            .requiredInt("quantity")
            .requiredDouble("price")
            .requiredLong("timestamp")
            .requiredString("channel")
            .endRecord();

    private TestOrders() {}

    public static Order order(int i) {
        return Order.newBuilder()
                .setOrderId("ord-" + i)
                .setUserId("user-" + (i % 7))
                .setProductId("prod-" + (i % 3))
                .setQuantity(i % 5 + 1)
                .setPrice(49.99 + i)
                .setTimestamp(1707235200000L + i)
                .build();
    }

    public static GenericRecord genericV1(int i) {
        Order o = order(i);
        GenericRecord r = new GenericData.Record(Order.getClassSchema());
        for (Schema.Field f : Order.getClassSchema().getFields()) {
            r.put(f.name(), o.get(f.pos()));
        }
        return r;
    }

    public static GenericRecord genericV2(int i, String currency) {
        Order o = order(i);
        GenericRecord r = new GenericData.Record(ORDER_V2);
        for (Schema.Field f : Order.getClassSchema().getFields()) {
            r.put(f.name(), o.get(f.pos()));
        }
        r.put("currency", currency);
        return r;
    }
}
