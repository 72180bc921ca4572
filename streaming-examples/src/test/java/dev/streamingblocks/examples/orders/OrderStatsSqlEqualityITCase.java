package dev.streamingblocks.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** order-stats (DataStream) and order-stats-sql (the article's SQL) write the same records for the same orders. */
class OrderStatsSqlEqualityITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    /** Prices exact in binary, so sums do not depend on the order the two jobs add them in. */
    private static final double[] PRICES = {2.5, 4.25, 10.0};

    @Test
    void bothJobsWriteTheSameUpsertsAsExpected() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("orders");
        String dataStreamOut = EmbeddedKafkaCluster.uniqueTopicName("order-stats-ds");
        String sqlOut = EmbeddedKafkaCluster.uniqueTopicName("order-stats-sql");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("orders-dlq");
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(in, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(dataStreamOut, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(sqlOut, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(dlq, 1, (short) 1, keep);

        // 60 orders over three minutes, 3 products, each window's count and revenue known.
        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int product = i % 3;
            orders.add(Order.newBuilder().setOrderId("o" + i).setUserId("u" + (i % 7))
                    .setProductId("p" + product).setQuantity(1 + i % 4).setPrice(PRICES[product])
                    .setTimestamp(BEGINNING.plusSeconds(3L * i).toEpochMilli()).build());
        }
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName(),
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (Order o : orders) {
                producer.send(new ProducerRecord<>(in, o.getOrderId(), o));
            }
            producer.flush();
        }

        TypedKafkaSource<Order> source = OrderStatsJob.kafkaSourceBuilder(KAFKA.bootstrapServers(),
                        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()), "order-stats-eq")
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        StreamExecutionEnvironment env = environment();
        new OrderStatsJob(e -> source.attach(e).records(),
                OrderStatsJob.kafkaOrderStats(KAFKA.bootstrapServers(), dataStreamOut, "order-stats-eq")).attach(env);
        env.execute("order-stats-eq");

        StreamTableEnvironment tEnv = StreamTableEnvironment.create(environment());
        new OrderStatsSqlJob(KAFKA.bootstrapServers(), REGISTRY.url())
                .setOrdersTopic(in)
                .setOrderStatsTopic(sqlOut)
                .setGroupId("order-stats-sql-eq")
                .setBounded(true)
                .execute(tEnv)
                .await();

        // 3 minutes x 3 products; minute m holds orders 20m..20m+19.
        Map<String, String> fromDataStream = OrderStatsJobITCase.upserts(
                KAFKA.cluster().consume(dataStreamOut, 9, Duration.ofSeconds(30)));
        Map<String, String> fromSql = OrderStatsJobITCase.upserts(KAFKA.cluster().consume(sqlOut, 9, Duration.ofSeconds(30)));
        assertThat(fromSql).isEqualTo(fromDataStream);
        assertThat(fromDataStream).containsEntry(
                "{\"window_start\":\"2026-02-06 12:00:00\",\"product_id\":\"p0\"}",
                // orders 0,3,...,18: quantities 1,4,3,2,1,4,3 -> 18 units at 2.5
                "2026-02-06 12:01:00|7|45.0");
    }

    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        return env;
    }
}
