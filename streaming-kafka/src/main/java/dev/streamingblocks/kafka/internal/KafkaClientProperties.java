package dev.streamingblocks.kafka.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Narrows one set of user-given client properties (often written for a consumer) to what a
 * producer or an Admin client knows, so consumer-only keys such as {@code isolation.level} or
 * {@code auto.offset.reset} never reach them (the clients would log them as unknown, or worse,
 * a key meaning something else to another client would take effect); and keeps, in one place,
 * the keys each builder sets itself, so {@code setProperty} cannot bypass the builder's checks.
 */
public final class KafkaClientProperties {

    private static final String SERIALIZER_SETTERS =
            "setKeyExtractor(...), setKeySerializationSchema(...) or setValueSerializationSchema(...)";

    /** Producer keys {@code TypedKafkaSinkBuilder} sets itself, with the setter to use instead. */
    public static final Map<String, String> SINK_OWNED = owned(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "setBootstrapServers(...)",
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "setTransactionTimeout(...)",
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "setTransactionalIdPrefix(...)",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, SERIALIZER_SETTERS,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SERIALIZER_SETTERS);

    /** Consumer keys {@code TypedKafkaSource.Builder} sets itself, with the setter to use instead. */
    public static final Map<String, String> SOURCE_OWNED = owned(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "setBootstrapServers(...)",
            ConsumerConfig.GROUP_ID_CONFIG, "setGroupId(...)",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "setIsolationLevel(...)");

    private KafkaClientProperties() {}

    private static Map<String, String> owned(String... keysAndSetters) {
        Map<String, String> owned = new LinkedHashMap<>();
        for (int i = 0; i < keysAndSetters.length; i += 2) {
            owned.put(keysAndSetters[i], keysAndSetters[i + 1]);
        }
        return Map.copyOf(owned);
    }

    /**
     * Checks a {@code setProperty(key, value)} call of a builder that owns the keys of {@code owned};
     * the messages name the key and, for an owned one, the setter to use.
     */
    public static void requireSettable(String key, String value, Map<String, String> owned) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("property key must not be null or blank");
        }
        if (owned.containsKey(key)) {
            throw new IllegalArgumentException(
                    "property '" + key + "' is set by the builder: use " + owned.get(key) + " instead");
        }
        if (value == null) {
            throw new IllegalArgumentException("value of property '" + key + "' must not be null");
        }
    }

    /** A copy without the keys of {@code owned}. */
    public static Properties without(Properties properties, Map<String, String> owned) {
        Properties kept = new Properties();
        properties.forEach((key, value) -> {
            if (!owned.containsKey(key)) {
                kept.put(key, value);
            }
        });
        return kept;
    }

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
