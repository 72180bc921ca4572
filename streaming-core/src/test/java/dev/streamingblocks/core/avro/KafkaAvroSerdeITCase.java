package dev.streamingblocks.core.avro;

import static dev.streamingblocks.core.avro.testutils.TestOrders.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed article's plain producer and consumer, configured by class name and Confluent's keys
 * only, against a real broker and a real HTTP registry.
 */
class KafkaAvroSerdeITCase {

    private static final int RECORDS = 25;

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    @Test
    void ordersWrittenByAConfiguredProducerAreReadBackAsOrdersWithStringKeys() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("orders");
        KAFKA.cluster().createTopic(topic, 2);

        Properties producerProps = KAFKA.cluster().clientProperties();
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put("schema.registry.url", REGISTRY.url());
        try (KafkaProducer<Object, Object> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, order(i).getOrderId(), order(i)));
            }
            producer.send(new ProducerRecord<>(topic, "ord-deleted", null));
            producer.flush();
        }

        Properties consumerProps = KAFKA.cluster().clientProperties();
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, KafkaAvroDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, KafkaAvroDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put("schema.registry.url", REGISTRY.url());
        consumerProps.put("specific.avro.reader", "true");
        List<ConsumerRecord<Object, Object>> records = new ArrayList<>();
        try (KafkaConsumer<Object, Object> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (records.size() < RECORDS + 1 && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }

        assertThat(records).hasSize(RECORDS + 1);
        List<Order> values = new ArrayList<>();
        for (ConsumerRecord<Object, Object> record : records) {
            if (record.key().equals("ord-deleted")) {
                assertThat(record.value()).isNull();
            } else {
                assertThat(record.value()).isInstanceOf(Order.class);
                assertThat(record.key()).isEqualTo(((Order) record.value()).getOrderId());
                values.add((Order) record.value());
            }
        }
        values.sort(java.util.Comparator.comparingInt(
                o -> Integer.parseInt(o.getOrderId().substring(4))));
        List<Order> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add(order(i));
        }
        assertThat(values).isEqualTo(expected);
    }
}
