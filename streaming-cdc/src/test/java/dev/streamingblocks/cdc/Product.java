package dev.streamingblocks.cdc;

import java.math.BigDecimal;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** A row of the tests' {@code products} table. */
public record Product(String id, String name, BigDecimal price, Instant updatedAt) {

    public static final TypeInformation<Product> TYPE_INFO = TypeInformation.of(Product.class);

    public static Product fromRow(ChangeRow row) throws MalformedChangeEventException {
        return new Product(row.string("id"), row.string("name"), row.decimal("price"), row.instant("updated_at"));
    }
}
