package dev.streamingblocks.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * @Nested classes inherit the extension and call its callbacks again: they must share the outer
 * class's broker, not stop it after the first nested class and start an empty one for the next.
 */
class KafkaClusterExtensionNestedITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private static final String TOPIC = EmbeddedKafkaCluster.uniqueTopicName("nested-marker");
    private static String outerBootstrap;

    @BeforeAll
    static void writeOneRecordOnce() {
        outerBootstrap = KAFKA.bootstrapServers();
        KAFKA.cluster().createTopic(TOPIC, 1);
        KAFKA.cluster().produce(List.of(new ProducerRecord<>(TOPIC, "k".getBytes(), "v".getBytes())));
    }

    @Nested
    class First {
        @Test
        void seesTheOuterBrokerAndItsRecord() {
            assertOuterBrokerWithItsRecord();
        }
    }

    @Nested
    class Second {
        @Test
        void seesTheOuterBrokerAndItsRecord() {
            assertOuterBrokerWithItsRecord();
        }
    }

    private static void assertOuterBrokerWithItsRecord() {
        assertThat(KAFKA.bootstrapServers()).isEqualTo(outerBootstrap);
        assertThat(KAFKA.cluster().consume(TOPIC, 1, Duration.ofSeconds(30)))
                .singleElement()
                .satisfies(r -> assertThat(new String(r.value())).isEqualTo("v"));
    }
}
