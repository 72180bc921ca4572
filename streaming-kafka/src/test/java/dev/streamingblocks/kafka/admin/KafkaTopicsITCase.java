package dev.streamingblocks.kafka.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaTopicsITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private static KafkaTopics topics;
    private static Admin admin;

    @BeforeAll
    static void connect() {
        topics = KafkaTopics.builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .build();
        admin = KAFKA.cluster().createAdmin();
    }

    @AfterAll
    static void disconnect() {
        topics.close();
        admin.close();
    }

    @Test
    void createsMissingTopicsWithPartitionsAndConfigsThenIsIdempotent() throws Exception {
        String events = EmbeddedKafkaCluster.uniqueTopicName("events");
        String changelog = EmbeddedKafkaCluster.uniqueTopicName("changelog");
        List<TopicSpec> specs = List.of(
                TopicSpec.builder(events)
                        .setPartitions(3)
                        .setConfig("retention.ms", "-1")
                        .build(),
                TopicSpec.builder(changelog).setPartitions(2).compacted().build());

        assertThat(topics.ensureTopics(specs)).containsExactly(events, changelog);
        assertThat(topics.ensureTopics(specs)).isEmpty();

        Map<String, TopicDescription> described =
                admin.describeTopics(List.of(events, changelog)).allTopicNames().get();
        assertThat(described.get(events).partitions()).hasSize(3);
        assertThat(described.get(changelog).partitions()).hasSize(2);
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, events),
                        new ConfigResource(ConfigResource.Type.TOPIC, changelog)))
                .all()
                .get();
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, events))
                        .get("retention.ms")
                        .value())
                .isEqualTo("-1");
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, changelog))
                        .get("cleanup.policy")
                        .value())
                .isEqualTo("compact");
    }

    @Test
    void createsOnlyWhatIsMissing() {
        String existing = EmbeddedKafkaCluster.uniqueTopicName("existing");
        String missing = EmbeddedKafkaCluster.uniqueTopicName("missing");
        KAFKA.cluster().createTopic(existing, 2);

        assertThat(topics.ensureTopics(
                        TopicSpec.builder(existing).setPartitions(2).build(),
                        TopicSpec.builder(missing).build()))
                .containsExactly(missing);
    }

    @Test
    void tooFewPartitionsIsAMismatch() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("narrow");
        KAFKA.cluster().createTopic(topic, 2);

        assertThatThrownBy(() -> topics.ensureTopics(
                        TopicSpec.builder(topic).setPartitions(4).build()))
                .isInstanceOf(TopicMismatchException.class)
                .hasMessage("Topic '" + topic + "' exists with 2 partition(s) but 4 are expected");
    }

    @Test
    void morePartitionsThanExpectedIsAccepted() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("wide");
        KAFKA.cluster().createTopic(topic, 4);

        assertThat(topics.ensureTopics(TopicSpec.builder(topic).setPartitions(2).build()))
                .isEmpty();
    }

    @Test
    void aChangelogThatIsNotCompactedIsAMismatch() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("not-compacted");
        KAFKA.cluster().createTopic(topic, 1);

        assertThatThrownBy(() ->
                        topics.ensureTopics(TopicSpec.builder(topic).compacted().build()))
                .isInstanceOf(TopicMismatchException.class)
                .hasMessage("Topic '" + topic + "' exists with cleanup.policy=delete but cleanup.policy=compact"
                        + " is expected")
                .satisfies(e -> assertThat(((TopicMismatchException) e).topic()).isEqualTo(topic));
    }

    @Test
    void aCompactedTopicWhereEventsAreExpectedIsAMismatch() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("compacted");
        KAFKA.cluster().createTopic(topic, 1, (short) 1, Map.of("cleanup.policy", "compact"));

        assertThatThrownBy(() -> topics.ensureTopics(TopicSpec.builder(topic).build()))
                .isInstanceOf(TopicMismatchException.class)
                .hasMessage("Topic '" + topic + "' exists with cleanup.policy=compact but cleanup.policy=delete"
                        + " is expected");
    }

    @Test
    void policyOrderDoesNotMatter() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("compact-delete");
        KAFKA.cluster().createTopic(topic, 1, (short) 1, Map.of("cleanup.policy", "compact,delete"));

        assertThat(topics.ensureTopics(TopicSpec.builder(topic)
                        .setConfig("cleanup.policy", "delete,compact")
                        .build()))
                .isEmpty();
    }

    @Test
    void aBrokerThatHasNotSeenANewTopicYetIsAskedAgain() {
        // A topic another client just created reaches each broker's metadata asynchronously: a
        // config lookup in that window answers UnknownTopicOrPartition (seen in this suite).
        String topic = EmbeddedKafkaCluster.uniqueTopicName("lagging");
        KAFKA.cluster().createTopic(topic, 1, (short) 1, Map.of("cleanup.policy", "compact"));
        AtomicInteger configLookups = new AtomicInteger();
        try (LaggingConfigsAdmin lagging = new LaggingConfigsAdmin(configLookups);
                KafkaTopics onLagging = KafkaTopics.builder().setAdmin(lagging).build()) {
            assertThat(onLagging.ensureTopics(
                            TopicSpec.builder(topic).compacted().build()))
                    .isEmpty();
        }
        assertThat(configLookups).hasValue(2);
    }

    @Test
    void aTopicCreatedConcurrentlyIsDescribedOnceTheBrokerKnowsIt() {
        // describeTopics says "unknown", createTopics says "exists" (someone else just created it),
        // and the next describeTopics may still say "unknown" until the metadata arrives.
        String topic = EmbeddedKafkaCluster.uniqueTopicName("raced");
        KAFKA.cluster().createTopic(topic, 2);
        AtomicInteger descriptions = new AtomicInteger();
        try (LaggingTopicsAdmin lagging = new LaggingTopicsAdmin(descriptions, 2);
                KafkaTopics onLagging = KafkaTopics.builder().setAdmin(lagging).build()) {
            assertThat(onLagging.ensureTopics(
                            TopicSpec.builder(topic).setPartitions(2).build()))
                    .isEmpty();
        }
        assertThat(descriptions).hasValue(3);
    }

    /** A real admin client whose first {@code lagging} topic descriptions answer "unknown topic". */
    private static final class LaggingTopicsAdmin extends ForwardingAdmin {
        private final AtomicInteger calls;
        private final int lagging;

        LaggingTopicsAdmin(AtomicInteger calls, int lagging) {
            super(Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
            this.calls = calls;
            this.lagging = lagging;
        }

        @Override
        public DescribeTopicsResult describeTopics(TopicCollection topics, DescribeTopicsOptions options) {
            if (calls.incrementAndGet() > lagging) {
                return super.describeTopics(topics, options);
            }
            Map<String, KafkaFuture<TopicDescription>> unknown = new java.util.HashMap<>();
            for (String name : ((TopicCollection.TopicNameCollection) topics).topicNames()) {
                KafkaFutureImpl<TopicDescription> future = new KafkaFutureImpl<>();
                future.completeExceptionally(
                        new UnknownTopicOrPartitionException("This server does not host this topic-partition."));
                unknown.put(name, future);
            }
            return new DescribeTopicsResult(null, unknown) {};
        }
    }

    /** A real admin client whose first config lookup fails as a broker that lags behind would. */
    private static final class LaggingConfigsAdmin extends ForwardingAdmin {
        private final AtomicInteger lookups;

        LaggingConfigsAdmin(AtomicInteger lookups) {
            super(Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
            this.lookups = lookups;
        }

        @Override
        public DescribeConfigsResult describeConfigs(
                Collection<ConfigResource> resources, DescribeConfigsOptions options) {
            if (lookups.incrementAndGet() > 1) {
                return super.describeConfigs(resources, options);
            }
            Map<ConfigResource, KafkaFuture<Config>> failed = new java.util.HashMap<>();
            for (ConfigResource resource : resources) {
                KafkaFutureImpl<Config> future = new KafkaFutureImpl<>();
                future.completeExceptionally(
                        new UnknownTopicOrPartitionException("This server does not host this topic-partition."));
                failed.put(resource, future);
            }
            return new DescribeConfigsResult(failed) {};
        }
    }

    @Test
    void twoDifferentSpecsForOneTopicAreRejected() {
        assertThatThrownBy(() -> topics.ensureTopics(
                        TopicSpec.builder("t").setPartitions(1).build(),
                        TopicSpec.builder("t").setPartitions(2).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Two different specs for topic 't': TopicSpec{name='t', partitions=1, replicationFactor=1,"
                        + " configs={}} and TopicSpec{name='t', partitions=2, replicationFactor=1, configs={}}");
    }

    @Test
    void replicationBeyondTheClusterFailsNamingTheTopic() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("over-replicated");
        assertThatThrownBy(() -> topics.ensureTopics(
                        TopicSpec.builder(topic).setReplicationFactor((short) 3).build()))
                .isInstanceOf(KafkaAdminException.class)
                .hasMessageStartingWith("Could not create topic '" + topic + "': ");
    }
}
