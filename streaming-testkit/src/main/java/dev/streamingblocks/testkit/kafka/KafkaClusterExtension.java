package dev.streamingblocks.testkit.kafka;

import dev.streamingblocks.testkit.internal.ClassScopedServerExtension;
import java.util.function.Supplier;

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
public final class KafkaClusterExtension extends ClassScopedServerExtension<EmbeddedKafkaCluster> {

    /** One broker with the default configs. */
    public KafkaClusterExtension() {
        this(EmbeddedKafkaCluster.builder());
    }

    /** A cluster as the builder describes, e.g. {@code EmbeddedKafkaCluster.builder().setBrokers(3)}. */
    public KafkaClusterExtension(EmbeddedKafkaCluster.Builder builder) {
        super(
                started(requireBuilder(builder)),
                "The Kafka cluster is not running: register KafkaClusterExtension on a static field"
                        + " with @RegisterExtension and use it from a test");
    }

    /** The running cluster. */
    public EmbeddedKafkaCluster cluster() {
        return server();
    }

    private static Supplier<EmbeddedKafkaCluster> started(EmbeddedKafkaCluster.Builder builder) {
        return () -> builder.build().start();
    }

    /** Shortcut for {@code cluster().bootstrapServers()}. */
    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }
}
