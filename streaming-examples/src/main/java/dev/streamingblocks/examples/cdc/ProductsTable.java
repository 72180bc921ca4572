package dev.streamingblocks.examples.cdc;

import dev.streamingblocks.examples.orders.OrderGenerator;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The {@code products} table that the {@code cdc} command captures and the {@code enrich} jobs join
 * with: one row per product of {@link OrderGenerator}, {@code REPLICA IDENTITY FULL} so that
 * Debezium's update and delete events carry the whole old row (Flink SQL's {@code debezium-json}
 * needs {@code before} of an update; the DataStream block emits it as the update-before).
 */
public final class ProductsTable {

    public static final String TABLE = "products";

    /** The table; {@code price} is exact, {@code updated_at} is set by whoever writes the row. */
    public static final String DDL = "CREATE TABLE IF NOT EXISTS " + TABLE + " (\n"
            + "    id         TEXT PRIMARY KEY,\n"
            + "    name       TEXT NOT NULL,\n"
            + "    price      NUMERIC(10, 2) NOT NULL,\n"
            + "    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()\n"
            + ")";

    /** The generator's products at its unit prices; inserted once, an existing row is left alone. */
    static final String SEED = "INSERT INTO " + TABLE + " (id, name, price) VALUES\n"
            + "    ('prod-1', 'Widget', 9.99), ('prod-2', 'Gadget', 19.50), ('prod-3', 'Gizmo', 49.99),\n"
            + "    ('prod-4', 'Doohickey', 120.00), ('prod-5', 'Sprocket', 4.25)\n"
            + "ON CONFLICT (id) DO NOTHING";

    private ProductsTable() {}

    /** Creates the table with {@code REPLICA IDENTITY FULL} and the seed rows, if missing. Idempotent. */
    public static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(DDL);
            statement.execute("ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL");
            statement.execute(SEED);
        }
    }
}
