package dev.streamingblocks.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The order-stats job on a real broker and registry: Avro orders in, exactly the expected upserts out. */
class OrderStatsJobITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    private static Order order(String id, String product, int quantity, double price, long secondsAfterBeginning) {
        return Order.newBuilder()
                .setOrderId(id)
                .setUserId("u")
                .setProductId(product)
                .setQuantity(quantity)
                .setPrice(price)
                .setTimestamp(BEGINNING.plusSeconds(secondsAfterBeginning).toEpochMilli())
                .build();
    }

    @Test
    void ordersBecomeOneUpsertPerProductAndMinuteWithExactCountsAndRevenue() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("orders");
        String out = EmbeddedKafkaCluster.uniqueTopicName("order-stats");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("orders-dlq");
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(in, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(out, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(dlq, 1, (short) 1, keep);
        List<Order> orders = List.of(
                order("o1", "p1", 2, 10.0, 1),
                order("o2", "p1", 1, 5.5, 30),
                order("o3", "p2", 3, 2.0, 59),
                order("o4", "p1", 1, 100.0, 62), // minute 1
                order("o5", "p2", 1, 1.25, 58)); // out of order, still minute 0
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName(),
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (Order o : orders) {
                producer.send(new ProducerRecord<>(in, o.getOrderId(), o)).get();
            }
        }

        TypedKafkaSource<Order> source = OrderStatsJob.kafkaSourceBuilder(
                        KAFKA.bootstrapServers(),
                        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()),
                        "order-stats-it")
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        new OrderStatsJob(
                        e -> source.attach(e).records(),
                        OrderStatsJob.kafkaOrderStats(KAFKA.bootstrapServers(), out, "order-stats-it"))
                .attach(env);
        env.execute("order-stats-it");

        assertThat(upserts(KAFKA.cluster().consume(out, 3, Duration.ofSeconds(30))))
                .containsExactly(
                        Map.entry(
                                "{\"window_start\":\"2026-02-06 12:00:00\",\"product_id\":\"p1\"}",
                                "2026-02-06 12:01:00|2|25.5"),
                        Map.entry(
                                "{\"window_start\":\"2026-02-06 12:00:00\",\"product_id\":\"p2\"}",
                                "2026-02-06 12:01:00|2|7.25"),
                        Map.entry(
                                "{\"window_start\":\"2026-02-06 12:01:00\",\"product_id\":\"p1\"}",
                                "2026-02-06 12:02:00|1|100.0"));
    }

    /** Key JSON -> "window_end|order_count|total_revenue", checking the value repeats the key's columns. */
    static Map<String, String> upserts(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> result = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode key = json.readTree(r.key());
            JsonNode value = json.readTree(r.value());
            assertThat(value.get("window_start")).isEqualTo(key.get("window_start"));
            assertThat(value.get("product_id")).isEqualTo(key.get("product_id"));
            result.put(
                    json.writeValueAsString(key),
                    value.get("window_end").asText() + "|"
                            + value.get("order_count").asLong() + "|"
                            + value.get("total_revenue").asDouble());
        }
        return result;
    }
}
