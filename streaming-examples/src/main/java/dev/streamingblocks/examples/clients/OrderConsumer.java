package dev.streamingblocks.examples.clients;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroDeserializer;
import dev.streamingblocks.examples.avro.Order;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The article's plain consumer: Avro orders through our {@link KafkaAvroDeserializer} as
 * {@link Order} SpecificRecords, auto-commit off, offsets committed synchronously after each batch
 * is processed, so a crash re-reads at most one batch and never skips one.
 *
 * <pre>{@code
 * List<Order> orders = new OrderConsumer("localhost:9092", "http://localhost:8081", "orders", "order-reader")
 *         .consume(1000, Duration.ofSeconds(30), System.out);
 * }</pre>
 */
public final class OrderConsumer {

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final String topic;
    private final String groupId;

    private final Map<String, String> kafkaProperties;
    private final Map<String, String> registryProperties;

    public OrderConsumer(String bootstrapServers, String schemaRegistryUrl, String topic, String groupId) {
        this(bootstrapServers, schemaRegistryUrl, topic, groupId, Map.of(), Map.of());
    }

    /**
     * As {@link #OrderConsumer(String, String, String, String)}, with the user's Kafka client
     * settings and schema registry settings (security); values are never printed.
     */
    public OrderConsumer(
            String bootstrapServers,
            String schemaRegistryUrl,
            String topic,
            String groupId,
            Map<String, String> kafkaProperties,
            Map<String, String> registryProperties) {
        this.bootstrapServers = bootstrapServers;
        this.schemaRegistryUrl = schemaRegistryUrl;
        this.topic = topic;
        this.groupId = groupId;
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.registryProperties = Map.copyOf(registryProperties);
    }

    /** The consumer's settings: the user's, then the ones this consumer owns. */
    Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(kafkaProperties);
        config.putAll(registryProperties);
        config.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                groupId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                KafkaAvroDeserializer.class.getName(),
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                schemaRegistryUrl,
                AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG,
                true));
        return config;
    }

    /** Reads until at least {@code max} orders (0 = no limit; the last batch is finished) or {@code idleTimeout} without a record; prints each. */
    public List<Order> consume(long max, Duration idleTimeout, PrintStream out) {
        Map<String, Object> config = consumerConfig();
        List<Order> orders = new ArrayList<>();
        try (KafkaConsumer<String, Order> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            Instant idleSince = Instant.now();
            while ((max == 0 || orders.size() < max)
                    && Duration.between(idleSince, Instant.now()).compareTo(idleTimeout) < 0) {
                ConsumerRecords<String, Order> batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    continue;
                }
                idleSince = Instant.now();
                for (ConsumerRecord<String, Order> r : batch) {
                    Order o = r.value();
                    orders.add(o);
                    out.printf(
                            "%s-%d@%d  %s  %s x%d at %.2f  %s%n",
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            o.getOrderId(),
                            o.getProductId(),
                            o.getQuantity(),
                            o.getPrice(),
                            Instant.ofEpochMilli(o.getTimestamp()));
                }
                // Manual commit after processing: at-least-once, the article's consumer contract.
                consumer.commitSync();
            }
        }
        out.printf("consumed %d orders from '%s' as group '%s'%n", orders.size(), topic, groupId);
        return orders;
    }
}
