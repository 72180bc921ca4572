package dev.streamingblocks.kafka.sink.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.streamingblocks.kafka.internal.TransientFailures;
import dev.streamingblocks.kafka.sink.SinkDeadLetterHeaders;
import dev.streamingblocks.kafka.sink.SinkDeadLetterText;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.sink.UnwritableRecordException;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.HeaderProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.TopicSelector;
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Turns an element into a {@link ProducerRecord} from a topic selector, optional key schema,
 * value schema and header provider; a {@code null} value is written as a tombstone.
 *
 * <p>{@link #open} runs once per sink subtask when the job starts; in subtask 0 it checks the
 * transaction timeout against the brokers the job actually writes to (once per JVM, see
 * {@link TransactionTimeoutCheck#checkOnceAgainstBrokers}).
 * <p>A record that cannot be written because of its data (a selector, schema or header provider
 * throws, or the record is larger than the producer may send, which the producer would only
 * report asynchronously and so fail the job) goes to the dead-letter topic in its place, through
 * the same producer and so in the same transaction. Without a dead-letter topic it fails with an
 * {@link UnwritableRecordException}. Transient failures (registry unavailable, retriable Kafka
 * errors, connection timeouts) are rethrown unchanged, so the job restarts and retries.
 */
public final class GuardedRecordSerializationSchema<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final TopicSelector<? super T> topicSelector;
    private final SerializationSchema<? super T> keySchema;
    private final SerializationSchema<? super T> valueSchema;
    private final HeaderProvider<? super T> headerProvider;
    /** Null when no start-up check is wanted (at-least-once, or setVerifyBrokerOnStart(false)). */
    private final Duration transactionTimeout;

    private final Properties producerProperties;
    private final Duration adminTimeout;
    /** Null: failures fail the job. */
    private String deadLetterTopic;

    private int maxRecordSize;
    private boolean elementTimestamps = true;
    private transient Counter deadLetterRecords;

    public GuardedRecordSerializationSchema(
            TopicSelector<? super T> topicSelector,
            SerializationSchema<? super T> keySchema,
            SerializationSchema<? super T> valueSchema,
            HeaderProvider<? super T> headerProvider,
            Duration transactionTimeout,
            Properties producerProperties,
            Duration adminTimeout) {
        this.topicSelector = topicSelector;
        this.keySchema = keySchema;
        this.valueSchema = valueSchema;
        this.headerProvider = headerProvider;
        this.transactionTimeout = transactionTimeout;
        this.producerProperties = producerProperties;
        this.adminTimeout = adminTimeout;
        this.maxRecordSize = maxRequestSize(producerProperties);
    }

    /**
     * Where records that cannot be written go ({@code null}: nowhere, they fail the job), the
     * largest record to hand to the producer, and whether records carry the element's timestamp
     * ({@code false}: the producer's time).
     */
    public GuardedRecordSerializationSchema<T> withRecordHandling(
            String deadLetterTopic, int maxRecordSize, boolean elementTimestamps) {
        if (maxRecordSize <= 0) {
            throw new IllegalArgumentException("maxRecordSize must be positive, but is " + maxRecordSize);
        }
        this.deadLetterTopic = deadLetterTopic;
        this.maxRecordSize = maxRecordSize;
        this.elementTimestamps = elementTimestamps;
        return this;
    }

    /**
     * The producer's {@code max.request.size} from the properties, else Kafka's default
     * ({@value TypedKafkaSink#DEFAULT_MAX_REQUEST_SIZE} bytes).
     *
     * @throws IllegalArgumentException naming the property when it is not a positive whole number
     */
    public static int maxRequestSize(Properties producerProperties) {
        Object configured = producerProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (configured == null) {
            configured = producerProperties.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        if (configured == null) {
            return TypedKafkaSink.DEFAULT_MAX_REQUEST_SIZE;
        }
        try {
            int size = Integer.parseInt(configured.toString().trim());
            if (size > 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("property '" + ProducerConfig.MAX_REQUEST_SIZE_CONFIG
                + "' must be a positive whole number of bytes, but is '" + configured + "'");
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        if (transactionTimeout != null && sinkContext.getParallelInstanceId() == 0) {
            // The job may run against other brokers than the ones seen when it was built. One
            // subtask asks for the job, and a restart in the same JVM does not ask again.
            TransactionTimeoutCheck.checkOnceAgainstBrokers(
                    producerProperties, transactionTimeout, adminTimeout, TransactionTimeoutCheck.When.START);
        }
        if (keySchema != null) {
            keySchema.open(context);
        }
        valueSchema.open(context);
        deadLetterRecords = context.getMetricGroup().counter(TypedKafkaSink.DEAD_LETTER_RECORDS_METRIC);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String topic = null;
        byte[] key = null;
        byte[] value = null;
        boolean valueProduced = false;
        try {
            topic = topicSelector.apply(element);
            if (topic == null || topic.isEmpty()) {
                topic = null;
                throw new IllegalArgumentException(
                        "The topic selector returned no topic for a record of type " + typeOf(element));
            }
            key = keySchema == null ? null : keySchema.serialize(element);
            value = valueSchema.serialize(element);
            valueProduced = true;
            Headers headers = headerProvider == null ? null : headerProvider.getHeaders(element);
            int size = estimateSize(key, value, headers);
            if (size > maxRecordSize) {
                throw new RecordTooLargeException("The record is " + size + " bytes when serialized (Kafka's upper"
                        + " estimate for key, value and headers), larger than the maximum record size of "
                        + maxRecordSize + " bytes (" + ProducerConfig.MAX_REQUEST_SIZE_CONFIG
                        + " or setMaxRecordSize(...))");
            }
            // Kafka rejects negative timestamps; elements without one get the producer's time.
            Long recordTimestamp = !elementTimestamps || timestamp == null || timestamp < 0 ? null : timestamp;
            return new ProducerRecord<>(topic, null, recordTimestamp, key, value, headers);
        } catch (RuntimeException e) {
            if (TransientFailures.isTransient(e)) {
                throw e;
            }
            if (deadLetterTopic == null) {
                throw new UnwritableRecordException(topic, typeOf(element), e);
            }
            ProducerRecord<byte[], byte[]> deadLetter = deadLetter(element, topic, key, value, valueProduced, e);
            if (deadLetterRecords != null) {
                deadLetterRecords.inc();
            }
            return deadLetter;
        }
    }

    private ProducerRecord<byte[], byte[]> deadLetter(
            T element, String topic, byte[] key, byte[] value, boolean valueProduced, RuntimeException error) {
        Headers headers = new RecordHeaders();
        if (topic != null) {
            headers.add(SinkDeadLetterHeaders.SINK_TOPIC, topic.getBytes(UTF_8));
        }
        headers.add(
                SinkDeadLetterHeaders.ERROR_CLASS, error.getClass().getName().getBytes(UTF_8));
        headers.add(SinkDeadLetterHeaders.ERROR_MESSAGE, SinkDeadLetterText.errorMessage(error));
        if (valueProduced && value != null) {
            headers.add(
                    SinkDeadLetterHeaders.VALUE_SIZE,
                    Integer.toString(value.length).getBytes(UTF_8));
        }

        if (valueProduced && estimateSize(key, value, withValueHeaders(headers)) <= maxRecordSize) {
            addValueHeaders(headers, TypedKafkaSink.DEAD_LETTER_VALUE_SERIALIZED, false);
            return new ProducerRecord<>(deadLetterTopic, null, null, key, value, headers);
        }

        // The value is replaced by a description; it gets whatever room the rest leaves, at most the limit.
        Headers finalHeaders = withValueHeaders(headers);
        int room = maxRecordSize - estimateSize(key, new byte[0], finalHeaders) - VARINT_SLACK;
        if (key != null && room < 0) {
            key = null;
            headers.add(SinkDeadLetterHeaders.KEY_OMITTED, "true".getBytes(UTF_8));
            room = maxRecordSize - estimateSize(null, new byte[0], withValueHeaders(headers)) - VARINT_SLACK;
        }
        SinkDeadLetterText.Utf8Prefix description = SinkDeadLetterText.utf8Prefix(
                SinkDeadLetterText.describe(element),
                Math.max(0, Math.min(TypedKafkaSink.MAX_DEAD_LETTER_DESCRIPTION_BYTES, room)));
        addValueHeaders(headers, TypedKafkaSink.DEAD_LETTER_VALUE_DESCRIPTION, description.truncated());
        return new ProducerRecord<>(deadLetterTopic, null, null, key, description.bytes(), headers);
    }

    private static final Header[] NO_HEADERS = new Header[0];

    /** Room for the value's length prefix growing from 1 to at most 5 bytes, and rounding. */
    private static final int VARINT_SLACK = 16;

    /** The headers with the longest value headers they can get, for size estimates. */
    private static Headers withValueHeaders(Headers headers) {
        Headers copy = new RecordHeaders(headers.toArray());
        addValueHeaders(copy, TypedKafkaSink.DEAD_LETTER_VALUE_DESCRIPTION, false);
        return copy;
    }

    private static void addValueHeaders(Headers headers, String kind, boolean truncated) {
        headers.add(SinkDeadLetterHeaders.VALUE_KIND, kind.getBytes(UTF_8));
        headers.add(
                SinkDeadLetterHeaders.VALUE_TRUNCATED,
                Boolean.toString(truncated).getBytes(UTF_8));
    }

    private static int estimateSize(byte[] key, byte[] value, Headers headers) {
        Header[] array = headers == null ? NO_HEADERS : headers.toArray();
        // What KafkaProducer.send checks against max.request.size; compression does not change it for v2 batches.
        return AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value, array);
    }

    private static String typeOf(Object element) {
        return element == null ? "null" : element.getClass().getName();
    }
}
