package dev.streamingblocks.examples;

import dev.streamingblocks.testkit.await.Await;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Waits for a job's Kafka source to have committed its consumer group's offsets up to a topic's end. */
public final class CommittedOffsets {

    private CommittedOffsets() {}

    /**
     * Returns once {@code group} has committed offsets at the end of every partition of {@code topic}.
     * The source commits offsets when a checkpoint completes: so this waits for a checkpoint whose
     * state covers all the topic's records so far.
     *
     * @throws AssertionError if that does not happen within {@code timeout}
     */
    public static void awaitAtEnd(EmbeddedKafkaCluster kafka, String group, String topic, Duration timeout)
            throws Exception {
        try (Admin admin = kafka.createAdmin()) {
            List<TopicPartition> partitions = admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, OffsetSpec> latest =
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((p, info) -> ends.put(p, info.offset()));
            Await.until(timeout, "group " + group + " commits up to " + ends, () -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                return ends.entrySet().stream()
                        .allMatch(e -> committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue());
            });
        }
    }
}
