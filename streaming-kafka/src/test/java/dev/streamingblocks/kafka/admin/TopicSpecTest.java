package dev.streamingblocks.kafka.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicSpecTest {

    @Test
    void defaultsAndCompaction() {
        TopicSpec spec = TopicSpec.builder("state").compacted().build();
        assertThat(spec.partitions()).isEqualTo(1);
        assertThat(spec.replicationFactor()).isEqualTo((short) 1);
        assertThat(spec.configs()).isEqualTo(Map.of("cleanup.policy", "compact"));
        assertThat(spec.cleanupPolicy()).isEqualTo("compact");
        assertThat(spec)
                .hasToString(
                        "TopicSpec{name='state', partitions=1, replicationFactor=1, configs={cleanup.policy=compact}}");
    }

    @Test
    void validationNamesTheProperty() {
        assertThatThrownBy(() -> TopicSpec.builder(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be set");
        assertThatThrownBy(() -> TopicSpec.builder("t").setPartitions(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partitions of topic 't' must be at least 1, but was 0");
        assertThatThrownBy(() ->
                        TopicSpec.builder("t").setReplicationFactor((short) 0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replicationFactor of topic 't' must be at least 1, but was 0");
        assertThatThrownBy(() -> TopicSpec.builder("t").setConfig("retention.ms", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value of config 'retention.ms' must not be null");
        assertThatThrownBy(() -> TopicSpec.builder("t").setConfig(null, "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config key must not be null or blank");
    }

    @Test
    void kafkaTopicsBuilderValidation() {
        assertThatThrownBy(() -> KafkaTopics.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bootstrapServers or admin must be set");
        assertThatThrownBy(() -> KafkaTopics.builder()
                        .setBootstrapServers("b")
                        .setTimeout(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be positive, but was PT0S");
        assertThatThrownBy(() -> KafkaTopics.builder().setBootstrapServers("b").setAdmin(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("bootstrapServers and admin exclude each other; bootstrapServers is already set");
    }
}
