package dev.streamingblocks.core.avro;

import dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig;
import dev.streamingblocks.core.avro.subject.SubjectNameStrategies;
import dev.streamingblocks.core.avro.subject.SubjectNameStrategy;
import dev.streamingblocks.core.avro.subject.TopicNameStrategy;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Configuration of the Avro serdes, with Confluent's key names so a producer or consumer config
 * written for Confluent's {@code KafkaAvroSerializer} moves over unchanged.
 *
 * <pre>{@code
 * Map<String, Object> config = Map.of(
 *         AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://localhost:8081",
 *         AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false,
 *         AvroSerdeConfig.USE_LATEST_VERSION, true);
 * AvroSerdeConfig parsed = AvroSerdeConfig.fromMap(config);
 * }</pre>
 *
 * <p>Supported keys (values may be strings or typed values):
 *
 * <table>
 *   <caption>Serde keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code schema.registry.url}</td><td>required</td><td>comma-separated registry URLs
 *       (the client's key; see {@code SchemaRegistryClientConfig} for auth, TLS and timeouts)</td></tr>
 *   <tr><td>{@code auto.register.schemas}</td><td>{@code true}</td><td>the serializer registers
 *       the record's schema under its subject</td></tr>
 *   <tr><td>{@code use.latest.version}</td><td>{@code false}</td><td>with auto-registration
 *       off: write with the subject's latest version, which must have the record's schema
 *       (same parsing canonical form); otherwise the record's schema is looked up</td></tr>
 *   <tr><td>{@code specific.avro.reader}</td><td>{@code false}</td><td>the Kafka deserializer
 *       returns the generated SpecificRecord class named by the writer schema instead of a
 *       GenericRecord</td></tr>
 *   <tr><td>{@code key.subject.name.strategy}</td><td>{@code TopicNameStrategy}</td><td>subject
 *       of keys: {@code TopicNameStrategy}, {@code RecordNameStrategy}, {@code
 *       TopicRecordNameStrategy}, in our package or Confluent's {@code
 *       io.confluent.kafka.serializers.subject}, or a custom {@code SubjectNameStrategy}</td></tr>
 *   <tr><td>{@code value.subject.name.strategy}</td><td>{@code TopicNameStrategy}</td><td>subject
 *       of values, same choices</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Registry client keys (parsed by {@link SchemaRegistryClientConfig})</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code basic.auth.credentials.source}</td><td>{@code URL}</td><td>{@code USER_INFO}
 *       (credentials from {@code basic.auth.user.info}) or {@code URL} (from the URL's user
 *       info)</td></tr>
 *   <tr><td>{@code basic.auth.user.info}</td><td>none</td><td>{@code user:password}; secret
 *       (alias {@code schema.registry.basic.auth.user.info})</td></tr>
 *   <tr><td>{@code bearer.auth.credentials.source}</td><td>none</td><td>{@code STATIC_TOKEN}</td></tr>
 *   <tr><td>{@code bearer.auth.token}</td><td>none</td><td>the bearer token; secret</td></tr>
 *   <tr><td>{@code schema.registry.ssl.truststore.location}</td><td>JDK trust</td><td>trust store
 *       for https URLs; {@code .password} (secret) and {@code .type} ({@code JKS} or {@code
 *       PKCS12}, default JKS) go with it</td></tr>
 *   <tr><td>{@code http.connect.timeout.ms}, {@code http.read.timeout.ms}</td><td>60000</td>
 *       <td>HTTP timeouts</td></tr>
 *   <tr><td>{@code max.retries}, {@code retries.wait.ms}, {@code retries.max.wait.ms}</td>
 *       <td>3, 1000, 20000</td><td>retry rounds over all URLs on connection errors and 5xx, with
 *       doubling backoff</td></tr>
 *   <tr><td>{@code max.schemas.per.subject}</td><td>1000</td><td>client cache bound</td></tr>
 * </table>
 *
 * <p>Keys starting with {@code schema.registry.}, {@code basic.auth.} or {@code bearer.auth.}
 * belong to the registry client. Every serde validates them through {@link
 * SchemaRegistryClientConfig#fromMap}, even with an injected client: an unknown one is rejected
 * with the list of supported keys, a malformed value names its key. Confluent serde keys whose behaviour
 * this serde does not implement ({@link #UNSUPPORTED_CONFLUENT_KEYS}) are rejected rather than
 * silently ignored. Any other key (e.g. Kafka's own) is ignored, so the same map can configure a
 * producer or consumer.
 */
public final class AvroSerdeConfig {

    /** Comma-separated URLs of the schema registry. Required unless a client is injected. */
    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";

    /** Whether the serializer registers the record's schema. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

    public static final boolean AUTO_REGISTER_SCHEMAS_DEFAULT = true;

    /**
     * With {@link #AUTO_REGISTER_SCHEMAS} off, whether the serializer writes with the subject's
     * latest version instead of looking up the record's schema.
     */
    public static final String USE_LATEST_VERSION = "use.latest.version";

    public static final boolean USE_LATEST_VERSION_DEFAULT = false;

    /** Whether the Kafka deserializer returns SpecificRecords instead of GenericRecords. */
    public static final String SPECIFIC_AVRO_READER_CONFIG = "specific.avro.reader";

    public static final boolean SPECIFIC_AVRO_READER_DEFAULT = false;

    /** The subject name strategy for record keys. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";

    /** The subject name strategy for record values. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    /** The default strategy for keys and values, {@code <topic>-key} / {@code <topic>-value}. */
    public static final String SUBJECT_NAME_STRATEGY_DEFAULT = TopicNameStrategy.class.getName();

    /**
     * Confluent serde keys that change what is written or read and that this serde does not
     * implement: rejected so a migrated config never silently behaves differently.
     */
    public static final Set<String> UNSUPPORTED_CONFLUENT_KEYS =
            Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
                    "use.schema.id",
                    "use.latest.with.metadata",
                    "schema.reflection",
                    "avro.reflection.allow.null",
                    "avro.use.logical.type.converters",
                    "avro.remove.java.properties",
                    "normalize.schemas")));

    private static final Set<String> SERDE_KEYS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            SCHEMA_REGISTRY_URL_CONFIG,
            AUTO_REGISTER_SCHEMAS,
            USE_LATEST_VERSION,
            SPECIFIC_AVRO_READER_CONFIG,
            KEY_SUBJECT_NAME_STRATEGY,
            VALUE_SUBJECT_NAME_STRATEGY)));

    private final Map<String, Object> originals;
    private final boolean autoRegisterSchemas;
    private final boolean useLatestVersion;
    private final boolean specificAvroReader;
    private final SubjectNameStrategy keySubjectNameStrategy;
    private final SubjectNameStrategy valueSubjectNameStrategy;

    private AvroSerdeConfig(Map<String, ?> config) {
        this.originals = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        validateClientKeys(config);
        for (String key : UNSUPPORTED_CONFLUENT_KEYS) {
            if (config.containsKey(key)) {
                throw new IllegalArgumentException("Configuration '"
                        + key
                        + "' is a Confluent serde setting that this serde does not support;"
                        + " remove it. Supported serde keys: "
                        + SERDE_KEYS);
            }
        }
        this.autoRegisterSchemas = bool(config, AUTO_REGISTER_SCHEMAS, AUTO_REGISTER_SCHEMAS_DEFAULT);
        this.useLatestVersion = bool(config, USE_LATEST_VERSION, USE_LATEST_VERSION_DEFAULT);
        this.specificAvroReader = bool(config, SPECIFIC_AVRO_READER_CONFIG, SPECIFIC_AVRO_READER_DEFAULT);
        this.keySubjectNameStrategy = strategy(config, KEY_SUBJECT_NAME_STRATEGY);
        this.valueSubjectNameStrategy = strategy(config, VALUE_SUBJECT_NAME_STRATEGY);
    }

    /**
     * Parses the serde keys of {@code config}, ignoring keys that are not the serde's.
     *
     * @throws IllegalArgumentException naming the key of a malformed or unsupported value
     */
    public static AvroSerdeConfig fromMap(Map<String, ?> config) {
        if (config == null) {
            throw new IllegalArgumentException("Serde configuration map must not be null");
        }
        return new AvroSerdeConfig(config);
    }

    /** The serde's own keys; the client's keys are {@link SchemaRegistryClientConfig#supportedKeys()}. */
    public static Set<String> serdeKeys() {
        return SERDE_KEYS;
    }

    /** Every key a serde understands: its own and the registry client's. */
    public static Set<String> supportedKeys() {
        Set<String> keys = new TreeSet<>(SERDE_KEYS);
        keys.addAll(SchemaRegistryClientConfig.supportedKeys());
        return Collections.unmodifiableSet(keys);
    }

    private static void validateClientKeys(Map<String, ?> config) {
        // The client's parser owns its keys and messages. A serde with an injected client may have
        // no URL, so a placeholder stands in for it: the point is rejecting unknown or bad keys.
        if (config.get(SCHEMA_REGISTRY_URL_CONFIG) == null) {
            Map<String, Object> probe = new HashMap<>(config);
            probe.put(SCHEMA_REGISTRY_URL_CONFIG, "http://url-not-used.invalid");
            SchemaRegistryClientConfig.fromMap(probe);
        } else {
            SchemaRegistryClientConfig.fromMap(config);
        }
    }

    public boolean autoRegisterSchemas() {
        return autoRegisterSchemas;
    }

    public boolean useLatestVersion() {
        return useLatestVersion;
    }

    public boolean specificAvroReader() {
        return specificAvroReader;
    }

    public SubjectNameStrategy keySubjectNameStrategy() {
        return keySubjectNameStrategy;
    }

    public SubjectNameStrategy valueSubjectNameStrategy() {
        return valueSubjectNameStrategy;
    }

    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        return isKey ? keySubjectNameStrategy : valueSubjectNameStrategy;
    }

    /** The map this config was parsed from, as given (the registry client is created from it). */
    public Map<String, Object> originals() {
        return originals;
    }

    private static boolean bool(Map<String, ?> config, String key, boolean defaultValue) {
        Object value = config.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            String trimmed = s.trim().toLowerCase(Locale.ROOT);
            if (trimmed.equals("true")) {
                return true;
            }
            if (trimmed.equals("false")) {
                return false;
            }
        }
        throw new IllegalArgumentException(
                "Invalid value '" + value + "' for configuration '" + key + "': expected true or false");
    }

    private static SubjectNameStrategy strategy(Map<String, ?> config, String key) {
        Object value = config.get(key);
        if (value == null) {
            return new TopicNameStrategy();
        }
        try {
            return SubjectNameStrategies.of(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid value for configuration '" + key + "': " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        // Only the serde's own settings: the originals may hold credentials.
        return "AvroSerdeConfig{autoRegisterSchemas="
                + autoRegisterSchemas
                + ", useLatestVersion="
                + useLatestVersion
                + ", specificAvroReader="
                + specificAvroReader
                + ", keySubjectNameStrategy="
                + keySubjectNameStrategy
                + ", valueSubjectNameStrategy="
                + valueSubjectNameStrategy
                + '}';
    }
}
