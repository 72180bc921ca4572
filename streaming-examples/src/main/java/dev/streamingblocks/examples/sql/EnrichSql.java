package dev.streamingblocks.examples.sql;

import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.examples.sql.internal.SqlText;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.ExecutionConfigOptions;

/**
 * The article's stream-table join {@code enrich}: each Avro order from {@code orders} joined with
 * the {@code products} row that was valid at the order's event time ({@code FOR SYSTEM_TIME AS OF
 * o.event_time}), adding the product's name and {@code total = price * quantity}; results go as
 * JSON to {@code orders-enriched}.
 *
 * <pre>{@code
 * EnrichSql.execute(tEnv, SqlJobOptions.builder().setBootstrapServers("localhost:9092")
 *         .setSchemaRegistryUrl("http://localhost:8081").build(),
 *         "orders", "products", "orders-enriched").await();
 * }</pre>
 *
 * <p>{@code products} is a versioned table: an {@code upsert-kafka} table over a compacted topic,
 * JSON key {@code {"id":...}}, JSON value {@code {"id":...,"name":...,"price":...,"update_time":
 * <epoch millis>}}, primary key {@code id} and a watermark on {@code update_ts AS
 * TO_TIMESTAMP_LTZ(update_time, 3)}. Its time attribute is a {@code TIMESTAMP_LTZ(3)} like the
 * orders' {@code event_time} (see {@link OrderStatsSql}), as an event-time temporal join needs both
 * sides to have the same time type. A version is valid from its {@code update_time} (inclusive)
 * until the next; an order with no valid version (unknown product, or before the product's first
 * version) has no result, as in the article's inner {@code JOIN}. Results appear once both the
 * orders' and the products' watermarks pass the order's time; {@link #main} therefore lets an
 * idle products topic drop out of the watermark after {@link #SOURCE_IDLE_TIMEOUT}.
 *
 * <p><b>How to run</b> (Avro orders in {@code orders}, products in the compacted {@code products},
 * e.g. key {@code {"id":"prod-1"}} value {@code
 * {"id":"prod-1","name":"Widget","price":12.5,"update_time":1770379200000}}):
 * <ol>
 *   <li>{@code java -cp streaming-examples.jar dev.streamingblocks.examples.sql.EnrichSql
 *       --bootstrap-servers localhost:9092 --schema-registry-url http://localhost:8081}</li>
 *   <li>Read {@code orders-enriched}: one record per order with a known product, e.g. {@code
 *       {"order_id":"ord-1","product_id":"prod-1","quantity":2,"product_name":"Widget",
 *       "price":10.0,"total":20.0}}.</li>
 * </ol>
 */
public final class EnrichSql {

    public static final String JOB_NAME = "enrich";
    public static final String GROUP_ID = "enrich-sql";
    public static final String PRODUCTS_TOPIC = "products";
    public static final String ORDERS_ENRICHED_TOPIC = "orders-enriched";
    public static final String ORDERS_TABLE = "orders";
    public static final String PRODUCTS_TABLE = "products";
    public static final String ORDERS_ENRICHED_TABLE = "orders_enriched";
    /** How long {@link #main} waits for a quiet topic before its watermark stops holding joins back. */
    public static final Duration SOURCE_IDLE_TIMEOUT = Duration.ofSeconds(30);

    static final String DESCRIPTION = "enrich: the article's stream-table join, Avro orders joined with the"
            + " products version valid at each order's event time -> JSON 'orders-enriched'.";

    private EnrichSql() {}

    public static void main(String[] args) throws Exception {
        SqlJobOptions options = SqlJobOptions.parse(args, System.getenv());
        if (options.help()) {
            System.out.println(SqlJobOptions.usage(DESCRIPTION));
            return;
        }
        StreamTableEnvironment tEnv = SqlJobs.createTableEnvironment(JOB_NAME);
        tEnv.getConfig().set(ExecutionConfigOptions.TABLE_EXEC_SOURCE_IDLE_TIMEOUT, SOURCE_IDLE_TIMEOUT);
        execute(tEnv, options, OrderStatsJob.ORDERS_TOPIC, PRODUCTS_TOPIC, ORDERS_ENRICHED_TOPIC).await();
    }

    /**
     * Registers {@code orders}, {@code products} and {@code orders_enriched} on {@code tEnv} and
     * submits the {@code INSERT}; sets {@code tEnv}'s local time zone to UTC.
     */
    public static TableResult execute(StreamTableEnvironment tEnv, SqlJobOptions options,
            String ordersTopic, String productsTopic, String enrichedTopic) {
        tEnv.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        OrderStatsSql.createOrdersTable(tEnv, options, ORDERS_TABLE, ordersTopic, GROUP_ID);

        Map<String, String> products = SqlText.options();
        products.put("connector", "upsert-kafka");
        products.put("topic", productsTopic);
        products.put("properties.bootstrap.servers", options.bootstrapServers());
        products.put("scan.bounded.mode", options.bounded() ? "latest-offset" : null);
        products.put("key.format", "json");
        products.put("value.format", "json");
        options.withKafkaProperties(products);
        tEnv.executeSql("CREATE TEMPORARY TABLE " + PRODUCTS_TABLE + " (\n"
                + "    id STRING,\n"
                + "    name STRING,\n"
                + "    price DOUBLE,\n"
                + "    update_time BIGINT,\n"
                + "    update_ts AS TO_TIMESTAMP_LTZ(update_time, 3),\n"
                + "    PRIMARY KEY (id) NOT ENFORCED,\n"
                + "    WATERMARK FOR update_ts AS update_ts\n"
                + ") " + SqlText.with(products));

        Map<String, String> enriched = SqlText.options();
        enriched.put("connector", "kafka");
        enriched.put("topic", enrichedTopic);
        enriched.put("properties.bootstrap.servers", options.bootstrapServers());
        enriched.put("format", "json");
        options.withKafkaProperties(enriched);
        tEnv.executeSql("CREATE TEMPORARY TABLE " + ORDERS_ENRICHED_TABLE + " (\n"
                + "    order_id STRING,\n"
                + "    product_id STRING,\n"
                + "    quantity INT,\n"
                + "    product_name STRING,\n"
                + "    price DOUBLE,\n"
                + "    total DOUBLE\n"
                + ") " + SqlText.with(enriched));
        return tEnv.executeSql(insertStatement());
    }

    /** The article's join, plus the product id and the price that was applied. */
    public static String insertStatement() {
        return "INSERT INTO " + ORDERS_ENRICHED_TABLE + "\n"
                + "SELECT o.order_id,\n"
                + "       o.product_id,\n"
                + "       o.quantity,\n"
                + "       p.name AS product_name,\n"
                + "       p.price,\n"
                + "       p.price * o.quantity AS total\n"
                + "FROM " + ORDERS_TABLE + " AS o\n"
                + "JOIN " + PRODUCTS_TABLE + " FOR SYSTEM_TIME AS OF o.event_time AS p\n"
                + "    ON o.product_id = p.id";
    }
}
