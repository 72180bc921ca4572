package dev.streamingblocks.examples.orders;

import java.util.List;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.config.TableConfigOptions;

/**
 * The article's order statistics in Flink SQL: a Kafka {@code orders} table in the {@code
 * avro-confluent} format read through the schema registry, a one-minute tumbling window per
 * product, and an {@code upsert-kafka} {@code order_stats} table with JSON key and value. It writes
 * the same records as {@link OrderStatsJob} for the same input.
 *
 * <pre>{@code
 * TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
 * TableResult result = new OrderStatsSqlJob(bootstrap, registryUrl).setBounded(false).execute(tEnv);
 * }</pre>
 *
 * <p><b>The event-time fix.</b> The article declares {@code event_time TIMESTAMP(3)}, but its Avro
 * schema has no such field: it has {@code timestamp}, a {@code long} of epoch milliseconds, and the
 * {@code avro-confluent} format maps columns to Avro fields by name. So the table declares the
 * physical column {@code `timestamp` BIGINT} as in the schema, and {@code event_time} as a computed
 * column {@code TO_TIMESTAMP_LTZ(`timestamp`, 3)} with the watermark on it. The session time zone
 * is UTC, so window bounds written to the {@code TIMESTAMP(3)} columns are UTC, like the DataStream
 * job's.
 *
 * <p>The {@code avro-confluent} format comes from {@code streaming-examples-avro-confluent}, where
 * it is relocated so it can share the classpath with flink-avro.
 */
public final class OrderStatsSqlJob {

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private String ordersTopic = OrderStatsJob.ORDERS_TOPIC;
    private String orderStatsTopic = OrderStatsJob.ORDER_STATS_TOPIC;
    private String groupId = "order-stats-sql";
    private boolean bounded;

    public OrderStatsSqlJob(String bootstrapServers, String schemaRegistryUrl) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        if (schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
            throw new IllegalArgumentException("schemaRegistryUrl is required");
        }
        this.bootstrapServers = bootstrapServers;
        this.schemaRegistryUrl = schemaRegistryUrl;
    }

    public OrderStatsSqlJob setOrdersTopic(String ordersTopic) {
        this.ordersTopic = ordersTopic;
        return this;
    }

    public OrderStatsSqlJob setOrderStatsTopic(String orderStatsTopic) {
        this.orderStatsTopic = orderStatsTopic;
        return this;
    }

    public OrderStatsSqlJob setGroupId(String groupId) {
        this.groupId = groupId;
        return this;
    }

    /** Read the orders topic from the earliest to the latest offset at start, then finish (tests, replays). */
    public OrderStatsSqlJob setBounded(boolean bounded) {
        this.bounded = bounded;
        return this;
    }

    /** The statements, in order: the two tables and the INSERT. */
    public List<String> statements() {
        return List.of("""
                CREATE TABLE orders (
                    order_id STRING,
                    user_id STRING,
                    product_id STRING,
                    quantity INT,
                    price DOUBLE,
                    `timestamp` BIGINT,
                    event_time AS TO_TIMESTAMP_LTZ(`timestamp`, 3),
                    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
                ) WITH (
                    'connector' = 'kafka',
                    'topic' = '%s',
                    'properties.bootstrap.servers' = '%s',
                    'properties.group.id' = '%s',
                    'properties.isolation.level' = 'read_committed',
                    'scan.startup.mode' = 'earliest-offset',
                    %s
                    'format' = 'avro-confluent',
                    'avro-confluent.url' = '%s'
                )""".formatted(ordersTopic, bootstrapServers, groupId,
                        bounded ? "'scan.bounded.mode' = 'latest-offset'," : "", schemaRegistryUrl),
                """
                CREATE TABLE order_stats (
                    window_start TIMESTAMP(3),
                    window_end TIMESTAMP(3),
                    product_id STRING,
                    order_count BIGINT,
                    total_revenue DOUBLE,
                    PRIMARY KEY (window_start, product_id) NOT ENFORCED
                ) WITH (
                    'connector' = 'upsert-kafka',
                    'topic' = '%s',
                    'properties.bootstrap.servers' = '%s',
                    'key.format' = 'json',
                    'value.format' = 'json'
                )""".formatted(orderStatsTopic, bootstrapServers),
                """
                INSERT INTO order_stats
                SELECT
                    CAST(TUMBLE_START(event_time, INTERVAL '1' MINUTE) AS TIMESTAMP(3)) AS window_start,
                    CAST(TUMBLE_END(event_time, INTERVAL '1' MINUTE) AS TIMESTAMP(3)) AS window_end,
                    product_id,
                    COUNT(*) AS order_count,
                    SUM(price * quantity) AS total_revenue
                FROM orders
                GROUP BY TUMBLE(event_time, INTERVAL '1' MINUTE), product_id""");
    }

    /** Runs the statements in {@code tEnv} (session time zone set to UTC); returns the INSERT's result. */
    public TableResult execute(TableEnvironment tEnv) {
        tEnv.getConfig().set(TableConfigOptions.LOCAL_TIME_ZONE, "UTC");
        List<String> statements = statements();
        for (int i = 0; i < statements.size() - 1; i++) {
            tEnv.executeSql(statements.get(i));
        }
        return tEnv.executeSql(statements.get(statements.size() - 1));
    }
}
