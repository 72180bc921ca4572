package dev.streamingblocks.examples.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stream-table join: each order gets the product version valid at its event time. */
class EnrichJobITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    private static Order order(String id, String product, int quantity, long seconds) {
        return Order.newBuilder().setOrderId(id).setUserId("u").setProductId(product).setQuantity(quantity)
                .setPrice(0.0).setTimestamp(BEGINNING.plusSeconds(seconds).toEpochMilli()).build();
    }

    @Test
    void ordersGetTheProductVersionValidAtTheirEventTime() throws Exception {
        String orders = EmbeddedKafkaCluster.uniqueTopicName("orders");
        String products = EmbeddedKafkaCluster.uniqueTopicName("products");
        String enriched = EmbeddedKafkaCluster.uniqueTopicName("enriched-orders");
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(orders, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(products, 1, (short) 1, Map.of("retention.ms", "-1", "cleanup.policy", "compact"));
        KAFKA.cluster().createTopic(enriched, 1, (short) 1, keep);

        List<ProducerRecord<byte[], byte[]>> versions = new ArrayList<>();
        versions.add(product(products, "p1", "Widget", 2.5, "2026-02-06 11:00:00"));
        versions.add(product(products, "p2", "Gadget", 10.0, "2026-02-06 11:00:00"));
        versions.add(product(products, "p1", "Widget v2", 3.0, "2026-02-06 12:01:00"));
        KAFKA.cluster().produce(versions);

        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName(),
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (Order o : List.of(
                    order("o1", "p1", 2, 30),     // before the price change: Widget at 2.5
                    order("o2", "p1", 1, 90),     // after it: Widget v2 at 3.0
                    order("o3", "p2", 3, 10),
                    order("o4", "p9", 1, 20),     // no such product: dropped by the inner join
                    order("o5", "p2", 1, 300))) { // moves event time on
                producer.send(new ProducerRecord<>(orders, o.getOrderId(), o));
            }
            producer.flush();
        }

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        new EnrichJob(KAFKA.bootstrapServers(), REGISTRY.url())
                .setOrdersTopic(orders)
                .setProductsTopic(products)
                .setEnrichedTopic(enriched)
                .setGroupId("enrich-it")
                .setBounded(true)
                .execute(StreamTableEnvironment.create(env))
                .await();

        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.cluster().consume(enriched, 4, Duration.ofSeconds(30))) {
            var v = json.readTree(r.value());
            out.add(v.get("order_id").asText() + "|" + v.get("quantity").asInt() + "|" + v.get("product_name").asText()
                    + "|" + v.get("total").asDouble() + "|" + v.get("event_time").asText());
        }
        assertThat(out).containsExactlyInAnyOrder(
                "o1|2|Widget|5.0|2026-02-06 12:00:30",
                "o2|1|Widget v2|3.0|2026-02-06 12:01:30",
                "o3|3|Gadget|30.0|2026-02-06 12:00:10",
                "o5|1|Gadget|10.0|2026-02-06 12:05:00");
    }

    private static ProducerRecord<byte[], byte[]> product(String topic, String id, String name, double price, String at) {
        String key = "{\"id\":\"" + id + "\"}";
        String value = "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"price\":" + price
                + ",\"update_time\":\"" + at + "\"}";
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }
}
