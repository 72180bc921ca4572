package dev.streamingblocks.kafka.sink;

import dev.streamingblocks.kafka.sink.internal.CheckpointCheckedKafkaSink;
import dev.streamingblocks.kafka.sink.internal.TransactionTimeoutCheck;
import dev.streamingblocks.kafka.sink.internal.TransactionalIdPrefixRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Kafka sink for a typed {@code DataStream<T>}, exactly-once by default, whose transaction
 * settings are checked before the job can hurt anyone, and which sends what it cannot write to a
 * dead-letter topic; the counterpart of {@code TypedKafkaSource}. Built with {@link #builder()};
 * attach it with {@link #sinkTo(DataStream)}. {@code setDeliveryGuarantee(AT_LEAST_ONCE)} makes it
 * write without transactions (the source's dead-letter sink does so by default), which is why the
 * name does not say "exactly once".
 *
 * <pre>{@code
 * TypedKafkaSink<Order> sink = TypedKafkaSink.<Order>builder()
 *         .setBootstrapServers("broker:9092")
 *         .setTopic("orders-enriched")
 *         .setKeyExtractor(Order::orderId)
 *         .setValueSerializationSchema(new JsonValueSerializationSchema<>(Order.class))
 *         .setDeadLetterTopic("orders-enriched-dlq")
 *         .setTransactionalIdPrefix(
 *                 TypedKafkaSink.suggestTransactionalIdPrefix("order-enrichment", "enriched"))
 *         .build();
 * sink.sinkTo(orders);
 * }</pre>
 *
 * <p>What is checked when:
 * <ul>
 *   <li>{@code build()}: required properties, the transactional-id prefix's characters and length,
 *       and that the transaction timeout exceeds the restart margin.</li>
 *   <li>{@link #sinkTo(DataStream)}: no other sink of the job uses a clashing prefix, and (unless
 *       {@code setVerifyBrokerOnAttach(false)}) the timeout does not exceed the brokers'
 *       {@code transaction.max.timeout.ms}, read with the Admin client.</li>
 *   <li>Job graph built ({@code env.execute()}, {@code executeAsync()}, {@code getStreamGraph()}):
 *       checkpointing is enabled for exactly-once and the transaction timeout exceeds the job's
 *       checkpoint interval plus the restart margin. Judged on the finished environment, so
 *       {@code env.enableCheckpointing(...)} may come before or after {@code sinkTo}.</li>
 *   <li>Job start (sink subtask 0 only, at most once per JVM for the same bootstrap servers and
 *       timeout, unless {@code setVerifyBrokerOnStart(false)}): the broker maximum again, because
 *       the job may run against other brokers than the machine that built it saw.</li>
 * </ul>
 * Only a timeout above the brokers' maximum fails the broker checks. When the maximum cannot be
 * read (no DescribeConfigs permission on a managed Kafka, an old broker, a timeout), one warning
 * says why and what to check by hand, and the job goes on.
 * At-least-once sinks use no transactions, so only the first step applies to them.
 *
 * <p>Bad data does not stop the job when a dead-letter topic is set
 * ({@link TypedKafkaSinkBuilder#setDeadLetterTopic(String)}): an element whose topic selector,
 * key or value schema or header provider throws, or whose record is larger than the producer's
 * {@code max.request.size} (or {@link TypedKafkaSinkBuilder#setMaxRecordSize(int)}), is written
 * to that topic instead, in the same transaction, with the {@link SinkDeadLetterHeaders}, and counted
 * in {@value #DEAD_LETTER_RECORDS_METRIC}. Without one, it fails the job with an
 * {@link UnwritableRecordException} naming the topic, the element type and the cause.
 */
public final class TypedKafkaSink<T> {

    /**
     * Leaves room for Flink's {@code -<subtask>-<checkpoint>} suffix (at most 31 characters) under
     * 249 characters, the length Kafka allows for its other names (topics), so ids stay usable in
     * tools and metric names.
     */
    public static final int MAX_TRANSACTIONAL_ID_PREFIX_LENGTH = 200;

    /** Characters allowed in a prefix: the same set Kafka allows in topic names. */
    public static final Pattern TRANSACTIONAL_ID_PREFIX_PATTERN = Pattern.compile("[a-zA-Z0-9._-]+");

    private static final Pattern NOT_ALLOWED = Pattern.compile("[^a-z0-9._-]+");

    /** Kafka's default {@code max.request.size}: the largest record a producer sends unless configured. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    /** The counter, on the sink's writer, of records sent to the dead-letter topic instead of their own. */
    public static final String DEAD_LETTER_RECORDS_METRIC = "deadLetterRecords";

    /** The largest element description a dead letter carries in place of a value, in UTF-8 bytes. */
    public static final int MAX_DEAD_LETTER_DESCRIPTION_BYTES = 64 * 1024;

    /** The longest error message a dead letter's header carries, in UTF-8 bytes. */
    public static final int MAX_DEAD_LETTER_ERROR_MESSAGE_BYTES = 4 * 1024;

    /** {@link SinkDeadLetterHeaders#VALUE_KIND} of a dead letter whose value is the serialized value. */
    public static final String DEAD_LETTER_VALUE_SERIALIZED = "serialized";

    /** {@link SinkDeadLetterHeaders#VALUE_KIND} of a dead letter whose value describes the element. */
    public static final String DEAD_LETTER_VALUE_DESCRIPTION = "description";

    private final KafkaSink<T> kafkaSink;
    private final DeliveryGuarantee deliveryGuarantee;
    private final String transactionalIdPrefix;
    private final Duration transactionTimeout;
    private final Duration restartMargin;
    private final boolean verifyBrokerOnAttach;
    private final Duration adminTimeout;
    private final Properties producerProperties;

    TypedKafkaSink(
            KafkaSink<T> kafkaSink,
            DeliveryGuarantee deliveryGuarantee,
            String transactionalIdPrefix,
            Duration transactionTimeout,
            Duration restartMargin,
            boolean verifyBrokerOnAttach,
            Duration adminTimeout,
            Properties producerProperties) {
        this.kafkaSink = kafkaSink;
        this.deliveryGuarantee = deliveryGuarantee;
        this.transactionalIdPrefix = transactionalIdPrefix;
        this.transactionTimeout = transactionTimeout;
        this.restartMargin = restartMargin;
        this.verifyBrokerOnAttach = verifyBrokerOnAttach;
        this.adminTimeout = adminTimeout;
        this.producerProperties = producerProperties;
    }

    /** A new builder; see the class Javadoc for what is required. */
    public static <T> TypedKafkaSinkBuilder<T> builder() {
        return new TypedKafkaSinkBuilder<>();
    }

    /**
     * Runs the attach-time checks and adds the sink to the stream, named and with a uid
     * {@code kafka-sink-<prefix>} for exactly-once sinks (the prefix is unique in the job and must
     * stay stable across restarts anyway). Returns the sink so callers may override name or uid.
     *
     * <p>Checkpointing is judged later, when the job graph is built ({@code execute()},
     * {@code executeAsync()}, {@code getStreamGraph()}), so it may be enabled before or after this
     * call; a failure then surfaces from those calls, before the job runs.
     *
     * @throws IllegalStateException naming the offending setting if a check fails
     */
    public DataStreamSink<T> sinkTo(DataStream<T> stream) {
        StreamExecutionEnvironment env = stream.getExecutionEnvironment();
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            if (verifyBrokerOnAttach) {
                TransactionTimeoutCheck.checkAgainstBrokers(
                        producerProperties, transactionTimeout, adminTimeout, TransactionTimeoutCheck.When.ATTACH);
            }
            TransactionalIdPrefixRegistry.register(env, transactionalIdPrefix);
            String uid = "kafka-sink-" + transactionalIdPrefix;
            return stream.sinkTo(new CheckpointCheckedKafkaSink<>(kafkaSink, transactionTimeout, restartMargin))
                    .name(uid)
                    .uid(uid);
        }
        return stream.sinkTo(kafkaSink);
    }

    /** The Flink sink, for callers that attach it themselves (skipping the job-level checks). */
    public KafkaSink<T> getKafkaSink() {
        return kafkaSink;
    }

    public DeliveryGuarantee getDeliveryGuarantee() {
        return deliveryGuarantee;
    }

    /** The prefix, or {@code null} for an at-least-once sink. */
    public String getTransactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    public Duration getTransactionTimeout() {
        return transactionTimeout;
    }

    public Duration getRestartMargin() {
        return restartMargin;
    }

    /**
     * A stable, valid prefix from the job and sink names: lower-cased, each run of other characters
     * replaced by '-', joined with '.'; too long a result is shortened and ends with a hash of the
     * full names so different long names stay different. Stable across runs, as a prefix must be:
     * Flink aborts a previous run's lingering transactions by their prefix.
     */
    public static String suggestTransactionalIdPrefix(String jobName, String sinkName) {
        String job = sanitize(jobName, "jobName");
        String sink = sanitize(sinkName, "sinkName");
        String joined = job + "." + sink;
        if (joined.length() <= MAX_TRANSACTIONAL_ID_PREFIX_LENGTH) {
            return joined;
        }
        String hash = sha256Hex(jobName + "\u0000" + sinkName).substring(0, 8);
        return joined.substring(0, MAX_TRANSACTIONAL_ID_PREFIX_LENGTH - hash.length() - 1) + "-" + hash;
    }

    private static String sanitize(String name, String what) {
        if (name == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        String cleaned = NOT_ALLOWED
                .matcher(name.toLowerCase(Locale.ROOT))
                .replaceAll("-")
                .replaceAll("^-+|-+$", "");
        if (cleaned.isEmpty()) {
            throw new IllegalArgumentException(
                    what + " '" + name + "' has no letters or digits to build a transactional-id prefix from");
        }
        return cleaned;
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public String toString() {
        // Producer properties are left out on purpose: they may hold sasl.jaas.config passwords.
        return "TypedKafkaSink{deliveryGuarantee=" + deliveryGuarantee.name()
                + ", transactionalIdPrefix=" + transactionalIdPrefix
                + ", transactionTimeout=" + transactionTimeout
                + ", restartMargin=" + restartMargin + "}";
    }
}
