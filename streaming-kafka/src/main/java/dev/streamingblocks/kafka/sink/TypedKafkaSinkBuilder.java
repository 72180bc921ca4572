package dev.streamingblocks.kafka.sink;

import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.core.avro.SchemaRegistryClientProvider;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClients;
import dev.streamingblocks.kafka.internal.FlinkConnectorBase;
import dev.streamingblocks.kafka.internal.KafkaClientProperties;
import dev.streamingblocks.kafka.sink.internal.GuardedRecordSerializationSchema;
import dev.streamingblocks.kafka.sink.internal.Utf8KeySerializationSchema;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.HeaderProvider;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.sink.TopicSelector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Builds an {@link TypedKafkaSink}.
 *
 * <pre>{@code
 * TypedKafkaSink<Order> sink = TypedKafkaSink.<Order>builder()
 *         .setBootstrapServers("broker:9092")
 *         .setTopic("orders-enriched")
 *         .setValueSerializationSchema(new JsonValueSerializationSchema<>(Order.class))
 *         .setTransactionalIdPrefix("order-enrichment.enriched")
 *         .build();
 * }</pre>
 *
 * <p>Required: bootstrap servers, a topic or a topic selector, a value serialization schema (any
 * Flink schema, JSON via {@link JsonValueSerializationSchema}, Avro via {@link #setAvroValues}), and
 * for {@link DeliveryGuarantee#EXACTLY_ONCE} (the default) a transactional-id prefix. Optional: a
 * key (extractor or schema), headers, the transaction timeout (15 minutes
 * by default: unlike Flink's one hour it works with a stock broker's 15-minute maximum), the restart
 * margin, a dead-letter topic with a maximum record size, further producer properties, and whether the
 * brokers' {@code transaction.max.timeout.ms} is read when the sink is attached
 * ({@link #setVerifyBrokerOnAttach}) and when the job starts ({@link #setVerifyBrokerOnStart}); both
 * default to true, and a broker that will not tell (e.g. no DescribeConfigs permission) gives one
 * warning, not a failure.
 *
 * <p>Elements that cannot be written (a schema throws, or the record is too large for the producer)
 * fail the job with an {@link UnwritableRecordException} unless {@link #setDeadLetterTopic(String)}
 * names a topic for them; then they go there, in the same transaction, and the job goes on.
 */
public final class TypedKafkaSinkBuilder<T> {

    static {
        // First, before any field below touches DeliveryGuarantee: a clear message, not a NoClassDefFoundError.
        FlinkConnectorBase.requireOnClasspath(TypedKafkaSinkBuilder.class);
    }

    /** Equal to a stock broker's {@code transaction.max.timeout.ms}, so it is accepted there. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /** Time allowed, after the checkpoint interval, for a failed job to restart and commit. */
    public static final Duration DEFAULT_RESTART_MARGIN = Duration.ofMinutes(5);

    /** How long the Admin client may take to read the brokers' configuration. */
    public static final Duration DEFAULT_ADMIN_TIMEOUT = Duration.ofSeconds(30);

    public static final DeliveryGuarantee DEFAULT_DELIVERY_GUARANTEE = DeliveryGuarantee.EXACTLY_ONCE;

    /** {@code sinkTo} reads the brokers' {@code transaction.max.timeout.ms} by default. */
    public static final boolean DEFAULT_VERIFY_BROKER_ON_ATTACH = true;

    /** Sink subtask 0 reads the brokers' {@code transaction.max.timeout.ms} at job start by default. */
    public static final boolean DEFAULT_VERIFY_BROKER_ON_START = true;

    private String bootstrapServers;
    private String topic;
    private TopicSelector<? super T> topicSelector;
    private SerializationSchema<? super T> keySchema;
    private SerializationSchema<? super T> valueSchema;
    private HeaderProvider<? super T> headerProvider;
    private DeliveryGuarantee deliveryGuarantee;
    private String transactionalIdPrefix;
    private Duration transactionTimeout;
    private Duration restartMargin;
    private Duration adminTimeout;
    private boolean verifyBrokerOnAttach;
    private String deadLetterTopic;
    private Integer maxRecordSize;
    private boolean writeElementTimestamps;
    private boolean verifyBrokerOnStart;
    private final Properties properties = new Properties();

    TypedKafkaSinkBuilder() {
        this.deliveryGuarantee = DEFAULT_DELIVERY_GUARANTEE;
        this.transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;
        this.restartMargin = DEFAULT_RESTART_MARGIN;
        this.adminTimeout = DEFAULT_ADMIN_TIMEOUT;
        this.verifyBrokerOnAttach = DEFAULT_VERIFY_BROKER_ON_ATTACH;
        this.verifyBrokerOnStart = DEFAULT_VERIFY_BROKER_ON_START;
        this.writeElementTimestamps = true;
    }

    public TypedKafkaSinkBuilder<T> setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = requireText(bootstrapServers, "bootstrapServers");
        return this;
    }

    /** Writes every record to this topic; excludes {@link #setTopicSelector}. */
    public TypedKafkaSinkBuilder<T> setTopic(String topic) {
        if (topicSelector != null) {
            throw new IllegalStateException("topic cannot be set: a topicSelector is already set");
        }
        this.topic = requireText(topic, "topic");
        return this;
    }

    /** Chooses the topic per record; excludes {@link #setTopic}. */
    public TypedKafkaSinkBuilder<T> setTopicSelector(TopicSelector<? super T> topicSelector) {
        if (topic != null) {
            throw new IllegalStateException("topicSelector cannot be set: a topic is already set");
        }
        this.topicSelector = requireNonNull(topicSelector, "topicSelector");
        return this;
    }

    /** The key as the UTF-8 bytes of the extracted string ({@code null} gives no key); excludes a key schema. */
    public TypedKafkaSinkBuilder<T> setKeyExtractor(SerializableFunction<? super T, String> keyExtractor) {
        requireNonNull(keyExtractor, "keyExtractor");
        return setKey(new Utf8KeySerializationSchema<>(keyExtractor), "keyExtractor");
    }

    /** The key from a schema ({@code null} bytes give no key); excludes a key extractor. */
    public TypedKafkaSinkBuilder<T> setKeySerializationSchema(SerializationSchema<? super T> keySchema) {
        return setKey(requireNonNull(keySchema, "keySerializationSchema"), "keySerializationSchema");
    }

    private TypedKafkaSinkBuilder<T> setKey(SerializationSchema<? super T> schema, String property) {
        if (keySchema != null) {
            throw new IllegalStateException(property + " cannot be set: a key is already set");
        }
        this.keySchema = schema;
        return this;
    }

    /**
     * The value; a schema that returns {@code null} writes a tombstone. Any Flink schema works,
     * e.g. {@link JsonValueSerializationSchema} or an Avro registry schema.
     */
    public TypedKafkaSinkBuilder<T> setValueSerializationSchema(SerializationSchema<? super T> valueSchema) {
        this.valueSchema = requireNonNull(valueSchema, "valueSerializationSchema");
        return this;
    }

    /**
     * Values as Avro SpecificRecords in the Confluent wire format, the schema registered or looked
     * up under the topic's subject ({@code <topic>-value} by default) with the HTTP registry client.
     * Call {@link #setTopic} first: the subject is named after it.
     *
     * @param registryConfig {@code schema.registry.url} and the other settings of
     *                       {@code AvroSerdeConfig}, under Confluent's names
     */
    public TypedKafkaSinkBuilder<T> setAvroValues(Class<T> recordClass, Map<String, ?> registryConfig) {
        return setAvroValues(recordClass, registryConfig, SchemaRegistryClients::create);
    }

    /** As {@link #setAvroValues(Class, Map)}, with the registry client from {@code clientProvider}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypedKafkaSinkBuilder<T> setAvroValues(
            Class<T> recordClass, Map<String, ?> registryConfig, SchemaRegistryClientProvider clientProvider) {
        requireNonNull(recordClass, "avro recordClass");
        requireNonNull(registryConfig, "avro registryConfig");
        requireNonNull(clientProvider, "avro clientProvider");
        if (!SpecificRecord.class.isAssignableFrom(recordClass)) {
            throw new IllegalArgumentException("setAvroValues needs a generated Avro SpecificRecord class, but "
                    + recordClass.getName() + " is not one; use setValueSerializationSchema(...) for other types");
        }
        if (topic == null) {
            throw new IllegalStateException("setAvroValues names the schema subject after the topic: call"
                    + " setTopic(...) first (a topicSelector cannot name one subject)");
        }
        // Checked above: recordClass is a SpecificRecord, which forSpecific's bound requires.
        SerializationSchema<T> schema = (SerializationSchema<T>)
                AvroRegistrySerializationSchema.forSpecific((Class) recordClass, topic, registryConfig, clientProvider);
        return setValueSerializationSchema(schema);
    }

    /** Key and value in the layout of Flink SQL's upsert-kafka connector with JSON formats. */
    public TypedKafkaSinkBuilder<T> setUpsertJsonLayout(UpsertJsonLayout<T> layout) {
        requireNonNull(layout, "upsertJsonLayout");
        setKey(layout.keySerializationSchema(), "upsertJsonLayout");
        return setValueSerializationSchema(layout.valueSerializationSchema());
    }

    public TypedKafkaSinkBuilder<T> setHeaderProvider(HeaderProvider<? super T> headerProvider) {
        this.headerProvider = requireNonNull(headerProvider, "headerProvider");
        return this;
    }

    /** {@code EXACTLY_ONCE} (default) or {@code AT_LEAST_ONCE}. */
    public TypedKafkaSinkBuilder<T> setDeliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
        requireNonNull(deliveryGuarantee, "deliveryGuarantee");
        if (deliveryGuarantee == DeliveryGuarantee.NONE) {
            throw new IllegalArgumentException("deliveryGuarantee NONE is not supported: it may lose records"
                    + " silently; use AT_LEAST_ONCE or EXACTLY_ONCE");
        }
        this.deliveryGuarantee = deliveryGuarantee;
        return this;
    }

    /**
     * Prefix of the transactional ids; must be unique among the sinks of a job and stable across
     * restarts. See {@link TypedKafkaSink#suggestTransactionalIdPrefix(String, String)}.
     */
    public TypedKafkaSinkBuilder<T> setTransactionalIdPrefix(String transactionalIdPrefix) {
        requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
        if (transactionalIdPrefix.isEmpty()) {
            throw new IllegalArgumentException("transactionalIdPrefix must not be empty");
        }
        if (transactionalIdPrefix.length() > TypedKafkaSink.MAX_TRANSACTIONAL_ID_PREFIX_LENGTH) {
            throw new IllegalArgumentException("transactionalIdPrefix has " + transactionalIdPrefix.length()
                    + " characters, more than the " + TypedKafkaSink.MAX_TRANSACTIONAL_ID_PREFIX_LENGTH
                    + " allowed (Flink appends '-<subtask>-<checkpoint>')");
        }
        if (!TypedKafkaSink.TRANSACTIONAL_ID_PREFIX_PATTERN
                .matcher(transactionalIdPrefix)
                .matches()) {
            throw new IllegalArgumentException("transactionalIdPrefix '" + transactionalIdPrefix
                    + "' may only contain ASCII letters, digits, '.', '_' and '-'");
        }
        this.transactionalIdPrefix = transactionalIdPrefix;
        return this;
    }

    public TypedKafkaSinkBuilder<T> setTransactionTimeout(Duration transactionTimeout) {
        this.transactionTimeout = requirePositive(transactionTimeout, "transactionTimeout");
        return this;
    }

    /** Time after the checkpoint interval for a failed job to restart and commit; see the class Javadoc. */
    public TypedKafkaSinkBuilder<T> setRestartMargin(Duration restartMargin) {
        requireNonNull(restartMargin, "restartMargin");
        if (restartMargin.isNegative()) {
            throw new IllegalArgumentException("restartMargin must not be negative, but is " + restartMargin);
        }
        this.restartMargin = restartMargin;
        return this;
    }

    public TypedKafkaSinkBuilder<T> setAdminTimeout(Duration adminTimeout) {
        this.adminTimeout = requirePositive(adminTimeout, "adminTimeout");
        return this;
    }

    /**
     * Whether {@code sinkTo} asks the brokers for their {@code transaction.max.timeout.ms} (default
     * true). Only a timeout above it fails; if it cannot be read (e.g. no DescribeConfigs
     * permission), one warning is logged. See {@link #setVerifyBrokerOnStart} for the job-start check.
     */
    public TypedKafkaSinkBuilder<T> setVerifyBrokerOnAttach(boolean verifyBrokerOnAttach) {
        this.verifyBrokerOnAttach = verifyBrokerOnAttach;
        return this;
    }

    /**
     * Sends each element that cannot be written to this topic instead, and the job goes on: when the
     * topic selector, key or value schema or header provider throws, or the serialized record is
     * larger than the maximum record size (see {@link #setMaxRecordSize(int)}). The dead letter is
     * written by the same producer, so in the same transaction as the good records: exactly once
     * under {@code EXACTLY_ONCE}. Its key is the serialized key if there is one; its value the
     * serialized value if there is one and it fits, else {@code String.valueOf(element)} in UTF-8,
     * cut to {@value TypedKafkaSink#MAX_DEAD_LETTER_DESCRIPTION_BYTES} bytes; its headers are
     * the {@link SinkDeadLetterHeaders}. Each one counts in the
     * {@value TypedKafkaSink#DEAD_LETTER_RECORDS_METRIC} counter. Transient failures (schema
     * registry unavailable, retriable Kafka errors) still fail the job, which restarts and retries.
     *
     * <p>Without a dead-letter topic such an element fails the job with an
     * {@link UnwritableRecordException}. Must differ from the topic.
     */
    public TypedKafkaSinkBuilder<T> setDeadLetterTopic(String deadLetterTopic) {
        this.deadLetterTopic = requireText(deadLetterTopic, "deadLetterTopic");
        return this;
    }

    /**
     * The largest record, in bytes as Kafka estimates it for the producer's own check (key, value,
     * headers and batch overhead), that is written; larger ones go to the dead-letter topic (or fail
     * the job without one) before they reach the producer. Default: the producer's
     * {@code max.request.size} ({@value TypedKafkaSink#DEFAULT_MAX_REQUEST_SIZE} unless set with
     * {@link #setProperty}). Set it lower for a topic whose {@code max.message.bytes} is lower, since the
     * broker's refusal would otherwise fail the job; it must not exceed {@code max.request.size}.
     */
    public TypedKafkaSinkBuilder<T> setMaxRecordSize(int maxRecordSizeBytes) {
        if (maxRecordSizeBytes <= 0) {
            throw new IllegalArgumentException("maxRecordSize must be positive, but is " + maxRecordSizeBytes);
        }
        this.maxRecordSize = maxRecordSizeBytes;
        return this;
    }

    /**
     * Whether records carry the element's timestamp (default {@code true}); {@code false} lets the
     * producer stamp them with the current time, e.g. for dead letters that retention should not
     * delete at once because their event time is old. Dead letters of this sink never carry the
     * element's timestamp, for that reason.
     */
    public TypedKafkaSinkBuilder<T> setWriteElementTimestamps(boolean writeElementTimestamps) {
        this.writeElementTimestamps = writeElementTimestamps;
        return this;
    }

    /**
     * Whether the job asks the brokers for their {@code transaction.max.timeout.ms} when it starts
     * (default true): sink subtask 0, at most once per JVM for the same bootstrap servers and
     * timeout. Only a timeout above it fails; if it cannot be read, one warning is logged. Turn it
     * off where the Admin client may not reach or describe the brokers and the timeout is known to
     * fit.
     */
    public TypedKafkaSinkBuilder<T> setVerifyBrokerOnStart(boolean verifyBrokerOnStart) {
        this.verifyBrokerOnStart = verifyBrokerOnStart;
        return this;
    }

    /**
     * Any other producer property, e.g. security settings; the keys this builder sets itself
     * ({@link KafkaClientProperties#SINK_OWNED}) are rejected, naming the setter to use.
     */
    public TypedKafkaSinkBuilder<T> setProperty(String key, String value) {
        KafkaClientProperties.requireSettable(key, value, KafkaClientProperties.SINK_OWNED);
        properties.setProperty(key, value);
        return this;
    }

    /**
     * Validates across properties and builds the sink.
     *
     * @throws IllegalArgumentException naming the missing or inconsistent property
     */
    public TypedKafkaSink<T> build() {
        if (bootstrapServers == null) {
            throw new IllegalArgumentException("bootstrapServers is required: call setBootstrapServers(...)");
        }
        if (topic == null && topicSelector == null) {
            throw new IllegalArgumentException("topic is required: call setTopic(...) or setTopicSelector(...)");
        }
        if (valueSchema == null) {
            throw new IllegalArgumentException(
                    "valueSerializationSchema is required: call setValueSerializationSchema(...)");
        }
        boolean exactlyOnce = deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE;
        if (exactlyOnce && transactionalIdPrefix == null) {
            throw new IllegalArgumentException("transactionalIdPrefix is required for EXACTLY_ONCE: call"
                    + " setTransactionalIdPrefix(...), e.g. with"
                    + " TypedKafkaSink.suggestTransactionalIdPrefix(jobName, sinkName)");
        }
        if (exactlyOnce && transactionTimeout.compareTo(restartMargin) <= 0) {
            throw new IllegalArgumentException("transactionTimeout (" + transactionTimeout.toMillis()
                    + " ms) must exceed the restartMargin (" + restartMargin.toMillis()
                    + " ms) plus the checkpoint interval: raise setTransactionTimeout(...) or lower"
                    + " setRestartMargin(...)");
        }

        if (deadLetterTopic != null && deadLetterTopic.equals(topic)) {
            throw new IllegalArgumentException("deadLetterTopic '" + deadLetterTopic + "' must differ from the topic:"
                    + " dead letters would be read as good records");
        }
        int maxRequestSize = GuardedRecordSerializationSchema.maxRequestSize(properties);
        if (maxRecordSize != null && maxRecordSize > maxRequestSize) {
            throw new IllegalArgumentException("maxRecordSize (" + maxRecordSize + " bytes) exceeds the producer's "
                    + ProducerConfig.MAX_REQUEST_SIZE_CONFIG + " (" + maxRequestSize + " bytes), which would refuse"
                    + " such records: lower setMaxRecordSize(...) or raise " + ProducerConfig.MAX_REQUEST_SIZE_CONFIG
                    + " with setProperty(...)");
        }

        Properties producerProperties = new Properties();
        producerProperties.putAll(properties);
        producerProperties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProperties.setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeout.toMillis()));

        TopicSelector<? super T> selector = topicSelector != null ? topicSelector : new FixedTopic<>(topic);
        GuardedRecordSerializationSchema<T> recordSchema = new GuardedRecordSerializationSchema<>(
                        selector,
                        keySchema,
                        valueSchema,
                        headerProvider,
                        exactlyOnce && verifyBrokerOnStart ? transactionTimeout : null,
                        producerProperties,
                        adminTimeout)
                .withRecordHandling(
                        deadLetterTopic,
                        maxRecordSize != null ? maxRecordSize : maxRequestSize,
                        writeElementTimestamps);

        KafkaSinkBuilder<T> flink = KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(producerProperties)
                .setDeliveryGuarantee(deliveryGuarantee)
                .setRecordSerializer(recordSchema);
        if (exactlyOnce) {
            flink.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return new TypedKafkaSink<>(
                flink.build(),
                deliveryGuarantee,
                exactlyOnce ? transactionalIdPrefix : null,
                transactionTimeout,
                restartMargin,
                verifyBrokerOnAttach,
                adminTimeout,
                producerProperties);
    }

    private static <V> V requireNonNull(V value, String property) {
        if (value == null) {
            throw new IllegalArgumentException(property + " must not be null");
        }
        return value;
    }

    private static String requireText(String value, String property) {
        requireNonNull(value, property);
        if (value.isBlank()) {
            throw new IllegalArgumentException(property + " must not be blank");
        }
        return value;
    }

    private static Duration requirePositive(Duration value, String property) {
        requireNonNull(value, property);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be positive, but is " + value);
        }
        return value;
    }

    private static final class FixedTopic<T> implements TopicSelector<T> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        FixedTopic(String topic) {
            this.topic = topic;
        }

        @Override
        public String apply(T element) {
            return topic;
        }
    }
}
