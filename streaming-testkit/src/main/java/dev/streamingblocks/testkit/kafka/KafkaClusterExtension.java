package dev.streamingblocks.testkit.kafka;

import java.util.Objects;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts an {@link EmbeddedKafkaCluster} before the first test of a class
 * and stops it after the last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
 *
 * @Test
 * void roundTrip() {
 *     String topic = EmbeddedKafkaCluster.uniqueTopicName("orders");
 *     KAFKA.cluster().createTopic(topic, 2);
 *     ... KAFKA.bootstrapServers() ...
 * }
 * }</pre>
 *
 * <p>Register it on a {@code static} field so one cluster serves the whole class; tests keep
 * apart by using unique topic names.
 */
public final class KafkaClusterExtension implements BeforeAllCallback, AfterAllCallback {

    private final EmbeddedKafkaCluster.Builder builder;
    private EmbeddedKafkaCluster cluster;
    private int depth;

    /** One broker with the default configs. */
    public KafkaClusterExtension() {
        this(EmbeddedKafkaCluster.builder());
    }

    /** A cluster as the builder describes, e.g. {@code EmbeddedKafkaCluster.builder().setBrokers(3)}. */
    public KafkaClusterExtension(EmbeddedKafkaCluster.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        // @Nested classes inherit the extension and call back again: keep the outer cluster.
        if (depth++ > 0) {
            return;
        }
        try {
            cluster = builder.build().start();
        } catch (RuntimeException e) {
            depth--;
            throw e;
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (depth == 0 || --depth > 0) {
            return;
        }
        EmbeddedKafkaCluster running = cluster;
        cluster = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running cluster. */
    public synchronized EmbeddedKafkaCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException(
                    "The Kafka cluster is not running: register KafkaClusterExtension on a static field"
                            + " with @RegisterExtension and use it from a test");
        }
        return cluster;
    }

    /** Shortcut for {@code cluster().bootstrapServers()}. */
    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }
}
