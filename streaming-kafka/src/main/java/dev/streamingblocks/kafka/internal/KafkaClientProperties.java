package dev.streamingblocks.kafka.internal;

import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Narrows one set of user-given client properties (often written for a consumer) to what a
 * producer or an Admin client knows, so consumer-only keys such as {@code isolation.level} or
 * {@code auto.offset.reset} never reach them (the clients would log them as unknown, or worse,
 * a key meaning something else to another client would take effect).
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {}

    /** A copy holding only the keys in {@link ProducerConfig#configNames()}. */
    public static Properties producer(Properties properties) {
        return keep(properties, ProducerConfig.configNames());
    }

    /** A copy holding only the keys in {@link AdminClientConfig#configNames()}. */
    public static Properties admin(Properties properties) {
        return keep(properties, AdminClientConfig.configNames());
    }

    private static Properties keep(Properties properties, Set<String> known) {
        Properties kept = new Properties();
        // Defaults first (only visible as strings), then the entries themselves, whatever their type.
        for (String key : properties.stringPropertyNames()) {
            if (known.contains(key)) {
                kept.setProperty(key, properties.getProperty(key));
            }
        }
        properties.forEach((key, value) -> {
            if (key instanceof String && known.contains(key)) {
                kept.put(key, value);
            }
        });
        return kept;
    }
}
