package dev.streamingblocks.examples.sql;

import static dev.streamingblocks.examples.sql.OrderStatsSqlITCase.order;
import static dev.streamingblocks.examples.sql.OrderStatsSqlITCase.t;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code enrich}: each order gets the product version valid at its event time, not the latest. */
class EnrichSqlITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** prod-1's price changes at 12:01:00, prod-2's name at 12:02:00; prod-3 never exists. */
    static final List<String[]> PRODUCTS = List.of(
            product("prod-1", "Widget", 10.0, t(-60, 0)),
            product("prod-2", "Gadget", 20.0, t(-60, 0)),
            product("prod-1", "Widget", 12.5, t(1, 0)),
            product("prod-2", "Gadget Pro", 20.0, t(2, 0)));

    static final List<Order> ORDERS = List.of(
            order("ord-0", "user-1", "prod-1", 1, 99.0, t(-61, 0)),   // before prod-1 existed: no result
            order("ord-1", "user-1", "prod-1", 2, 99.0, t(0, 30)),    // Widget at 10.0
            order("ord-2", "user-2", "prod-1", 4, 99.0, t(1, 0)),     // the new price is valid from 12:01:00
            order("ord-3", "user-3", "prod-2", 1, 99.0, t(1, 30)),    // still "Gadget"
            order("ord-4", "user-3", "prod-3", 1, 99.0, t(2, 10)),    // unknown product: no result
            order("ord-5", "user-2", "prod-2", 3, 99.0, t(5, 0)));    // "Gadget Pro"

    @Test
    void joinsEachOrderWithTheProductVersionValidAtItsEventTime() throws Exception {
        EmbeddedKafkaCluster kafka = KAFKA.cluster();
        String orders = EmbeddedKafkaCluster.uniqueTopicName("orders");
        String products = EmbeddedKafkaCluster.uniqueTopicName("products");
        String enriched = EmbeddedKafkaCluster.uniqueTopicName("orders-enriched");
        kafka.createTopic(orders, 1, (short) 1, Map.of("retention.ms", "-1"));
        kafka.createTopic(products, 1, (short) 1, Map.of("cleanup.policy", "compact", "retention.ms", "-1"));
        kafka.createTopic(enriched, 1, (short) 1, Map.of("retention.ms", "-1"));
        List<ProducerRecord<byte[], byte[]>> productRecords = new ArrayList<>();
        for (String[] keyAndValue : PRODUCTS) {
            productRecords.add(new ProducerRecord<>(products,
                    keyAndValue[0].getBytes(StandardCharsets.UTF_8), keyAndValue[1].getBytes(StandardCharsets.UTF_8)));
        }
        kafka.produce(productRecords);
        produceOrders(orders);

        EnrichSql.execute(
                        OrderStatsSqlITCase.tableEnvironment(),
                        SqlJobOptions.builder()
                                .setBootstrapServers(kafka.bootstrapServers())
                                .setSchemaRegistryUrl(REGISTRY.url())
                                .setBounded(true)
                                .build(),
                        orders,
                        products,
                        enriched)
                .await();

        List<String> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.consume(enriched, 4, TIMEOUT)) {
            values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        // The join is keyed by product, so only the order within one product is fixed.
        assertThat(values).containsExactlyInAnyOrder(
                "{\"order_id\":\"ord-1\",\"product_id\":\"prod-1\",\"quantity\":2,\"product_name\":\"Widget\","
                        + "\"price\":10.0,\"total\":20.0}",
                "{\"order_id\":\"ord-2\",\"product_id\":\"prod-1\",\"quantity\":4,\"product_name\":\"Widget\","
                        + "\"price\":12.5,\"total\":50.0}",
                "{\"order_id\":\"ord-3\",\"product_id\":\"prod-2\",\"quantity\":1,\"product_name\":\"Gadget\","
                        + "\"price\":20.0,\"total\":20.0}",
                "{\"order_id\":\"ord-5\",\"product_id\":\"prod-2\",\"quantity\":3,\"product_name\":\"Gadget Pro\","
                        + "\"price\":20.0,\"total\":60.0}");
    }

    private static void produceOrders(String topic) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName(),
                "schema.registry.url", REGISTRY.url());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (Order order : ORDERS) {
                producer.send(new ProducerRecord<>(topic, order.getOrderId(), order));
            }
            producer.flush();
        }
    }

    /** Key and value as upsert-kafka's json formats read them; update_time in epoch millis. */
    private static String[] product(String id, String name, double price, Instant updateTime) {
        return new String[] {
            "{\"id\":\"" + id + "\"}",
            "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"price\":" + price
                    + ",\"update_time\":" + updateTime.toEpochMilli() + "}"
        };
    }
}
