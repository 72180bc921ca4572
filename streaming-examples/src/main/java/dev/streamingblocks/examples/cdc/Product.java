package dev.streamingblocks.examples.cdc;

import dev.streamingblocks.cdc.ChangeRow;
import dev.streamingblocks.cdc.MalformedChangeEventException;
import java.math.BigDecimal;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** A row of PostgreSQL's {@code products} table ({@link ProductsTable}), as the CDC topic carries it. */
public record Product(String id, String name, BigDecimal price, Instant updatedAt) {

    public static final TypeInformation<Product> TYPE_INFO = TypeInformation.of(Product.class);

    /** Reads a row image of a Debezium envelope; names the column that does not fit. */
    public static Product fromRow(ChangeRow row) throws MalformedChangeEventException {
        return new Product(row.string("id"), row.string("name"), row.decimal("price"), row.instant("updated_at"));
    }
}
