package dev.streamingblocks.examples.sql;

import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.examples.sql.internal.SqlText;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The article's Flink SQL job {@code order-stats-sql}: Avro orders from the Kafka topic {@code
 * orders} (Confluent wire format, {@code 'format' = 'avro-confluent'}), orders and revenue per
 * product in one-minute tumbling event-time windows, upserted to {@code order-stats} with the JSON
 * key {@code window_start, product_id}. It writes exactly what the DataStream {@link
 * OrderStatsJob} writes (same keys, same value bytes), so either can feed the topic.
 *
 * <pre>{@code
 * StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
 * OrderStatsSql.execute(tEnv, SqlJobOptions.builder()
 *         .setBootstrapServers("localhost:9092").setSchemaRegistryUrl("http://localhost:8081").build(),
 *         "orders", "order-stats").await();
 * }</pre>
 *
 * <p><b>Event time.</b> The article declares {@code event_time TIMESTAMP(3)}, but its Avro {@code
 * Order} carries {@code timestamp} as a {@code long} of epoch milliseconds, and the avro-confluent
 * format maps columns to Avro fields by name. So the {@code orders} table declares the physical
 * column {@code `timestamp` BIGINT} (backquoted: {@code TIMESTAMP} is a keyword) and derives the
 * event time from it as a computed column, {@code event_time AS TO_TIMESTAMP_LTZ(`timestamp`, 3)},
 * with {@code WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND}. A {@code
 * TIMESTAMP_LTZ} is an instant, but window bounds computed on it are wall-clock {@code TIMESTAMP}s
 * in the session time zone, so the job sets {@code table.local-time-zone} to {@code UTC}: {@code
 * window_start} and {@code window_end} are then the UTC times the DataStream job writes. The
 * table's other columns are nullable, so the reader schema the format derives has {@code
 * ["null", T]} unions (record name {@code org.apache.flink.avro.generated.record}); Avro resolves
 * the producer's non-null fields into them, so orders written with our {@code KafkaAvroSerializer}
 * (or Confluent's) read as they are.
 *
 * <p><b>How to run</b> (a Kafka broker and a schema registry, e.g. {@code LocalStack}, with Avro
 * orders in {@code orders}):
 * <ol>
 *   <li>{@code java -cp streaming-examples.jar dev.streamingblocks.examples.sql.OrderStatsSql
 *       --bootstrap-servers localhost:9092 --schema-registry-url http://localhost:8081}</li>
 *   <li>Read {@code order-stats}: one record per product and minute, e.g. key {@code
 *       {"window_start":"2026-02-06 12:00:00","product_id":"prod-1"}}, value {@code
 *       {"window_start":"2026-02-06 12:00:00","window_end":"2026-02-06 12:01:00",
 *       "product_id":"prod-1","order_count":3,"total_revenue":149.5}}.</li>
 * </ol>
 * With {@code --bounded} it reads what the topic holds at start-up, writes every window and ends.
 */
public final class OrderStatsSql {

    public static final String JOB_NAME = "order-stats-sql";
    public static final String GROUP_ID = "order-stats-sql";
    public static final String ORDERS_TABLE = "orders";
    public static final String ORDER_STATS_TABLE = "order_stats";

    static final String DESCRIPTION = "order-stats-sql: the article's Flink SQL, Avro orders -> one-minute"
            + " order counts and revenue per product -> upsert-kafka 'order-stats'.";

    private OrderStatsSql() {}

    public static void main(String[] args) throws Exception {
        SqlJobOptions options = SqlJobOptions.parse(args, System.getenv());
        if (options.help()) {
            System.out.println(SqlJobOptions.usage(DESCRIPTION));
            return;
        }
        StreamTableEnvironment tEnv = SqlJobs.createTableEnvironment(JOB_NAME);
        execute(tEnv, options, OrderStatsJob.ORDERS_TOPIC, OrderStatsJob.ORDER_STATS_TOPIC)
                .await();
    }

    /**
     * Registers the {@code orders} and {@code order_stats} tables on {@code tEnv} and submits the
     * {@code INSERT}; sets {@code tEnv}'s local time zone to UTC (see the class Javadoc).
     */
    public static TableResult execute(
            StreamTableEnvironment tEnv, SqlJobOptions options, String ordersTopic, String orderStatsTopic) {
        tEnv.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        createOrdersTable(tEnv, options, ORDERS_TABLE, ordersTopic, GROUP_ID);
        tEnv.executeSql("CREATE TEMPORARY TABLE " + ORDER_STATS_TABLE + " (\n"
                + "    window_start TIMESTAMP(3),\n"
                + "    window_end TIMESTAMP(3),\n"
                + "    product_id STRING,\n"
                + "    order_count BIGINT,\n"
                + "    total_revenue DOUBLE,\n"
                + "    PRIMARY KEY (window_start, product_id) NOT ENFORCED\n"
                + ") " + SqlText.with(upsertKafka(options, orderStatsTopic)));
        return tEnv.executeSql(insertStatement());
    }

    /** The query: the windowing-table-function form of the article's {@code TUMBLE} group window. */
    public static String insertStatement() {
        return "INSERT INTO " + ORDER_STATS_TABLE + "\n"
                + "SELECT window_start, window_end, product_id,\n"
                + "       COUNT(*) AS order_count,\n"
                + "       SUM(price * quantity) AS total_revenue\n"
                + "FROM TABLE(TUMBLE(TABLE " + ORDERS_TABLE + ", DESCRIPTOR(event_time), INTERVAL '1' MINUTE))\n"
                + "GROUP BY window_start, window_end, product_id";
    }

    /**
     * Registers the article's {@code orders} table (Avro, Confluent wire format) as {@code table},
     * with {@code event_time} derived from the Avro {@code timestamp} (see the class Javadoc).
     */
    public static void createOrdersTable(
            StreamTableEnvironment tEnv, SqlJobOptions options, String table, String topic, String groupId) {
        Map<String, String> with = SqlText.options();
        with.put("connector", "kafka");
        with.put("topic", topic);
        with.put("properties.bootstrap.servers", options.bootstrapServers());
        with.put("properties.group.id", groupId);
        with.put("scan.startup.mode", "earliest-offset");
        with.put("scan.bounded.mode", options.bounded() ? "latest-offset" : null);
        with.put("format", "avro-confluent");
        with.put("avro-confluent.url", options.requireSchemaRegistryUrl());
        options.withKafkaProperties(with);
        options.withSchemaRegistryProperties(with);
        tEnv.executeSql("CREATE TEMPORARY TABLE " + table + " (\n"
                + "    order_id STRING,\n"
                + "    user_id STRING,\n"
                + "    product_id STRING,\n"
                + "    quantity INT,\n"
                + "    price DOUBLE,\n"
                + "    `timestamp` BIGINT,\n"
                + "    event_time AS TO_TIMESTAMP_LTZ(`timestamp`, 3),\n"
                + "    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND\n"
                + ") " + SqlText.with(with));
    }

    private static Map<String, String> upsertKafka(SqlJobOptions options, String topic) {
        Map<String, String> with = SqlText.options();
        with.put("connector", "upsert-kafka");
        with.put("topic", topic);
        with.put("properties.bootstrap.servers", options.bootstrapServers());
        with.put("key.format", "json");
        with.put("value.format", "json");
        return options.withKafkaProperties(with);
    }
}
