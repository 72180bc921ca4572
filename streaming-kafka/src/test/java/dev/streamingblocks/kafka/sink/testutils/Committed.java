package dev.streamingblocks.kafka.sink.testutils;

import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads what a read_committed consumer can see of a topic, up to its end (last stable) offsets. */
public final class Committed {

    private Committed() {}

    /**
     * Every committed record of the topic, partition by partition in offset order. Reads up to the
     * end offsets a read_committed consumer reports, so it neither stops early nor waits for more.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            EmbeddedKafkaCluster kafka, String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.createConsumer(Map.of())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Instant deadline = Instant.now().plus(timeout);
            while (!reachedEnd(consumer, partitions, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("Could not read topic '" + topic + "' up to " + end + " within " + timeout
                            + "; read " + records.size() + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            records.sort((a, b) -> a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return records;
        }
    }

    private static boolean reachedEnd(
            KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < end.get(partition)) {
                return false;
            }
        }
        return true;
    }
}
