package dev.streamingblocks.kafka.source;

import dev.streamingblocks.core.avro.AvroRegistryDeserializationSchema;
import dev.streamingblocks.core.avro.SchemaRegistryClientProvider;
import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.kafka.internal.FlinkConnectorBase;
import dev.streamingblocks.kafka.internal.KafkaClientProperties;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.sink.TypedKafkaSinkBuilder;
import dev.streamingblocks.kafka.source.internal.DeadLetterSerializationSchema;
import dev.streamingblocks.kafka.source.internal.DeadLetterSplitter;
import dev.streamingblocks.kafka.source.internal.EnvelopeWatermarkStrategy;
import dev.streamingblocks.kafka.source.internal.FailureHandlingDeserializationSchema;
import dev.streamingblocks.kafka.source.internal.HttpRegistryClientProvider;
import dev.streamingblocks.kafka.source.internal.ParallelismCheck;
import dev.streamingblocks.kafka.source.internal.SourceEnvelopeTypeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.json.JsonDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;

/**
 * A Kafka source that yields a typed {@code DataStream<T>} and handles records it cannot
 * deserialize by a {@link DeserializationFailurePolicy}.
 *
 * <pre>{@code
 * TypedKafkaSource<Order> source = TypedKafkaSource.<Order>builder()
 *         .setName("orders-source")
 *         .setBootstrapServers("localhost:9092")
 *         .setTopics("orders")
 *         .setGroupId("order-enricher")
 *         .setJsonValue(Order.class)
 *         .setWatermarkStrategy(WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofSeconds(5)))
 *         .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
 *         .setDeadLetterTopic("orders-dlq")
 *         .build();
 * DataStream<Order> orders = source.attach(env).records();
 * }</pre>
 *
 * <p>Required: {@code name} (names the operators and derives their uids, so keep it stable),
 * {@code bootstrapServers}, {@code topics} or {@code topicPattern}, {@code groupId} and a value
 * deserializer ({@code valueDeserializer}, {@code jsonValue}, {@code avroValue} or
 * {@code avroGenericValue}). A dead-letter topic is required
 * with, and only with, {@link DeserializationFailurePolicy#DEAD_LETTER}.
 *
 * <p>Defaults: start from committed offsets, else earliest; unbounded; {@code read_committed};
 * watermarks for monotonous Kafka record timestamps; idleness {@value #DEFAULT_IDLENESS_SECONDS}
 * seconds, so an empty partition never stalls event time; failure policy {@code FAIL}.
 * Timestamps and watermarks are assigned inside the source, so Flink tracks them per partition.
 *
 * <p>Values checked before emitting: a {@link RecordValidator} ({@link Builder#setRecordValidator})
 * sees each deserialized value first; a value with a problem (a negative amount, a blank id) is
 * handled by the failure policy as an {@link InvalidRecordException} naming the problem.
 *
 * <p>Event time checked before emitting: when the watermark strategy is an
 * {@link EventTimeWatermarkStrategy} (built by {@code EventTimeWatermarkStrategy.builder()}), the source reads each
 * record's event time as it deserializes it. A record whose time cannot be read (an
 * {@code InvalidEventTimeException}, e.g. a {@code null} Avro timestamp field) or is rejected by the
 * strategy's {@link EventTimeGuard} (an {@code EventTimeOutOfBoundsException}, e.g. a year-2099 time,
 * also counted in {@value #EVENT_TIME_REJECTED_METRIC}) is handled by the failure policy like a
 * record that cannot be deserialized: dead-lettered with the reason in {@code dlq.error.message},
 * skipped, or failing the job. It never moves the watermark. The guard's "highest event time
 * seen" is kept per source subtask, across the partitions that subtask reads, and starts again
 * after a restart. Pass the built strategy unchanged, not wrapped by {@code withIdleness}.
 *
 * <p>Dead letters are written with an {@link TypedKafkaSink}, at-least-once by default: with
 * checkpointing, every dead letter is flushed before a checkpoint completes, so none is lost, but
 * after a failure the records replayed since the last checkpoint can land in the dead-letter topic
 * twice. {@link DeliveryGuarantee#EXACTLY_ONCE} writes them in Kafka transactions committed with
 * each checkpoint instead: readers of the dead-letter topic then need {@code read_committed} and
 * see dead letters only after the checkpoint; the transactional id prefix is
 * {@code name + "-dlq"}, so the name must be unique among jobs writing to the same Kafka cluster
 * and may only hold the characters of {@link TypedKafkaSink#TRANSACTIONAL_ID_PREFIX_PATTERN}.
 * The sink runs {@link TypedKafkaSink}'s checks when attached: exactly-once dead letters need
 * checkpointing, and the transaction timeout must exceed the checkpoint interval plus five minutes
 * and stay within the brokers' maximum. It gets only the producer's share of the properties
 * ({@link org.apache.kafka.clients.producer.ProducerConfig#configNames()}).
 * The original record headers are not copied. A tombstone (null value) that the value
 * deserializer rejects is a dead letter like any other bad record.
 */
public final class TypedKafkaSource<T> {

    static {
        // First, before any field below touches DeliveryGuarantee: a clear message, not a NoClassDefFoundError.
        FlinkConnectorBase.requireOnClasspath(TypedKafkaSource.class);
    }

    /** Seconds of the default idleness. */
    public static final long DEFAULT_IDLENESS_SECONDS = 30;

    /** A partition without records for this long stops holding back the watermark. */
    public static final Duration DEFAULT_IDLENESS = Duration.ofSeconds(DEFAULT_IDLENESS_SECONDS);

    /** The default start position. */
    public static final StartingOffsets DEFAULT_STARTING_OFFSETS = StartingOffsets.committedOrEarliest();

    /** The default isolation level: never read records of aborted or open transactions. */
    public static final IsolationLevel DEFAULT_ISOLATION_LEVEL = IsolationLevel.READ_COMMITTED;

    /** The default failure policy: fail, so nothing is lost silently. */
    public static final DeserializationFailurePolicy DEFAULT_FAILURE_POLICY = DeserializationFailurePolicy.FAIL;

    /** The default delivery guarantee of the dead-letter sink. */
    public static final DeliveryGuarantee DEFAULT_DEAD_LETTER_DELIVERY_GUARANTEE = DeliveryGuarantee.AT_LEAST_ONCE;

    /**
     * Transaction timeout of the exactly-once dead-letter sink: the brokers' default
     * {@code transaction.max.timeout.ms}. Flink's own default (1 hour) is refused by such brokers.
     */
    public static final Duration DEFAULT_DEAD_LETTER_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /** The counter, on the source operator, of records that could not be deserialized. */
    public static final String DESERIALIZATION_ERRORS_METRIC = "deserializationErrors";

    /**
     * The counter, on the source operator, of records whose event time the watermark strategy's
     * {@link EventTimeGuard} rejected; they are also counted in {@value #DESERIALIZATION_ERRORS_METRIC}.
     */
    public static final String EVENT_TIME_REJECTED_METRIC = EventTimeGuard.REJECTED_METRIC;

    /**
     * The gauge, on the source operator, of the newest event time (epoch milliseconds) one subtask
     * has accepted; {@code Long.MIN_VALUE} before the first. Registered with an
     * {@code EventTimeWatermarkStrategy} only; the watermark's lag is this minus the watermark.
     */
    public static final String NEWEST_EVENT_TIME_METRIC = "newestEventTime";

    /** Appended to the source name for the uid and name of the operator that splits off dead letters. */
    public static final String SPLIT_SUFFIX = "-split";

    /** Appended to the source name for the uid and name of the dead-letter sink. */
    public static final String DEAD_LETTER_SINK_SUFFIX = "-dead-letter-sink";

    /** Appended to the source name for the transactional id prefix of an exactly-once dead-letter sink. */
    public static final String DEAD_LETTER_TRANSACTIONAL_ID_SUFFIX = "-dlq";

    // The built source's own immutable settings; the builder may change after build().
    private final String name;
    private final String bootstrapServers;
    private final List<String> topics;
    private final Pattern topicPattern;
    private final String groupId;
    private final StartingOffsets startingOffsets;
    private final OffsetsInitializer stoppingOffsets;
    private final IsolationLevel isolationLevel;
    private final DeserializationSchema<T> valueDeserializer;
    private final TypeInformation<T> valueType;
    private final WatermarkStrategy<T> watermarkStrategy;
    private final RecordValidator<T> recordValidator;
    private final Duration idleness;
    private final DeserializationFailurePolicy failurePolicy;
    private final String deadLetterTopic;
    private final DeliveryGuarantee deadLetterDeliveryGuarantee;
    private final Duration deadLetterTransactionTimeout;
    private final int parallelism;
    private final Properties properties;

    private TypedKafkaSource(Builder<T> builder, TypeInformation<T> valueType) {
        this.name = builder.name;
        this.bootstrapServers = builder.bootstrapServers;
        this.topics = builder.topics;
        this.topicPattern = builder.topicPattern;
        this.groupId = builder.groupId;
        this.startingOffsets = builder.startingOffsets;
        this.stoppingOffsets = builder.stoppingOffsets;
        this.isolationLevel = builder.isolationLevel;
        this.valueDeserializer = builder.valueDeserializer;
        this.valueType = valueType;
        this.watermarkStrategy = builder.watermarkStrategy;
        this.recordValidator = builder.recordValidator;
        this.idleness = builder.idleness;
        this.failurePolicy = builder.failurePolicy;
        this.deadLetterTopic = builder.deadLetterTopic;
        this.deadLetterDeliveryGuarantee = builder.deadLetterDeliveryGuarantee;
        this.deadLetterTransactionTimeout = builder.deadLetterTransactionTimeout;
        this.parallelism = builder.parallelism;
        this.properties = new Properties();
        this.properties.putAll(builder.properties);
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** The operator name and uid of the source. */
    public String name() {
        return name;
    }

    /** The type of the records. */
    public TypeInformation<T> valueType() {
        return valueType;
    }

    /**
     * The underlying Flink {@link KafkaSource}, emitting good values as {@code Right} and dead
     * letters as {@code Left}. Most users want {@link #attach} instead.
     */
    public KafkaSource<Either<DeadLetter, T>> kafkaSource() {
        KafkaSourceBuilder<Either<DeadLetter, T>> builder = KafkaSource.<Either<DeadLetter, T>>builder()
                .setBootstrapServers(bootstrapServers)
                .setGroupId(groupId)
                .setStartingOffsets(startingOffsets.toOffsetsInitializer())
                .setDeserializer(deserializer())
                .setProperties(userProperties())
                .setProperty(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        isolationLevel.toString().toLowerCase(Locale.ROOT));
        if (topicPattern != null) {
            builder.setTopicPattern(topicPattern);
        } else {
            builder.setTopics(topics);
        }
        if (stoppingOffsets != null) {
            builder.setBounded(stoppingOffsets);
        }
        return builder.build();
    }

    /** Reads event times in the deserializer when the strategy says how, so bad ones become dead letters. */
    private FailureHandlingDeserializationSchema<T> deserializer() {
        if (watermarkStrategy instanceof EventTimeWatermarkStrategy<T> eventTime) {
            return new FailureHandlingDeserializationSchema<>(
                    valueDeserializer,
                    failurePolicy,
                    DESERIALIZATION_ERRORS_METRIC,
                    eventTime.timestampAssigner(),
                    eventTime.guard().orElse(null),
                    recordValidator);
        }
        return new FailureHandlingDeserializationSchema<>(
                valueDeserializer, failurePolicy, DESERIALIZATION_ERRORS_METRIC, null, null, recordValidator);
    }

    /**
     * The watermark strategy for the source's envelope type, idleness included. With an
     * {@link EventTimeWatermarkStrategy}, the deserializer has applied the guard already (per
     * subtask); a second check per partition in the generator could ignore records the source
     * emitted and stall that partition's watermark, so the generator runs without it.
     */
    WatermarkStrategy<Either<DeadLetter, T>> envelopeWatermarkStrategy() {
        WatermarkStrategy<T> inner = watermarkStrategy instanceof EventTimeWatermarkStrategy<T> eventTime
                ? eventTime.withoutGuard()
                : watermarkStrategy;
        WatermarkStrategy<Either<DeadLetter, T>> strategy = new EnvelopeWatermarkStrategy<>(inner);
        return idleness == null ? strategy : strategy.withIdleness(idleness);
    }

    /**
     * Adds the source to the job: the Kafka source (uid and name {@link #name()}), an operator that
     * splits off dead letters ({@code name + }{@value #SPLIT_SUFFIX}) and, under
     * {@code DEAD_LETTER}, the dead-letter sink ({@code name + }{@value #DEAD_LETTER_SINK_SUFFIX}).
     *
     * <p>Without idleness, it first checks the partition count and logs a warning when the source
     * parallelism exceeds it.
     */
    public KafkaSourceStreams<T> attach(StreamExecutionEnvironment env) {
        if (env == null) {
            throw new IllegalArgumentException("env must not be null");
        }
        int subtasks = parallelism > 0 ? parallelism : env.getParallelism();
        if (idleness == null && topics != null) {
            ParallelismCheck.warnIfNeeded(name, subtasks, topics, adminProperties());
        }

        // The splitter is the envelope's only consumer: handing it over uncopied is safe (see SourceEnvelopeTypeInfo).
        DataStreamSource<Either<DeadLetter, T>> source = env.fromSource(
                kafkaSource(),
                envelopeWatermarkStrategy(),
                name,
                new SourceEnvelopeTypeInfo<>(DeadLetter.TYPE_INFO, valueType));
        source.uid(name);
        SingleOutputStreamOperator<T> records = source.process(new DeadLetterSplitter<T>(), valueType)
                .uid(name + SPLIT_SUFFIX)
                .name(name + SPLIT_SUFFIX);
        if (parallelism > 0) {
            source.setParallelism(parallelism);
            records.setParallelism(parallelism);
        }
        DataStream<DeadLetter> deadLetters = records.getSideOutput(DeadLetterSplitter.DEAD_LETTERS);

        DataStreamSink<DeadLetter> deadLetterSink = null;
        if (failurePolicy == DeserializationFailurePolicy.DEAD_LETTER) {
            // TypedKafkaSink runs the checkpoint, timeout and prefix checks; the uid and name
            // stay the ones this sink always had, so savepoints keep matching.
            deadLetterSink = deadLetterKafkaSink()
                    .sinkTo(deadLetters)
                    .uid(name + DEAD_LETTER_SINK_SUFFIX)
                    .name(name + DEAD_LETTER_SINK_SUFFIX);
        }
        return new KafkaSourceStreams<>(records, deadLetters, deadLetterSink);
    }

    /**
     * The dead-letter sink: an {@link TypedKafkaSink} writing each {@link DeadLetter}'s
     * original key and value with the {@link DeadLetterHeaders}, stamped with the producer's time,
     * given only the producer's share of the user properties.
     */
    private TypedKafkaSink<DeadLetter> deadLetterKafkaSink() {
        TypedKafkaSinkBuilder<DeadLetter> builder = TypedKafkaSink.<DeadLetter>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopic(deadLetterTopic)
                .setKeySerializationSchema(DeadLetterSerializationSchema.KEY)
                .setValueSerializationSchema(DeadLetterSerializationSchema.VALUE)
                .setHeaderProvider(DeadLetterSerializationSchema.HEADERS)
                .setWriteElementTimestamps(false)
                .setDeliveryGuarantee(deadLetterDeliveryGuarantee)
                .setTransactionTimeout(deadLetterTransactionTimeout);
        // Keys the sink sets itself (transaction timeout, id, serializers) come from this source's settings.
        KafkaClientProperties.without(KafkaClientProperties.producer(properties), KafkaClientProperties.SINK_OWNED)
                .forEach((key, value) -> builder.setProperty((String) key, String.valueOf(value)));
        if (deadLetterDeliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(name + DEAD_LETTER_TRANSACTIONAL_ID_SUFFIX);
        }
        return builder.build();
    }

    private Properties userProperties() {
        Properties props = new Properties();
        props.putAll(properties);
        return props;
    }

    private Properties adminProperties() {
        Properties props = userProperties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** No client properties: they may hold credentials. */
    @Override
    public String toString() {
        return "TypedKafkaSource{name='" + name + "', "
                + (topicPattern != null ? "topicPattern=" + topicPattern : "topics=" + topics)
                + ", groupId='" + groupId + "', valueType=" + valueType
                + ", startingOffsets=" + startingOffsets
                + ", bounded=" + (stoppingOffsets != null)
                + ", onDeserializationError=" + failurePolicy
                + (deadLetterTopic != null ? ", deadLetterTopic='" + deadLetterTopic + "'" : "")
                + "}";
    }

    /**
     * Builds a {@link TypedKafkaSource}; see its class documentation for what is required. Setters
     * that exclude each other fail at once; {@link #build()} checks the rest and names the property.
     */
    public static final class Builder<T> {

        private String name;
        private String bootstrapServers;
        private List<String> topics;
        private Pattern topicPattern;
        private String groupId;
        private StartingOffsets startingOffsets;
        private OffsetsInitializer stoppingOffsets;
        private String stoppingDescription;
        private IsolationLevel isolationLevel;
        private DeserializationSchema<T> valueDeserializer;
        private WatermarkStrategy<T> watermarkStrategy;
        private RecordValidator<T> recordValidator;
        private Duration idleness;
        private DeserializationFailurePolicy failurePolicy;
        private String deadLetterTopic;
        private DeliveryGuarantee deadLetterDeliveryGuarantee;
        private Duration deadLetterTransactionTimeout;
        private int parallelism = -1;
        private final Properties properties = new Properties();

        Builder() {
            this.startingOffsets = DEFAULT_STARTING_OFFSETS;
            this.isolationLevel = DEFAULT_ISOLATION_LEVEL;
            this.watermarkStrategy = WatermarkStrategy.forMonotonousTimestamps();
            this.idleness = DEFAULT_IDLENESS;
            this.failurePolicy = DEFAULT_FAILURE_POLICY;
            this.deadLetterDeliveryGuarantee = DEFAULT_DEAD_LETTER_DELIVERY_GUARANTEE;
            this.deadLetterTransactionTimeout = DEFAULT_DEAD_LETTER_TRANSACTION_TIMEOUT;
        }

        /** Names the operators and derives their uids; keep it stable across releases. */
        public Builder<T> setName(String name) {
            this.name = name;
            return this;
        }

        public Builder<T> setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** The topics to read; excludes {@link #setTopicPattern}. */
        public Builder<T> setTopics(String... topics) {
            return setTopics(topics == null ? null : List.of(topics));
        }

        /** The topics to read; excludes {@link #setTopicPattern}. */
        public Builder<T> setTopics(List<String> topics) {
            if (topicPattern != null) {
                throw new IllegalStateException(
                        "topics and topicPattern exclude each other; topicPattern is already set");
            }
            if (topics == null || topics.isEmpty()) {
                throw new IllegalArgumentException("topics must not be empty");
            }
            for (String topic : topics) {
                if (topic == null || topic.isBlank()) {
                    throw new IllegalArgumentException(
                            "topics must not contain a null or blank name, but were " + topics);
                }
            }
            this.topics = List.copyOf(topics);
            return this;
        }

        /** Reads every topic matching the pattern; excludes {@link #setTopics}. */
        public Builder<T> setTopicPattern(Pattern topicPattern) {
            if (topics != null) {
                throw new IllegalStateException("topics and topicPattern exclude each other; topics are already set");
            }
            if (topicPattern == null) {
                throw new IllegalArgumentException("topicPattern must not be null");
            }
            this.topicPattern = topicPattern;
            return this;
        }

        public Builder<T> setGroupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** Where to start without a checkpoint; default {@link #DEFAULT_STARTING_OFFSETS}. */
        public Builder<T> setStartingOffsets(StartingOffsets startingOffsets) {
            if (startingOffsets == null) {
                throw new IllegalArgumentException("startingOffsets must not be null");
            }
            this.startingOffsets = startingOffsets;
            return this;
        }

        /**
         * Makes the source bounded: it stops at the latest offsets seen when the job starts (tests,
         * backfills). Excludes {@link #setBoundedAt}.
         */
        public Builder<T> setBoundedToLatest() {
            requireNotBounded("boundedToLatest");
            this.stoppingOffsets = OffsetsInitializer.latest();
            this.stoppingDescription = "boundedToLatest";
            return this;
        }

        /**
         * Makes the source bounded: it stops before the first record with a timestamp at or after
         * {@code stopAt}. Excludes {@link #setBoundedToLatest}.
         */
        public Builder<T> setBoundedAt(Instant stopAt) {
            if (stopAt == null) {
                throw new IllegalArgumentException("boundedAt must not be null");
            }
            requireNotBounded("boundedAt");
            this.stoppingOffsets = OffsetsInitializer.timestamp(stopAt.toEpochMilli());
            this.stoppingDescription = "boundedAt";
            return this;
        }

        private void requireNotBounded(String property) {
            if (stoppingOffsets != null) {
                throw new IllegalStateException("boundedToLatest and boundedAt exclude each other; "
                        + stoppingDescription + " is already set, cannot also set " + property);
            }
        }

        /** Default {@code read_committed}. */
        public Builder<T> setIsolationLevel(IsolationLevel isolationLevel) {
            if (isolationLevel == null) {
                throw new IllegalArgumentException("isolationLevel must not be null");
            }
            this.isolationLevel = isolationLevel;
            return this;
        }

        /** Deserializes record values; excludes {@link #setJsonValue}. */
        public Builder<T> setValueDeserializer(DeserializationSchema<T> valueDeserializer) {
            if (this.valueDeserializer != null) {
                throw new IllegalStateException("valueDeserializer is already set");
            }
            if (valueDeserializer == null) {
                throw new IllegalArgumentException("valueDeserializer must not be null");
            }
            this.valueDeserializer = valueDeserializer;
            return this;
        }

        /**
         * Reads values as JSON into a POJO or Java record with Flink's {@link JsonDeserializationSchema}
         * (Jackson, Java time supported); excludes {@link #setValueDeserializer}.
         */
        public Builder<T> setJsonValue(Class<T> valueClass) {
            if (valueClass == null) {
                throw new IllegalArgumentException("jsonValue class must not be null");
            }
            return setValueDeserializer(new JsonDeserializationSchema<>(valueClass));
        }

        /**
         * Reads values in the Confluent wire format into a generated Avro SpecificRecord class,
         * resolving writer schemas from the registry named in {@code registryConfig} (Confluent's
         * keys, e.g. {@code schema.registry.url}); excludes the other value setters.
         */
        public Builder<T> setAvroValue(Class<T> specificClass, Map<String, ?> registryConfig) {
            return setAvroValue(specificClass, registryConfig, new HttpRegistryClientProvider());
        }

        /** As {@link #setAvroValue(Class, Map)}, with a registry client from {@code clientProvider}. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Builder<T> setAvroValue(
                Class<T> specificClass, Map<String, ?> registryConfig, SchemaRegistryClientProvider clientProvider) {
            if (specificClass == null || !SpecificRecordBase.class.isAssignableFrom(specificClass)) {
                throw new IllegalArgumentException("avroValue class must be a generated Avro SpecificRecord class,"
                        + " but was " + (specificClass == null ? null : specificClass.getName()));
            }
            requireRegistryConfig(registryConfig, clientProvider);
            return setValueDeserializer((DeserializationSchema<T>) AvroRegistryDeserializationSchema.forSpecific(
                    (Class) specificClass, registryConfig, clientProvider));
        }

        /**
         * Reads values in the Confluent wire format as GenericRecords resolved to
         * {@code readerSchema}; use with {@code TypedKafkaSource.<GenericRecord>builder()}.
         */
        public Builder<T> setAvroGenericValue(Schema readerSchema, Map<String, ?> registryConfig) {
            return setAvroGenericValue(readerSchema, registryConfig, new HttpRegistryClientProvider());
        }

        /** As {@link #setAvroGenericValue(Schema, Map)}, with a registry client from {@code clientProvider}. */
        @SuppressWarnings("unchecked")
        public Builder<T> setAvroGenericValue(
                Schema readerSchema, Map<String, ?> registryConfig, SchemaRegistryClientProvider clientProvider) {
            if (readerSchema == null) {
                throw new IllegalArgumentException("avroGenericValue reader schema must not be null");
            }
            requireRegistryConfig(registryConfig, clientProvider);
            return setValueDeserializer((DeserializationSchema<T>) (DeserializationSchema<?>)
                    AvroRegistryDeserializationSchema.forGeneric(readerSchema, registryConfig, clientProvider));
        }

        private static void requireRegistryConfig(
                Map<String, ?> registryConfig, SchemaRegistryClientProvider clientProvider) {
            if (registryConfig == null) {
                throw new IllegalArgumentException("registryConfig must not be null");
            }
            if (clientProvider == null) {
                throw new IllegalArgumentException("clientProvider must not be null");
            }
        }

        /**
         * Timestamps and watermarks, applied per partition inside the source. Do not add
         * {@code withIdleness} here: idleness is set with {@link #setIdleness}. An
         * {@link EventTimeWatermarkStrategy} (from {@code EventTimeWatermarkStrategy.builder()}) also has each
         * record's event time read and guarded before it is emitted (see the class documentation).
         */
        public Builder<T> setWatermarkStrategy(WatermarkStrategy<T> watermarkStrategy) {
            if (watermarkStrategy == null) {
                throw new IllegalArgumentException("watermarkStrategy must not be null");
            }
            this.watermarkStrategy = watermarkStrategy;
            return this;
        }

        /**
         * Checks each deserialized value before its event time is read; default none. A value with
         * a problem is handled by the failure policy like one that cannot be deserialized, as an
         * {@link InvalidRecordException} whose message is the problem, and counted in
         * {@value #DESERIALIZATION_ERRORS_METRIC}. A validator that throws counts as a problem.
         */
        public Builder<T> setRecordValidator(RecordValidator<T> recordValidator) {
            if (recordValidator == null) {
                throw new IllegalArgumentException("recordValidator must not be null");
            }
            this.recordValidator = recordValidator;
            return this;
        }

        /** How long a partition may be silent before it stops holding back event time; default 30 s. */
        public Builder<T> setIdleness(Duration idleness) {
            if (idleness == null || idleness.isNegative() || idleness.isZero()) {
                throw new IllegalArgumentException(
                        "idleness must be positive, but was " + idleness + "; use withoutIdleness() to turn it off");
            }
            this.idleness = idleness;
            return this;
        }

        /**
         * Turns idleness off: an empty partition then holds back event time until it gets a record.
         * A warning is logged at start-up if the source parallelism exceeds the partition count.
         */
        public Builder<T> withoutIdleness() {
            this.idleness = null;
            return this;
        }

        /** Default {@link DeserializationFailurePolicy#FAIL}. */
        public Builder<T> setOnDeserializationError(DeserializationFailurePolicy policy) {
            if (policy == null) {
                throw new IllegalArgumentException("onDeserializationError must not be null");
            }
            this.failurePolicy = policy;
            return this;
        }

        /** The topic for records that cannot be deserialized, under {@code DEAD_LETTER}. */
        public Builder<T> setDeadLetterTopic(String deadLetterTopic) {
            this.deadLetterTopic = deadLetterTopic;
            return this;
        }

        /** {@code AT_LEAST_ONCE} (default) or {@code EXACTLY_ONCE} for the dead-letter sink. */
        public Builder<T> setDeadLetterDeliveryGuarantee(DeliveryGuarantee guarantee) {
            if (guarantee == null || guarantee == DeliveryGuarantee.NONE) {
                throw new IllegalArgumentException(
                        "deadLetterDeliveryGuarantee must be AT_LEAST_ONCE or EXACTLY_ONCE, but was " + guarantee);
            }
            this.deadLetterDeliveryGuarantee = guarantee;
            return this;
        }

        /**
         * Transaction timeout of the {@code EXACTLY_ONCE} dead-letter sink; at most the brokers'
         * {@code transaction.max.timeout.ms}, and longer than a checkpoint interval plus a restart.
         * Default {@link #DEFAULT_DEAD_LETTER_TRANSACTION_TIMEOUT}.
         */
        public Builder<T> setDeadLetterTransactionTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("deadLetterTransactionTimeout must be positive, but was " + timeout);
            }
            this.deadLetterTransactionTimeout = timeout;
            return this;
        }

        /** Parallelism of the source and its split operator; default the environment's. */
        public Builder<T> setParallelism(int parallelism) {
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, but was " + parallelism);
            }
            this.parallelism = parallelism;
            return this;
        }

        /**
         * A Kafka client property (security, timeouts...) for the consumer and, if it is a producer
         * property, the dead-letter producer. Values are never logged.
         */
        public Builder<T> setProperty(String key, String value) {
            KafkaClientProperties.requireSettable(key, value, KafkaClientProperties.SOURCE_OWNED);
            properties.setProperty(key, value);
            return this;
        }

        /** Checks the configuration across fields; the message names the offending property. */
        public TypedKafkaSource<T> build() {
            requireText(name, "name");
            requireText(bootstrapServers, "bootstrapServers");
            if (topics == null && topicPattern == null) {
                throw new IllegalArgumentException("topics or topicPattern must be set");
            }
            requireText(groupId, "groupId");
            if (valueDeserializer == null) {
                throw new IllegalArgumentException(
                        "valueDeserializer (or jsonValue, avroValue, avroGenericValue) must be set");
            }
            TypeInformation<T> valueType = valueDeserializer.getProducedType();
            if (valueType == null) {
                throw new IllegalArgumentException(
                        "valueDeserializer " + valueDeserializer.getClass().getName() + " returned no produced type");
            }
            if (valueType instanceof GenericTypeInfo) {
                throw new IllegalArgumentException("valueDeserializer produces " + valueType
                        + ", which Flink would serialize with Kryo; use a POJO, a Java record or an Avro type");
            }
            if (failurePolicy == DeserializationFailurePolicy.DEAD_LETTER) {
                requireText(deadLetterTopic, "deadLetterTopic", " when onDeserializationError is DEAD_LETTER");
                if (topics != null && topics.contains(deadLetterTopic)) {
                    throw new IllegalArgumentException(
                            "deadLetterTopic '" + deadLetterTopic + "' must not be one of the source topics " + topics);
                }
                if (topicPattern != null
                        && topicPattern.matcher(deadLetterTopic).matches()) {
                    throw new IllegalArgumentException("deadLetterTopic '" + deadLetterTopic
                            + "' must not match the source topicPattern " + topicPattern);
                }
            } else if (deadLetterTopic != null) {
                throw new IllegalArgumentException("deadLetterTopic is set but onDeserializationError is "
                        + failurePolicy + "; set onDeserializationError to DEAD_LETTER or remove deadLetterTopic");
            }
            TypedKafkaSource<T> built = new TypedKafkaSource<>(this, valueType);
            if (failurePolicy == DeserializationFailurePolicy.DEAD_LETTER) {
                checkDeadLetterSink(built);
            }
            return built;
        }

        /** Builds the dead-letter sink once, so its settings fail here and not when the job is attached. */
        private static void checkDeadLetterSink(TypedKafkaSource<?> config) {
            String prefix = config.name + DEAD_LETTER_TRANSACTIONAL_ID_SUFFIX;
            if (config.deadLetterDeliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                    && (!TypedKafkaSink.TRANSACTIONAL_ID_PREFIX_PATTERN
                                    .matcher(prefix)
                                    .matches()
                            || prefix.length() > TypedKafkaSink.MAX_TRANSACTIONAL_ID_PREFIX_LENGTH)) {
                throw new IllegalArgumentException("name '" + config.name + "' cannot be used with"
                        + " deadLetterDeliveryGuarantee EXACTLY_ONCE: it forms the transactional id prefix '" + prefix
                        + "', which may only contain ASCII letters, digits, '.', '_' and '-' and have at most "
                        + TypedKafkaSink.MAX_TRANSACTIONAL_ID_PREFIX_LENGTH + " characters");
            }
            try {
                config.deadLetterKafkaSink();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalArgumentException(
                        "The dead-letter sink cannot be built (deadLetterTopic,"
                                + " deadLetterDeliveryGuarantee, deadLetterTransactionTimeout, properties): "
                                + e.getMessage(),
                        e);
            }
        }

        private static void requireText(String value, String property) {
            requireText(value, property, "");
        }

        private static void requireText(String value, String property, String condition) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(property + " must be set" + condition);
            }
        }
    }
}
