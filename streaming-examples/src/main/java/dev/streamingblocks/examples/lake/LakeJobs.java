package dev.streamingblocks.examples.lake;

import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.io.JobSink;
import dev.streamingblocks.examples.io.JobSource;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.lake.LakeSink;
import dev.streamingblocks.lake.LakeSinkBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Stream to lake: orders (and the fraud job's alerts) as Parquet in {@code <work-dir>/lake/<table>/dt=.../hour=...},
 * exactly once, compacted, with a {@code _SUCCESS} marker per closed hour (streaming-lake's {@link LakeSink}).
 *
 * <p>How to run: (1) {@code Main orders-to-lake} (starts the local stack, or {@code --bootstrap-servers} for
 * yours); (2) {@code Main produce --type orders --schema-registry-url <from 1> --bootstrap-servers <from 1>}.
 * Expect {@code part-*.parquet} files in {@code lake/orders/dt=YYYY-MM-DD/hour=HH/} once an hour closes (the
 * watermark passes its end plus {@value #ORDERS_LATENESS_MINUTES} minutes) or after
 * {@value LakeSink#DEFAULT_MAX_CHECKPOINTS_BEFORE_COMPACTION} checkpoints; query them with DuckDB:
 * {@code SELECT count(*), sum(price * quantity) FROM read_parquet('lake/orders/**}{@code /*.parquet',
 * hive_partitioning = true)}. {@code Main fraud --lake} also writes the alerts to {@code lake/fraud_alerts}.
 */
public final class LakeJobs {

    /** Under the work directory. */
    public static final String LAKE_DIRECTORY = "lake";

    public static final String ORDERS_TABLE = "orders";
    public static final String FRAUD_ALERTS_TABLE = "fraud_alerts";
    /** Orders the lake cannot write (late beyond the lateness, invalid). */
    public static final String ORDERS_DEAD_LETTER_TOPIC = "orders-lake-dlq";

    public static final String FRAUD_ALERTS_DEAD_LETTER_TOPIC = "fraud-alerts-lake-dlq";
    public static final long ORDERS_LATENESS_MINUTES = 5;
    /** An alert is emitted when the watermark reaches its window's end, so its hour needs some lateness. */
    public static final Duration ALERTS_LATENESS = Duration.ofMinutes(5);

    private LakeJobs() {}

    /** The orders-to-lake job: the order source straight into the lake sink. */
    public static void ordersToLake(StreamExecutionEnvironment env, JobSource<Order> orders, JobSink<Order> lake) {
        lake.attach(orders.attach(env));
    }

    /** Orders into {@code <lake>/orders}, by their event time ({@code timestamp}). */
    public static JobSink<Order> lakeOrders(Path lake, String bootstrapServers, Map<String, String> kafkaProperties) {
        LakeSink<Order> sink = withKafka(LakeSink.<Order>builder(), bootstrapServers, kafkaProperties)
                .setName("orders-lake")
                .setBasePath(lake.resolve(ORDERS_TABLE).toUri().toString())
                .setSpecificRecordClass(Order.class)
                .setEventTimeExtractor(order -> Instant.ofEpochMilli(order.getTimestamp()))
                .setAllowedLateness(Duration.ofMinutes(ORDERS_LATENESS_MINUTES))
                .setDeadLetterTopic(ORDERS_DEAD_LETTER_TOPIC)
                .build();
        return sink::sinkTo;
    }

    /** Alerts into {@code <lake>/fraud_alerts}, in the hour their window ends in. */
    public static JobSink<Alert> lakeAlerts(Path lake, String bootstrapServers, Map<String, String> kafkaProperties) {
        LakeSink<Alert> sink = withKafka(LakeSink.<Alert>builder(), bootstrapServers, kafkaProperties)
                .setName("fraud-alerts-lake")
                .setBasePath(lake.resolve(FRAUD_ALERTS_TABLE).toUri().toString())
                .setSpecificRecordClass(Alert.class)
                .setEventTimeExtractor(alert -> alert.getWindowEnd().minusMillis(1))
                .setAllowedLateness(ALERTS_LATENESS)
                .setDeadLetterTopic(FRAUD_ALERTS_DEAD_LETTER_TOPIC)
                .build();
        return sink::sinkTo;
    }

    private static <T> LakeSinkBuilder<T> withKafka(
            LakeSinkBuilder<T> builder, String bootstrapServers, Map<String, String> kafkaProperties) {
        kafkaProperties.forEach(builder::setKafkaProperty);
        return builder.setBootstrapServers(bootstrapServers);
    }
}
