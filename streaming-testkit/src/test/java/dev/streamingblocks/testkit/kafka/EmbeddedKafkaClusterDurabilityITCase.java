package dev.streamingblocks.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a data directory, topics and records survive a restart of the broker; without one they do not. */
class EmbeddedKafkaClusterDurabilityITCase {

    @Test
    void topicsAndRecordsSurviveARestartOnTheSameDataDirectory(@TempDir Path dataDirectory) {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("durable");
        try (EmbeddedKafkaCluster first =
                EmbeddedKafkaCluster.builder().setDataDirectory(dataDirectory).build()) {
            first.start();
            first.createTopic(topic, 2);
            first.produce(List.of(
                    new ProducerRecord<>(topic, 0, bytes("k1"), bytes("before restart 1")),
                    new ProducerRecord<>(topic, 1, bytes("k2"), bytes("before restart 2"))));
        }

        try (EmbeddedKafkaCluster second =
                EmbeddedKafkaCluster.builder().setDataDirectory(dataDirectory).build()) {
            second.start();
            second.produce(List.of(new ProducerRecord<>(topic, 0, bytes("k3"), bytes("after restart"))));

            assertThat(second.consume(topic, 3, Duration.ofSeconds(30)))
                    .extracting(r -> r.partition() + ":" + new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("0:before restart 1", "1:before restart 2", "0:after restart");
        }
    }

    @Test
    void aDataDirectoryNeedsASingleBroker(@TempDir Path dataDirectory) {
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder()
                        .setBrokers(3)
                        .setDataDirectory(dataDirectory)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dataDirectory is supported with 1 broker only, but brokers is 3");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
