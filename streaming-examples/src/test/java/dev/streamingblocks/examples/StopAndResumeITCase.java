package dev.streamingblocks.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.orders.OrderGenerator;
import dev.streamingblocks.examples.orders.OrderStats;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local example job stopped mid-stream the way a user stops it (SIGTERM, as Ctrl-C) and started
 * again with the same command ends with exactly the results of an uninterrupted run: the windows
 * open at the stop come back from the savepoint with the offsets they belong to.
 */
class StopAndResumeITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final Instant START = Instant.parse("2026-02-06T12:00:00Z");
    private static final Duration STEP = Duration.ofMinutes(3);

    @TempDir
    Path workDir;

    @Test
    void orderStatsStoppedMidWindowAndStartedAgainGivesExactlyTheUninterruptedResults() throws Exception {
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(OrderStatsJob.ORDERS_TOPIC, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(OrderStatsJob.ORDER_STATS_TOPIC, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC, 1, (short) 1, keep);
        // 3 minutes of orders, one every 100 ms; the stop falls in the middle of the second minute.
        List<Order> orders = new OrderGenerator(7, START, Duration.ofMillis(100)).next(1800);
        List<Order> beforeStop = orders.subList(0, 1000);
        List<Order> afterStop = orders.subList(1000, orders.size());
        String[] command = {"order-stats", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--schema-registry-url", REGISTRY.url(), "--work-dir", workDir.toString(),
                "--checkpoint-interval", "1s", "--web-ui-port", Integer.toString(LocalStack.freePort())};

        produce(beforeStop, List.of());
        try (ChildJob first = ChildJob.start("order-stats-1", Map.of(), command)) {
            first.awaitLine(line -> line.startsWith("Starting order-stats without saved state"), Duration.ofSeconds(60));
            awaitCommittedToEnd("order-stats", OrderStatsJob.ORDERS_TOPIC, Duration.ofSeconds(120));
            first.stop();
            assertThat(first.output()).contains("Stopped with a savepoint at ");
        }

        // Later orders, then one far ahead in each partition so every window of the data closes.
        produce(afterStop, List.of(flushOrder(0), flushOrder(1)));
        try (ChildJob second = ChildJob.start("order-stats-2", Map.of(), command)) {
            String resumed = second.awaitLine(line -> line.startsWith("Resuming order-stats from "),
                    Duration.ofSeconds(60));
            assertThat(resumed).contains(workDir.resolve("jobs/order-stats/savepoints").toString());

            Map<String, String> expected = OrderStatsJob.expectedStats(orders).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> describe(e.getValue()), (a, b) -> a,
                            TreeMap::new));
            assertThat(awaitResults(expected, Duration.ofSeconds(180))).isEqualTo(expected);
            second.stop();
        }
    }

    private static Order flushOrder(int partition) {
        return Order.newBuilder().setOrderId("flush-" + partition).setUserId("flush").setProductId("prod-1")
                .setQuantity(1).setPrice(1.0).setTimestamp(START.plus(STEP).plus(STEP).toEpochMilli()).build();
    }

    private static void produce(List<Order> orders, List<Order> flushes) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class.getName(),
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (Order o : orders) {
                producer.send(new ProducerRecord<>(OrderStatsJob.ORDERS_TOPIC, o.getOrderId(), o));
            }
            for (int partition = 0; partition < flushes.size(); partition++) {
                Order o = flushes.get(partition);
                producer.send(new ProducerRecord<>(OrderStatsJob.ORDERS_TOPIC, partition, o.getOrderId(), o));
            }
            producer.flush();
        }
    }

    /** The source commits offsets when a checkpoint completes: so this waits for a checkpoint covering all input. */
    private static void awaitCommittedToEnd(String group, String topic, Duration timeout) throws Exception {
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((p, info) -> ends.put(p, info.offset()));
            Instant deadline = Instant.now().plus(timeout);
            Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
            while (Instant.now().isBefore(deadline)) {
                committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetAndMetadata> seen = committed;
                if (ends.entrySet().stream().allMatch(e -> seen.get(e.getKey()) != null
                        && seen.get(e.getKey()).offset() >= e.getValue())) {
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(200); // polling interval of a condition, not a synchronisation
            }
            throw new AssertionError("Group " + group + " did not commit up to " + ends + " within " + timeout
                    + "; committed " + committed);
        }
    }

    /** Polls the output topic (read_committed) until the latest result per key equals {@code expected}. */
    private static Map<String, String> awaitResults(Map<String, String> expected, Duration timeout) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> latest = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KAFKA.cluster().createConsumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(OrderStatsJob.ORDER_STATS_TOPIC)
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline) && !latest.equals(expected)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode v = json.readTree(new String(r.value(), StandardCharsets.UTF_8));
                    Instant start = LocalDateTime.parse(v.get("window_start").asText().replace(' ', 'T'))
                            .toInstant(ZoneOffset.UTC);
                    latest.put(OrderStatsJob.key(start, v.get("product_id").asText()),
                            String.format(Locale.ROOT, "%d orders, revenue %.2f", v.get("order_count").asLong(),
                                    v.get("total_revenue").asDouble()));
                }
            }
        }
        return latest;
    }

    private static String describe(OrderStats stats) {
        return String.format(Locale.ROOT, "%d orders, revenue %.2f", stats.orderCount(), stats.totalRevenue());
    }
}
