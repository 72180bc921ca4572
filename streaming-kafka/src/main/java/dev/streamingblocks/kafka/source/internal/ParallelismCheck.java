package dev.streamingblocks.kafka.source.internal;

import dev.streamingblocks.kafka.internal.KafkaClientProperties;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when a source without idleness has subtasks that get no partition: they never emit a
 * watermark, so event time stalls downstream.
 *
 * <p>The Kafka source assigns partitions topic by topic, not from one pool, so a subtask can stay
 * empty even when the topics have more partitions in all than the source has subtasks (two
 * 2-partition topics whose start subtasks coincide leave 2 of 4 subtasks empty). The check
 * therefore computes the owner of every partition the way the connector does.
 */
public final class ParallelismCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ParallelismCheck.class);

    /** How long the start-up check may take before it gives up (it only logs). */
    public static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(10);

    private ParallelismCheck() {}

    /**
     * The reader subtask that owns a partition, as in flink-connector-kafka 5.0.0-2.2,
     * {@code KafkaSourceEnumerator.getSplitOwner(TopicPartition, int numReaders)} (checked in its
     * bytecode): a start index from the topic's hash, {@code ((topic.hashCode() * 31) & 0x7FFFFFFF)
     * % numReaders}, then the partitions round-robin from there, {@code (start + partition) %
     * numReaders}. Revisit when the connector version changes.
     */
    static int owner(String topic, int partition, int numReaders) {
        int start = ((topic.hashCode() * 31) & 0x7FFFFFFF) % numReaders;
        return (start + partition) % numReaders;
    }

    /** The subtask indexes (0-based, ascending) that get no partition of these topics. */
    public static SortedSet<Integer> emptySubtasks(Map<String, Integer> partitionsPerTopic, int parallelism) {
        SortedSet<Integer> empty = new TreeSet<>();
        for (int subtask = 0; subtask < parallelism; subtask++) {
            empty.add(subtask);
        }
        for (Map.Entry<String, Integer> topic : partitionsPerTopic.entrySet()) {
            // More partitions than subtasks cover every subtask from any start.
            int partitions = Math.min(topic.getValue(), parallelism);
            for (int partition = 0; partition < partitions && !empty.isEmpty(); partition++) {
                empty.remove(owner(topic.getKey(), partition, parallelism));
            }
        }
        return empty;
    }

    /**
     * The warning for these numbers, or empty when every subtask gets a partition.
     *
     * @param partitionsPerTopic partition count per topic, in the order to report them
     */
    public static Optional<String> warning(
            String sourceName, int parallelism, Map<String, Integer> partitionsPerTopic) {
        SortedSet<Integer> empty = emptySubtasks(partitionsPerTopic, parallelism);
        if (empty.isEmpty()) {
            return Optional.empty();
        }
        int total =
                partitionsPerTopic.values().stream().mapToInt(Integer::intValue).sum();
        return Optional.of("Source '" + sourceName + "' runs with parallelism " + parallelism + " and no idleness"
                + " is set, but the " + total + " partition(s) of topic(s) " + partitionsPerTopic
                + " leave " + empty.size() + " subtask(s) without a partition (the Kafka source assigns"
                + " partitions topic by topic): subtask(s) " + empty + " will read nothing and hold back"
                + " event time downstream. Set an idleness or lower the source parallelism.");
    }

    /** Describes the topics and logs the warning if needed; problems reaching Kafka are only logged. */
    public static void warnIfNeeded(String sourceName, int parallelism, List<String> topics, Properties clientProps) {
        describePartitions(topics, clientProps)
                .flatMap(partitions -> warning(sourceName, parallelism, partitions))
                .ifPresent(LOG::warn);
    }

    /** The partition count of each topic, in the order given, or empty if Kafka could not tell in time. */
    public static Optional<Map<String, Integer>> describePartitions(List<String> topics, Properties clientProps) {
        // The source's properties are a consumer's: keep only what an Admin client knows.
        Properties props = KafkaClientProperties.admin(clientProps);
        // Both, or the admin client refuses an API timeout below its request timeout.
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DESCRIBE_TIMEOUT.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DESCRIBE_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(props)) {
            Map<String, TopicDescription> descriptions = admin.describeTopics(topics)
                    .allTopicNames()
                    .get(DESCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Integer> partitions = new LinkedHashMap<>();
            for (String topic : topics) {
                partitions.put(topic, descriptions.get(topic).partitions().size());
            }
            return Optional.of(partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            LOG.warn(
                    "Could not count the partitions of {} to check the source parallelism: {}",
                    topics,
                    root.toString());
            return Optional.empty();
        }
    }
}
