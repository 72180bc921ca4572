package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.benchmarks.harness.FlinkJob;
import dev.streamingblocks.benchmarks.harness.Running;
import java.time.ZoneOffset;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * (b) The article's Flink SQL, as streaming-examples' {@code OrderStatsSql} runs it: a Kafka table
 * in the {@code avro-confluent} format (our relocated streaming-sql-avro-confluent module) with
 * {@code event_time} derived from the Avro {@code timestamp} and a 5 s watermark, the windowing
 * table function {@code TUMBLE(..., INTERVAL '1' MINUTE)} grouped by window and product, into an
 * {@code upsert-kafka} table with JSON key and value. {@code scan.bounded.mode = latest-offset}, so
 * the job ends after the last window. Planner and connector options are left at their defaults.
 */
final class SqlVariant implements Variant {

    static final String NAME = "Flink SQL (avro-confluent → TUMBLE → upsert-kafka)";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean runsOnFlink() {
        return true;
    }

    @Override
    public Running start(RunContext context, int parallelism, String outputTopic) {
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(context.flinkEnvironment());
        tEnv.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        tEnv.getConfig().set("pipeline.name", "order-stats-sql-p" + parallelism);
        tEnv.executeSql("CREATE TEMPORARY TABLE orders (\n"
                + "    order_id STRING,\n"
                + "    user_id STRING,\n"
                + "    product_id STRING,\n"
                + "    quantity INT,\n"
                + "    price DOUBLE,\n"
                + "    `timestamp` BIGINT,\n"
                + "    event_time AS TO_TIMESTAMP_LTZ(`timestamp`, 3),\n"
                + "    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND\n"
                + ") WITH (\n"
                + "    'connector' = 'kafka',\n"
                + "    'topic' = '" + context.inputTopic() + "',\n"
                + "    'properties.bootstrap.servers' = '" + context.stack().bootstrapServers() + "',\n"
                + "    'properties.group.id' = '" + context.runId() + "-sql-p" + parallelism + "',\n"
                + "    'scan.startup.mode' = 'earliest-offset',\n"
                + "    'scan.bounded.mode' = 'latest-offset',\n"
                + "    'format' = 'avro-confluent',\n"
                + "    'avro-confluent.url' = '" + context.stack().registryUrl() + "'\n"
                + ")");
        tEnv.executeSql("CREATE TEMPORARY TABLE order_stats (\n"
                + "    window_start TIMESTAMP(3),\n"
                + "    window_end TIMESTAMP(3),\n"
                + "    product_id STRING,\n"
                + "    order_count BIGINT,\n"
                + "    total_revenue DOUBLE,\n"
                + "    PRIMARY KEY (window_start, product_id) NOT ENFORCED\n"
                + ") WITH (\n"
                + "    'connector' = 'upsert-kafka',\n"
                + "    'topic' = '" + outputTopic + "',\n"
                + "    'properties.bootstrap.servers' = '" + context.stack().bootstrapServers() + "',\n"
                + "    'key.format' = 'json',\n"
                + "    'value.format' = 'json'\n"
                + ")");
        TableResult result = tEnv.executeSql("INSERT INTO order_stats\n"
                + "SELECT window_start, window_end, product_id,\n"
                + "       COUNT(*) AS order_count,\n"
                + "       SUM(price * quantity) AS total_revenue\n"
                + "FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))\n"
                + "GROUP BY window_start, window_end, product_id");
        return new FlinkJob(result.getJobClient()
                .orElseThrow(() -> new IllegalStateException("the INSERT was not submitted as a job")));
    }
}
