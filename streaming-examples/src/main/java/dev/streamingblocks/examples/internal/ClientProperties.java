package dev.streamingblocks.examples.internal;

import dev.streamingblocks.kafka.sink.TypedKafkaSinkBuilder;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The user's own client settings for the examples, typically security: {@code --kafka-property
 * key=value} (repeatable) and {@code --kafka-properties FILE} for every Kafka consumer, producer and
 * Admin client of a command, and the same for the schema registry client in Confluent's key names.
 * A file is read first; options given on the command line win. Values are never printed: messages
 * name the option and the key only.
 */
public final class ClientProperties {

    public static final String KAFKA_PROPERTY = "--kafka-property";
    public static final String KAFKA_PROPERTIES = "--kafka-properties";
    public static final String REGISTRY_PROPERTY = "--schema-registry-property";
    public static final String REGISTRY_PROPERTIES = "--schema-registry-properties";

    /** The options a command accepts to take Kafka settings. */
    public static final Set<String> KAFKA_OPTIONS = Set.of(KAFKA_PROPERTY, KAFKA_PROPERTIES);
    /** The options a command accepts to take schema registry settings. */
    public static final Set<String> REGISTRY_OPTIONS = Set.of(REGISTRY_PROPERTY, REGISTRY_PROPERTIES);
    /** The options that may be given more than once. */
    public static final Set<String> REPEATABLE = Set.of(KAFKA_PROPERTY, REGISTRY_PROPERTY);

    public static final String KAFKA_HELP = """
              --kafka-property KEY=VALUE      a Kafka client setting for every consumer, producer and admin
                                              client, e.g. security.protocol=SASL_SSL; repeatable
              --kafka-properties FILE         Kafka client settings from a Java properties file (the
                                              options above win); values are never printed
            """.stripTrailing();

    public static final String REGISTRY_HELP = """
              --schema-registry-property KEY=VALUE  a schema registry client setting in Confluent's names,
                                              e.g. basic.auth.credentials.source=USER_INFO; repeatable
              --schema-registry-properties FILE  registry settings from a Java properties file
            """.stripTrailing();

    /** Kafka keys the commands set themselves, with what to use instead. */
    private static final Map<String, String> KAFKA_OWNED = Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "use --bootstrap-servers",
            ConsumerConfig.GROUP_ID_CONFIG, "use --group-id",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "the jobs read read_committed",
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the jobs' sinks set their transactional ids",
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "the jobs' sinks set their transaction timeout",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "the commands set their deserializers",
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "the commands set their deserializers",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "the commands set their serializers",
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "the commands set their serializers");

    private static final Map<String, String> REGISTRY_OWNED =
            Map.of("schema.registry.url", "use --schema-registry-url");

    private ClientProperties() {}

    /** The Kafka settings of {@link #KAFKA_PROPERTIES} and {@link #KAFKA_PROPERTY}, in that order. */
    public static Map<String, String> kafka(Args args) {
        return kafka(args.command(), args.get(KAFKA_PROPERTIES).orElse(null), args.getAll(KAFKA_PROPERTY));
    }

    /** As {@link #kafka(Args)}, for a command with its own parser: the file (or null) and the KEY=VALUE pairs. */
    public static Map<String, String> kafka(String command, String file, List<String> pairs) {
        return read(command, KAFKA_PROPERTIES, file, KAFKA_PROPERTY, pairs, KAFKA_OWNED);
    }

    /** The registry settings of {@link #REGISTRY_PROPERTIES} and {@link #REGISTRY_PROPERTY}, in that order. */
    public static Map<String, String> registry(Args args) {
        return registry(args.command(), args.get(REGISTRY_PROPERTIES).orElse(null), args.getAll(REGISTRY_PROPERTY));
    }

    /** As {@link #registry(Args)}, for a command with its own parser: the file (or null) and the KEY=VALUE pairs. */
    public static Map<String, String> registry(String command, String file, List<String> pairs) {
        return read(command, REGISTRY_PROPERTIES, file, REGISTRY_PROPERTY, pairs, REGISTRY_OWNED);
    }

    /** Hands a TypedKafkaSource the settings its consumer (and Admin client) knows. */
    public static <T> TypedKafkaSource.Builder<T> applyTo(
            TypedKafkaSource.Builder<T> source, Map<String, String> kafkaProperties) {
        Set<String> known = ConsumerConfig.configNames();
        kafkaProperties.forEach((key, value) -> {
            if (known.contains(key)) {
                source.setProperty(key, value);
            }
        });
        return source;
    }

    /** Hands an exactly-once sink the settings its producer (and Admin client) knows. */
    public static <T> TypedKafkaSinkBuilder<T> applyTo(
            TypedKafkaSinkBuilder<T> sink, Map<String, String> kafkaProperties) {
        Set<String> known = ProducerConfig.configNames();
        kafkaProperties.forEach((key, value) -> {
            if (known.contains(key)) {
                sink.setProperty(key, value);
            }
        });
        return sink;
    }

    private static Map<String, String> read(
            String command,
            String fileOption,
            String file,
            String propertyOption,
            List<String> pairs,
            Map<String, String> owned) {
        String prefix = command == null ? "" : command + ": ";
        Map<String, String> properties = new LinkedHashMap<>();
        if (file != null) {
            Properties loaded = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                loaded.load(in);
            } catch (IOException | IllegalArgumentException e) {
                // The exception's message could quote a line of the file; its class says enough.
                throw new IllegalArgumentException(prefix + "cannot read " + fileOption + " file " + file + " ("
                        + e.getClass().getSimpleName() + ")");
            }
            for (String key : new TreeSet<>(loaded.stringPropertyNames())) {
                properties.put(key, loaded.getProperty(key));
            }
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                // The text is not shown: a mistyped argument may well be the secret itself.
                throw new IllegalArgumentException(prefix + propertyOption
                        + " needs KEY=VALUE, but a value had " + (eq == 0 ? "no key" : "no '='")
                        + " (not shown, it may hold a secret)");
            }
            properties.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        for (String key : properties.keySet()) {
            if (owned.containsKey(key)) {
                throw new IllegalArgumentException(prefix + key + " cannot be set with " + propertyOption + " or "
                        + fileOption + "; " + owned.get(key));
            }
        }
        return Collections.unmodifiableMap(properties);
    }
}
