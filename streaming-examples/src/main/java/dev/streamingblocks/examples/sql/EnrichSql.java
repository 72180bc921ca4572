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
 *         "orders", "products-cdc", "orders-enriched").await();
 * }</pre>
 *
 * <p>{@code products} is a versioned table read from the CDC topic {@value #PRODUCTS_TOPIC}, which
 * {@code Main cdc} fills from PostgreSQL's {@code products} table with Debezium ({@code 'format' =
 * 'debezium-json'}, primary key {@code id}). A version's time is its {@code change_time}, the
 * commit time in PostgreSQL (Debezium's {@code source.ts_ms}, the metadata column
 * {@code value.source.timestamp}), with the watermark on it. The commit time and not the row's
 * {@code updated_at}: a delete carries the old row, so its {@code updated_at} is that of the last
 * version and would end the product retroactively. Its time attribute is a {@code TIMESTAMP_LTZ(3)}
 * like the orders' {@code event_time} (see {@link OrderStatsSql}), as an event-time temporal join
 * needs both sides to have the same time type. A version is valid from its commit (inclusive) until
 * the next change of the row; an order with no valid version (unknown product, before the product's
 * first version, or after its delete) has no result, as in the article's inner {@code JOIN}. Rows of
 * the initial snapshot are valid from when the snapshot read them. Results appear once both the
 * orders' and the products' watermarks pass the order's time; {@link #main} therefore lets an idle
 * products topic drop out of the watermark after {@link #SOURCE_IDLE_TIMEOUT}. The table reads
 * {@code read_committed} and from the earliest offset, as the history is what makes it versioned.
 *
 * <p><b>How to run</b> (see the README's "CDC" section for the whole walk-through):
 * <ol>
 *   <li>{@code Main local-stack}, which creates PostgreSQL's {@code products} table;</li>
 *   <li>{@code Main cdc --bootstrap-servers ... --jdbc-url ...}, which captures it into
 *       {@value #PRODUCTS_TOPIC};</li>
 *   <li>{@code Main enrich --bootstrap-servers ... --schema-registry-url ...} and
 *       {@code Main produce --type orders --rate 5 ...};</li>
 *   <li>Read {@code orders-enriched}: one record per order with a known product, e.g. {@code
 *       {"order_id":"ord-1","product_id":"prod-1","quantity":2,"product_name":"Widget",
 *       "price":9.99,"total":19.98}}; after {@code UPDATE products SET price = 12.50 WHERE id = 'prod-1'}
 *       orders placed from then on show {@code "price":12.5}.</li>
 * </ol>
 */
public final class EnrichSql {

    public static final String JOB_NAME = "enrich";
    public static final String GROUP_ID = "enrich-sql";
    public static final String PRODUCTS_TOPIC = "products-cdc";
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
        execute(tEnv, options, OrderStatsJob.ORDERS_TOPIC, PRODUCTS_TOPIC, ORDERS_ENRICHED_TOPIC)
                .await();
    }

    /**
     * Registers {@code orders}, {@code products} and {@code orders_enriched} on {@code tEnv} and
     * submits the {@code INSERT}; sets {@code tEnv}'s local time zone to UTC.
     */
    public static TableResult execute(
            StreamTableEnvironment tEnv,
            SqlJobOptions options,
            String ordersTopic,
            String productsTopic,
            String enrichedTopic) {
        tEnv.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        OrderStatsSql.createOrdersTable(tEnv, options, ORDERS_TABLE, ordersTopic, GROUP_ID);

        Map<String, String> products = SqlText.options();
        products.put("connector", "kafka");
        products.put("topic", productsTopic);
        products.put("properties.bootstrap.servers", options.bootstrapServers());
        products.put("properties.group.id", GROUP_ID);
        // Only changes whose capture batch was acknowledged; and all of them: a versioned table needs its history.
        products.put("properties.isolation.level", "read_committed");
        products.put("scan.startup.mode", "earliest-offset");
        products.put("scan.bounded.mode", options.bounded() ? "latest-offset" : null);
        products.put("format", "debezium-json");
        options.withKafkaProperties(products);
        tEnv.executeSql("CREATE TEMPORARY TABLE " + PRODUCTS_TABLE + " (\n"
                + "    id STRING,\n"
                + "    name STRING,\n"
                + "    price DECIMAL(10, 2),\n"
                + "    change_time TIMESTAMP_LTZ(3) METADATA FROM 'value.source.timestamp' VIRTUAL,\n"
                + "    PRIMARY KEY (id) NOT ENFORCED,\n"
                + "    WATERMARK FOR change_time AS change_time\n"
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
                + "       CAST(p.price AS DOUBLE) AS price,\n"
                + "       CAST(p.price * o.quantity AS DOUBLE) AS total\n"
                + "FROM " + ORDERS_TABLE + " AS o\n"
                + "JOIN " + PRODUCTS_TABLE + " FOR SYSTEM_TIME AS OF o.event_time AS p\n"
                + "    ON o.product_id = p.id";
    }
}
