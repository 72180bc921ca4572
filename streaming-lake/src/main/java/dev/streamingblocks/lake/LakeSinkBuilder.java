package dev.streamingblocks.lake;

import dev.streamingblocks.core.time.EventTimeExtractor;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.source.RecordValidator;
import java.time.Duration;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Builds a {@link LakeSink}.
 *
 * <pre>{@code
 * LakeSink<Order> lake = LakeSink.<Order>builder()
 *         .setName("orders-lake")
 *         .setBasePath("file:///data/lake/orders")
 *         .setSpecificRecordClass(Order.class)
 *         .setEventTimeExtractor(order -> Instant.ofEpochMilli(order.getTimestamp()))
 *         .setAllowedLateness(Duration.ofMinutes(5))
 *         .setDeadLetterTopic("orders-lake-dlq").setBootstrapServers("broker:9092")
 *         .build();
 * lake.sinkTo(orders);
 * }</pre>
 *
 * <p>Required: a name (names the operators and derives their uids, so keep it stable), a base path (a
 * Flink file system URI or a local path), and the records' Avro type: a generated class
 * ({@link #setSpecificRecordClass}) or a schema for {@link GenericRecord}s ({@link #setGenericRecordSchema}).
 * Optional, with the defaults of {@link LakeSink}: the event time (by default the element's timestamp,
 * as the source's watermark strategy assigned it), a record validator, the allowed lateness, when staged
 * data is compacted (target file size, checkpoints), the Parquet compression, success markers, and a
 * dead-letter topic with the Kafka settings for it. Without a dead-letter topic a record that cannot be
 * written fails the job with an {@link UnwritableLakeRecordException}.
 */
public final class LakeSinkBuilder<T> {

    String name;
    String basePath;
    Schema schema;
    Class<?> specificClass;
    EventTimeExtractor<T> eventTime;
    RecordValidator<T> validator;
    Duration allowedLateness;
    MemorySize targetFileSize;
    int maxCheckpointsBeforeCompaction;
    CompressionCodecName compression;
    boolean successMarkers;
    String deadLetterTopic;
    String bootstrapServers;
    DeliveryGuarantee deadLetterDeliveryGuarantee;
    Duration deadLetterTransactionTimeout;
    final Properties kafkaProperties = new Properties();

    LakeSinkBuilder() {
        this.allowedLateness = LakeSink.DEFAULT_ALLOWED_LATENESS;
        this.targetFileSize = LakeSink.DEFAULT_TARGET_FILE_SIZE;
        this.maxCheckpointsBeforeCompaction = LakeSink.DEFAULT_MAX_CHECKPOINTS_BEFORE_COMPACTION;
        this.compression = LakeSink.DEFAULT_COMPRESSION;
        this.successMarkers = LakeSink.DEFAULT_SUCCESS_MARKERS;
        this.deadLetterDeliveryGuarantee = LakeSink.DEFAULT_DEAD_LETTER_DELIVERY_GUARANTEE;
        this.deadLetterTransactionTimeout = LakeSink.DEFAULT_DEAD_LETTER_TRANSACTION_TIMEOUT;
    }

    /** Names the operators and derives their uids; keep it stable across releases. */
    public LakeSinkBuilder<T> setName(String name) {
        this.name = requireText(name, "name");
        return this;
    }

    /** The lake table's directory, e.g. {@code file:///data/lake/orders} or {@code s3://bucket/orders}. */
    public LakeSinkBuilder<T> setBasePath(String basePath) {
        this.basePath = requireText(basePath, "basePath");
        return this;
    }

    /** Records of a generated Avro class; excludes {@link #setGenericRecordSchema}. */
    public LakeSinkBuilder<T> setSpecificRecordClass(Class<T> recordClass) {
        requireNonNull(recordClass, "specificRecordClass");
        if (schema != null) {
            throw new IllegalStateException("specificRecordClass cannot be set: a record type is already set");
        }
        if (!SpecificRecord.class.isAssignableFrom(recordClass)) {
            throw new IllegalArgumentException("specificRecordClass needs a generated Avro SpecificRecord class, but "
                    + recordClass.getName() + " is not one; use setGenericRecordSchema(...) for GenericRecords");
        }
        this.specificClass = recordClass;
        this.schema = SpecificData.getForClass(recordClass).getSchema(recordClass);
        return this;
    }

    /** {@link GenericRecord}s of this schema (a record schema); excludes {@link #setSpecificRecordClass}. */
    public LakeSinkBuilder<T> setGenericRecordSchema(Schema schema) {
        requireNonNull(schema, "genericRecordSchema");
        if (this.schema != null) {
            throw new IllegalStateException("genericRecordSchema cannot be set: a record type is already set");
        }
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(
                    "genericRecordSchema must be a record schema, but is a " + schema.getType());
        }
        this.schema = schema;
        return this;
    }

    /** Reads each record's event time, which chooses its partition; default: the element's timestamp. */
    public LakeSinkBuilder<T> setEventTimeExtractor(EventTimeExtractor<T> eventTime) {
        this.eventTime = requireNonNull(eventTime, "eventTimeExtractor");
        return this;
    }

    /** A record with a problem goes to the dead-letter topic with it as the error message. */
    public LakeSinkBuilder<T> setRecordValidator(RecordValidator<T> validator) {
        this.validator = requireNonNull(validator, "recordValidator");
        return this;
    }

    /**
     * How long after the watermark passes a partition's end its records are still written; the
     * partition closes (and gets its marker) then. Later records go to the dead-letter topic.
     */
    public LakeSinkBuilder<T> setAllowedLateness(Duration allowedLateness) {
        requireNonNull(allowedLateness, "allowedLateness");
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowedLateness must not be negative, but is " + allowedLateness);
        }
        this.allowedLateness = allowedLateness;
        return this;
    }

    /** Staged data of a partition is compacted into one readable file once it reaches this size. */
    public LakeSinkBuilder<T> setTargetFileSize(MemorySize targetFileSize) {
        requireNonNull(targetFileSize, "targetFileSize");
        if (targetFileSize.getBytes() <= 0) {
            throw new IllegalArgumentException("targetFileSize must be positive, but is " + targetFileSize);
        }
        this.targetFileSize = targetFileSize;
        return this;
    }

    /** ...or once its oldest staged file is this many checkpoints old (at least 1). */
    public LakeSinkBuilder<T> setMaxCheckpointsBeforeCompaction(int checkpoints) {
        if (checkpoints < 1) {
            throw new IllegalArgumentException(
                    "maxCheckpointsBeforeCompaction must be at least 1, but is " + checkpoints);
        }
        this.maxCheckpointsBeforeCompaction = checkpoints;
        return this;
    }

    public LakeSinkBuilder<T> setCompression(CompressionCodecName compression) {
        this.compression = requireNonNull(compression, "compression");
        return this;
    }

    /** Whether a closed partition gets its {@value LakePartitions#SUCCESS_MARKER} file (default true). */
    public LakeSinkBuilder<T> setSuccessMarkers(boolean successMarkers) {
        this.successMarkers = successMarkers;
        return this;
    }

    /**
     * Sends the records the lake cannot write to this Kafka topic, with the headers of a sink dead
     * letter ({@code SinkDeadLetterHeaders}) and {@value LakeSink#DEAD_LETTER_PATH_HEADER}; needs
     * {@link #setBootstrapServers}.
     */
    public LakeSinkBuilder<T> setDeadLetterTopic(String deadLetterTopic) {
        this.deadLetterTopic = requireText(deadLetterTopic, "deadLetterTopic");
        return this;
    }

    /** The Kafka cluster of the dead-letter topic. */
    public LakeSinkBuilder<T> setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = requireText(bootstrapServers, "bootstrapServers");
        return this;
    }

    /** Any other Kafka client property for the dead-letter producer, e.g. security settings. */
    public LakeSinkBuilder<T> setKafkaProperty(String key, String value) {
        requireText(key, "kafka property key");
        requireNonNull(value, "kafka property '" + key + "'");
        if (key.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException(
                    "kafka property '" + key + "' is set by the builder: use" + " setBootstrapServers(...) instead");
        }
        kafkaProperties.setProperty(key, value);
        return this;
    }

    /** {@code AT_LEAST_ONCE} (default) or {@code EXACTLY_ONCE} (transactional id prefix {@code name-dlq}). */
    public LakeSinkBuilder<T> setDeadLetterDeliveryGuarantee(DeliveryGuarantee guarantee) {
        requireNonNull(guarantee, "deadLetterDeliveryGuarantee");
        if (guarantee == DeliveryGuarantee.NONE) {
            throw new IllegalArgumentException("deadLetterDeliveryGuarantee NONE is not supported: it may lose dead"
                    + " letters silently; use AT_LEAST_ONCE or EXACTLY_ONCE");
        }
        this.deadLetterDeliveryGuarantee = guarantee;
        return this;
    }

    public LakeSinkBuilder<T> setDeadLetterTransactionTimeout(Duration timeout) {
        requireNonNull(timeout, "deadLetterTransactionTimeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("deadLetterTransactionTimeout must be positive, but is " + timeout);
        }
        this.deadLetterTransactionTimeout = timeout;
        return this;
    }

    /**
     * Validates across properties and builds the sink.
     *
     * @throws IllegalStateException naming the missing or inconsistent property
     */
    public LakeSink<T> build() {
        if (name == null) {
            throw new IllegalStateException("name is required: call setName(...)");
        }
        if (basePath == null) {
            throw new IllegalStateException("basePath is required: call setBasePath(...)");
        }
        if (schema == null) {
            throw new IllegalStateException("the record type is required: call setSpecificRecordClass(...) or"
                    + " setGenericRecordSchema(...)");
        }
        if (deadLetterTopic != null && bootstrapServers == null) {
            throw new IllegalStateException(
                    "bootstrapServers is required with a deadLetterTopic: call" + " setBootstrapServers(...)");
        }
        if (deadLetterTopic == null && bootstrapServers != null) {
            throw new IllegalStateException("bootstrapServers is set but deadLetterTopic is not: call"
                    + " setDeadLetterTopic(...), or leave both out to fail the job on a record it cannot write");
        }
        if (deadLetterTopic != null
                && deadLetterDeliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE
                && !TypedKafkaSink.TRANSACTIONAL_ID_PREFIX_PATTERN
                        .matcher(name + LakeSink.DEAD_LETTER_TRANSACTIONAL_ID_SUFFIX)
                        .matches()) {
            throw new IllegalStateException("name '" + name + "' derives the dead letters' transactional id prefix"
                    + " and may then only contain ASCII letters, digits, '.', '_' and '-'");
        }
        return new LakeSink<>(this);
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
}
