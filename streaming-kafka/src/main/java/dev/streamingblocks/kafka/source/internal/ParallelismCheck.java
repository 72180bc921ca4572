package dev.streamingblocks.kafka.source.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when a source has more subtasks than partitions and no idleness: the subtasks without a
 * partition never emit a watermark, so event time stalls downstream.
 */
public final class ParallelismCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ParallelismCheck.class);

    /** How long the start-up check may take before it gives up (it only logs). */
    public static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(10);

    private ParallelismCheck() {}

    /** The warning for these numbers, or empty when there is nothing to warn about. */
    public static Optional<String> warning(String sourceName, int parallelism, List<String> topics, int partitions) {
        if (parallelism <= partitions) {
            return Optional.empty();
        }
        return Optional.of("Source '" + sourceName + "' runs with parallelism " + parallelism + " but topic(s) "
                + topics + " have only " + partitions + " partition(s) and no idleness is set: "
                + (parallelism - partitions) + " subtask(s) will read nothing and hold back event time"
                + " downstream. Set an idleness or lower the source parallelism.");
    }

    /** Describes the topics and logs the warning if needed; problems reaching Kafka are only logged. */
    public static void warnIfNeeded(String sourceName, int parallelism, List<String> topics, Properties clientProps) {
        OptionalInt partitions = countPartitions(topics, clientProps);
        if (partitions.isEmpty()) {
            return;
        }
        warning(sourceName, parallelism, topics, partitions.getAsInt()).ifPresent(LOG::warn);
    }

    /** The total partition count of the topics, or empty if Kafka could not tell in time. */
    public static OptionalInt countPartitions(List<String> topics, Properties clientProps) {
        Properties props = new Properties();
        props.putAll(clientProps);
        // Both, or the admin client refuses an API timeout below its request timeout.
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DESCRIBE_TIMEOUT.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DESCRIBE_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(props)) {
            Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames()
                    .get(DESCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return OptionalInt.of(descriptions.values().stream().mapToInt(d -> d.partitions().size()).sum());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            LOG.warn("Could not count the partitions of {} to check the source parallelism: {}", topics,
                    root.toString());
            return OptionalInt.empty();
        }
    }
}
