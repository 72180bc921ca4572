package dev.streamingblocks.fraud;

import dev.streamingblocks.core.avro.AvroRegistryDeserializationSchema;
import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.fraud.internal.PlainAvroDeserializationSchema;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.kafka.source.RecordValidator;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.formats.avro.AvroDeserializationSchema;
import org.apache.flink.formats.avro.AvroSerializationSchema;

/**
 * How the fraud records look on Kafka, the record key being the user id as UTF-8 for transactions
 * and alerts, so all of one user's records share a partition. Two value formats: the Confluent wire
 * format with the schema registry (the methods taking a registry config, Confluent's keys as in
 * {@code AvroSerdeConfig}; what the examples' {@code fraud} job uses by default), so any Confluent
 * consumer reads them and their schemas can evolve; or plain Avro binary of the generated classes (no
 * registry header; the methods without a config), whose readers need the schemas in {@code src/main/avro}.
 *
 * <pre>{@code
 * TypedKafkaSink<Alert> alerts = TypedKafkaSink.<Alert>builder()
 *         .setBootstrapServers(bootstrap)
 *         .setTopic("fraud-alerts")
 *         .setKeyExtractor(Alert::getUserId)
 *         .setValueSerializationSchema(FraudSerdes.alertSerializer())
 *         .setTransactionalIdPrefix("fraud-detection.alerts")
 *         .build();
 * }</pre>
 */
public final class FraudSerdes {

    /** Longest {@code transaction_id} or {@code user_id} {@link #transactionValidator()} accepts, in characters. */
    public static final int MAX_ID_LENGTH = 1024;

    private FraudSerdes() {}

    /**
     * Reads transactions strictly: a tombstone ({@code TombstoneException}), an empty, truncated or
     * over-long value ({@link MalformedFraudRecordException}) fails, so a source with a dead-letter
     * policy keeps it instead of dropping it unseen. Values are checked by {@link #transactionValidator()}
     * when the source is given it.
     */
    public static DeserializationSchema<Transaction> transactionDeserializer() {
        return new PlainAvroDeserializationSchema<>(Transaction.class);
    }

    /**
     * The problems a transaction may have although it decodes: {@code transaction_id} or
     * {@code user_id} blank or longer than {@value #MAX_ID_LENGTH} characters (the user id keys the
     * alerts), {@code amount} not finite or negative, {@code timestamp} missing (null)
     * or negative. For {@code TypedKafkaSource.Builder.setRecordValidator}.
     */
    public static RecordValidator<Transaction> transactionValidator() {
        return FraudSerdes::transactionProblem;
    }

    /**
     * A rules-topic record's problem, as {@link FraudRules#problem}: such a rule is refused at the
     * source (dead letter) rather than on the detector's {@code REJECTED_RULES} side output.
     */
    public static RecordValidator<FraudRule> ruleValidator() {
        return FraudRules::problem;
    }

    static Optional<String> transactionProblem(Transaction tx) {
        if (tx.getTransactionId() == null || tx.getTransactionId().isBlank()) {
            return Optional.of(
                    "Transaction field 'transaction_id' must not be blank, but was " + quoted(tx.getTransactionId()));
        }
        if (tx.getTransactionId().length() > MAX_ID_LENGTH) {
            return Optional.of("Transaction field 'transaction_id' is "
                    + tx.getTransactionId().length() + " characters long, more than " + MAX_ID_LENGTH);
        }
        String where = "Transaction '" + cut(tx.getTransactionId()) + "': ";
        if (tx.getUserId() == null || tx.getUserId().isBlank()) {
            return Optional.of(where + "field 'user_id' must not be blank, but was " + quoted(tx.getUserId()));
        }
        if (tx.getUserId().length() > MAX_ID_LENGTH) {
            return Optional.of(where + "field 'user_id' is " + tx.getUserId().length() + " characters long, more than "
                    + MAX_ID_LENGTH);
        }
        double amount = tx.getAmount();
        if (!Double.isFinite(amount) || amount < 0) {
            return Optional.of(where + "field 'amount' must be a finite number >= 0, but was " + amount);
        }
        if (tx.getTimestamp() == null) {
            return Optional.of(where + "field 'timestamp' is missing (null)");
        }
        if (tx.getTimestamp().toEpochMilli() < 0) {
            return Optional.of(where + "field 'timestamp' must not be before 1970, but was " + tx.getTimestamp());
        }
        return Optional.empty();
    }

    private static String quoted(String s) {
        return s == null ? "null" : "'" + cut(s) + "'";
    }

    /** Long ids are cut short in messages. */
    private static String cut(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...(" + s.length() + " characters)";
    }

    /** Reads Confluent-wire-format transactions, strictly (bad bytes fail; dead-letter them at the source). */
    public static DeserializationSchema<Transaction> transactionDeserializer(Map<String, ?> registryConfig) {
        return AvroRegistryDeserializationSchema.forSpecific(Transaction.class, registryConfig);
    }

    /** Writes transactions to {@code topic} in the Confluent wire format (subject {@code <topic>-value}). */
    public static SerializationSchema<Transaction> transactionSerializer(String topic, Map<String, ?> registryConfig) {
        return AvroRegistrySerializationSchema.forSpecific(Transaction.class, topic, registryConfig);
    }

    /** Reads Confluent-wire-format rule records, strictly; check them with {@link #ruleValidator()}. */
    public static DeserializationSchema<FraudRule> ruleDeserializer(Map<String, ?> registryConfig) {
        return AvroRegistryDeserializationSchema.forSpecific(FraudRule.class, registryConfig);
    }

    public static SerializationSchema<FraudRule> ruleSerializer(String topic, Map<String, ?> registryConfig) {
        return AvroRegistrySerializationSchema.forSpecific(FraudRule.class, topic, registryConfig);
    }

    public static SerializationSchema<Alert> alertSerializer(String topic, Map<String, ?> registryConfig) {
        return AvroRegistrySerializationSchema.forSpecific(Alert.class, topic, registryConfig);
    }

    public static DeserializationSchema<Alert> alertDeserializer(Map<String, ?> registryConfig) {
        return AvroRegistryDeserializationSchema.forSpecific(Alert.class, registryConfig);
    }

    public static SerializationSchema<Transaction> transactionSerializer() {
        return AvroSerializationSchema.forSpecific(Transaction.class);
    }

    /** Reads rules strictly, as {@link #transactionDeserializer()}; check them with {@link #ruleValidator()}. */
    public static DeserializationSchema<FraudRule> ruleDeserializer() {
        return new PlainAvroDeserializationSchema<>(FraudRule.class);
    }

    public static SerializationSchema<FraudRule> ruleSerializer() {
        return AvroSerializationSchema.forSpecific(FraudRule.class);
    }

    public static SerializationSchema<Alert> alertSerializer() {
        return AvroSerializationSchema.forSpecific(Alert.class);
    }

    public static DeserializationSchema<Alert> alertDeserializer() {
        return AvroDeserializationSchema.forSpecific(Alert.class);
    }

    /** For Flink's own {@code KafkaSink}: alerts to {@code topic}, keyed by user id, Avro binary values. */
    public static KafkaRecordSerializationSchema<Alert> alertRecordSerializer(String topic) {
        return KafkaRecordSerializationSchema.<Alert>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new UserIdKey())
                .setValueSerializationSchema(AvroSerializationSchema.forSpecific(Alert.class))
                .build();
    }

    private static final class UserIdKey implements SerializationSchema<Alert> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(Alert alert) {
            return alert.getUserId().getBytes(StandardCharsets.UTF_8);
        }
    }
}
