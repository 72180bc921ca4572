package dev.streamingblocks.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {

    private static Properties consumerStyle() {
        Properties properties = new Properties();
        properties.setProperty("isolation.level", "read_committed");
        properties.setProperty("auto.offset.reset", "earliest");
        properties.setProperty("max.poll.records", "10");
        properties.setProperty("security.protocol", "SASL_PLAINTEXT");
        properties.setProperty("sasl.mechanism", "PLAIN");
        properties.setProperty("client.id", "c-1");
        properties.setProperty("max.request.size", "2000000");
        properties.setProperty("linger.ms", "5");
        properties.put("request.timeout.ms", 40_000); // not a string: kept as it is
        properties.setProperty("not.a.kafka.key", "x");
        return properties;
    }

    @Test
    void producerKeepsOnlyProducerKeys() {
        Properties producer = KafkaClientProperties.producer(consumerStyle());
        assertThat(producer)
                .containsOnlyKeys(
                        "security.protocol",
                        "sasl.mechanism",
                        "client.id",
                        "max.request.size",
                        "linger.ms",
                        "request.timeout.ms");
        assertThat(producer.get("request.timeout.ms")).isEqualTo(40_000);
        assertThat(producer.getProperty("max.request.size")).isEqualTo("2000000");
    }

    @Test
    void adminKeepsOnlyAdminKeys() {
        Properties admin = KafkaClientProperties.admin(consumerStyle());
        assertThat(admin).containsOnlyKeys("security.protocol", "sasl.mechanism", "client.id", "request.timeout.ms");
    }

    @Test
    void defaultsAreKeptAndTheInputIsNotChanged() {
        Properties defaults = new Properties();
        defaults.setProperty("acks", "all");
        defaults.setProperty("group.id", "g");
        Properties properties = new Properties(defaults);
        properties.setProperty("isolation.level", "read_committed");

        Properties producer = KafkaClientProperties.producer(properties);
        assertThat(producer).containsOnlyKeys("acks");
        assertThat(properties.getProperty("isolation.level")).isEqualTo("read_committed");
    }
}
