package dev.streamingblocks.kafka.sink.internal;

import java.time.Duration;
import java.util.Properties;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.HeaderProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.TopicSelector;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Turns an element into a {@link ProducerRecord} from a topic selector, optional key schema,
 * value schema and header provider; a {@code null} value is written as a tombstone.
 *
 * <p>{@link #open} runs once per sink subtask when the job starts; in subtask 0 it checks the
 * transaction timeout against the brokers the job actually writes to (once per JVM, see
 * {@link TransactionTimeoutCheck#checkOnceAgainstBrokers}).
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
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
            throws Exception {
        if (transactionTimeout != null && sinkContext.getParallelInstanceId() == 0) {
            // The job may run against other brokers than the ones seen when it was built. One
            // subtask asks for the job, and a restart in the same JVM does not ask again.
            TransactionTimeoutCheck.checkOnceAgainstBrokers(producerProperties, transactionTimeout, adminTimeout,
                    TransactionTimeoutCheck.When.START);
        }
        if (keySchema != null) {
            keySchema.open(context);
        }
        valueSchema.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context,
            Long timestamp) {
        String topic = topicSelector.apply(element);
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("The topic selector returned no topic for a record of type "
                    + element.getClass().getName());
        }
        byte[] key = keySchema == null ? null : keySchema.serialize(element);
        byte[] value = valueSchema.serialize(element);
        Headers headers = headerProvider == null ? null : headerProvider.getHeaders(element);
        // Kafka rejects negative timestamps; elements without one get the producer's time.
        Long recordTimestamp = timestamp == null || timestamp < 0 ? null : timestamp;
        return new ProducerRecord<>(topic, null, recordTimestamp, key, value, headers);
    }
}
