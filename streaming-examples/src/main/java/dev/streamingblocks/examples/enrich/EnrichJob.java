package dev.streamingblocks.examples.enrich;

import dev.streamingblocks.examples.orders.OrderStatsJob;
import java.util.List;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.config.TableConfigOptions;

/**
 * The article's stream-table join: each order joined with the {@code products} row that was valid
 * at the order's event time ({@code FOR SYSTEM_TIME AS OF o.event_time}), adding the product name and
 * the total ({@code p.price * o.quantity}), written as JSON to {@value #ENRICHED_ORDERS_TOPIC}.
 *
 * <pre>{@code
 * new EnrichJob(bootstrap, registryUrl).execute(tEnv);
 * }</pre>
 *
 * <p>{@code products} is a versioned table: an {@code upsert-kafka} table over the compacted topic
 * {@value #PRODUCTS_TOPIC} (JSON key {@code {"id": ...}}, JSON value {@code id, name, price,
 * update_time}, UTC), with the watermark on {@code update_time}; both time attributes are UTC
 * {@code TIMESTAMP(3)}, the orders' computed from the Avro {@code timestamp}. A price change therefore applies to
 * orders from its {@code update_time} on, also when replayed. Orders of a product with no version
 * at their time are dropped (an inner join). Orders are read like {@link OrderStatsJob}'s SQL twin:
 * {@code avro-confluent}, with the event time computed from the Avro {@code timestamp}.
 */
public final class EnrichJob {

    public static final String PRODUCTS_TOPIC = "products";
    public static final String ENRICHED_ORDERS_TOPIC = "enriched-orders";

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private String ordersTopic = OrderStatsJob.ORDERS_TOPIC;
    private String productsTopic = PRODUCTS_TOPIC;
    private String enrichedTopic = ENRICHED_ORDERS_TOPIC;
    private String groupId = "enrich";
    private boolean bounded;

    public EnrichJob(String bootstrapServers, String schemaRegistryUrl) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        if (schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
            throw new IllegalArgumentException("schemaRegistryUrl is required");
        }
        this.bootstrapServers = bootstrapServers;
        this.schemaRegistryUrl = schemaRegistryUrl;
    }

    public EnrichJob setOrdersTopic(String ordersTopic) {
        this.ordersTopic = ordersTopic;
        return this;
    }

    public EnrichJob setProductsTopic(String productsTopic) {
        this.productsTopic = productsTopic;
        return this;
    }

    public EnrichJob setEnrichedTopic(String enrichedTopic) {
        this.enrichedTopic = enrichedTopic;
        return this;
    }

    public EnrichJob setGroupId(String groupId) {
        this.groupId = groupId;
        return this;
    }

    /** Read orders up to their latest offset at start, then finish (tests, replays). */
    public EnrichJob setBounded(boolean bounded) {
        this.bounded = bounded;
        return this;
    }

    List<String> statements() {
        String bound = bounded ? "'scan.bounded.mode' = 'latest-offset'," : "";
        return List.of("""
                CREATE TABLE orders (
                    order_id STRING,
                    user_id STRING,
                    product_id STRING,
                    quantity INT,
                    price DOUBLE,
                    `timestamp` BIGINT,
                    event_time AS CAST(TO_TIMESTAMP_LTZ(`timestamp`, 3) AS TIMESTAMP(3)),
                    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
                ) WITH (
                    'connector' = 'kafka',
                    'topic' = '%s',
                    'properties.bootstrap.servers' = '%s',
                    'properties.group.id' = '%s',
                    'scan.startup.mode' = 'earliest-offset',
                    %s
                    'format' = 'avro-confluent',
                    'avro-confluent.url' = '%s'
                )""".formatted(ordersTopic, bootstrapServers, groupId, bound, schemaRegistryUrl),
                """
                CREATE TABLE products (
                    id STRING,
                    name STRING,
                    price DOUBLE,
                    update_time TIMESTAMP(3),
                    PRIMARY KEY (id) NOT ENFORCED,
                    WATERMARK FOR update_time AS update_time
                ) WITH (
                    'connector' = 'upsert-kafka',
                    'topic' = '%s',
                    'properties.bootstrap.servers' = '%s',
                    'properties.group.id' = '%s',
                    %s
                    'key.format' = 'json',
                    'value.format' = 'json'
                )""".formatted(productsTopic, bootstrapServers, groupId + "-products", bound),
                """
                CREATE TABLE enriched_orders (
                    order_id STRING,
                    quantity INT,
                    product_name STRING,
                    total DOUBLE,
                    event_time TIMESTAMP(3)
                ) WITH (
                    'connector' = 'kafka',
                    'topic' = '%s',
                    'properties.bootstrap.servers' = '%s',
                    'format' = 'json'
                )""".formatted(enrichedTopic, bootstrapServers),
                """
                INSERT INTO enriched_orders
                SELECT
                    o.order_id,
                    o.quantity,
                    p.name AS product_name,
                    p.price * o.quantity AS total,
                    o.event_time
                FROM orders o
                JOIN products FOR SYSTEM_TIME AS OF o.event_time AS p
                    ON o.product_id = p.id""");
    }

    /** Runs the statements (session time zone UTC); returns the INSERT's result. */
    public TableResult execute(TableEnvironment tEnv) {
        tEnv.getConfig().set(TableConfigOptions.LOCAL_TIME_ZONE, "UTC");
        List<String> statements = statements();
        for (int i = 0; i < statements.size() - 1; i++) {
            tEnv.executeSql(statements.get(i));
        }
        return tEnv.executeSql(statements.get(statements.size() - 1));
    }
}
