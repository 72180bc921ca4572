package dev.streamingblocks.benchmarks.harness;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The servers a whole-pipeline benchmark runs against, inside the benchmark's own JVM: one
 * embedded Kafka broker (KRaft, combined with its controller) and one in-process schema registry,
 * both from streaming-testkit. Every variant of a comparison reads the same topics of the same
 * broker, so their ratios hold even when the machine is shared.
 *
 * <pre>{@code
 * try (BenchmarkStack stack = BenchmarkStack.start()) {
 *     stack.createTopic("orders", 2);
 *     ... stack.bootstrapServers(), stack.registryConfig() ...
 * }
 * }</pre>
 */
public final class BenchmarkStack implements AutoCloseable {

    private final EmbeddedKafkaCluster kafka;
    private final EmbeddedSchemaRegistry registry;

    private BenchmarkStack(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Starts the broker and the registry; prints a progress line with their addresses. */
    public static BenchmarkStack start() {
        Instant begin = Instant.now();
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build();
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder().build();
        try {
            kafka.start();
            registry.start();
        } catch (RuntimeException e) {
            registry.close();
            kafka.close();
            throw e;
        }
        BenchmarkStack stack = new BenchmarkStack(kafka, registry);
        Progress.line(
                "stack: Kafka at %s, schema registry at %s (started in %d ms)",
                stack.bootstrapServers(),
                stack.registryUrl(),
                Duration.between(begin, Instant.now()).toMillis());
        return stack;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** The serde config the library's Avro schemas take: {@code schema.registry.url} only. */
    public Map<String, Object> registryConfig() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl());
    }

    public EmbeddedKafkaCluster kafka() {
        return kafka;
    }

    /**
     * Creates {@code topic} with records kept forever: benchmark data carries fixed past event
     * times, which Kafka would otherwise delete by time in the middle of a run.
     */
    public void createTopic(String topic, int partitions) {
        kafka.createTopic(topic, partitions, (short) 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
