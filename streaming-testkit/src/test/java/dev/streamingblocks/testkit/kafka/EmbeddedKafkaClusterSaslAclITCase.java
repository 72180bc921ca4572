package dev.streamingblocks.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A secured broker: the helpers work as the super user, the restricted user is denied. */
class EmbeddedKafkaClusterSaslAclITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA =
            new KafkaClusterExtension(EmbeddedKafkaCluster.builder().setSaslPlainWithAcls());

    private static Admin restrictedAdmin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        props.putAll(KAFKA.cluster().restrictedUserProperties());
        return Admin.create(props);
    }

    @Test
    void helpersRunAsTheSuperUser() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("secured");
        KAFKA.cluster().createTopic(topic, 1);
        KAFKA.cluster().produce(List.of(new ProducerRecord<>(topic, new byte[] {1}, new byte[] {2})));
        assertThat(KAFKA.cluster().consume(topic, 1, Duration.ofSeconds(30))).hasSize(1);
    }

    @Test
    void theRestrictedUserMayNotDescribeBrokerConfigsNorTopics() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("secured");
        KAFKA.cluster().createTopic(topic, 1);
        try (Admin admin = restrictedAdmin()) {
            String broker =
                    Integer.toString(KAFKA.cluster().brokerIds().iterator().next());
            assertThatThrownBy(
                            () -> admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, broker)))
                                    .all()
                                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
            assertThatThrownBy(() ->
                            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            // Connecting and listing the brokers needs no ACL.
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .hasSize(1);
        }
    }

    @Test
    void restrictedUserPropertiesNeedASecuredCluster() {
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().build().restrictedUserProperties())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("restrictedUserProperties() needs a cluster built with setSaslPlainWithAcls()");
        assertThat(KAFKA.cluster().restrictedUserProperties())
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsKey("sasl.jaas.config");
        assertThat(Map.copyOf(KAFKA.cluster().restrictedUserProperties())).hasSize(3);
    }
}
