package dev.streamingblocks.examples.cdc;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streamingblocks.examples.avro.Order;
import java.math.BigDecimal;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** An order with the product version valid at its event time; JSON as the SQL {@code enrich} job writes it. */
public record EnrichedOrder(
        @JsonProperty("order_id") String orderId,
        @JsonProperty("product_id") String productId,
        @JsonProperty("quantity") int quantity,
        @JsonProperty("product_name") String productName,
        @JsonProperty("price") BigDecimal price,
        @JsonProperty("total") BigDecimal total) {

    public static final TypeInformation<EnrichedOrder> TYPE_INFO = TypeInformation.of(EnrichedOrder.class);

    public static EnrichedOrder of(Order order, Product product) {
        return new EnrichedOrder(
                order.getOrderId(),
                order.getProductId(),
                order.getQuantity(),
                product.name(),
                product.price(),
                product.price().multiply(BigDecimal.valueOf(order.getQuantity())));
    }
}
