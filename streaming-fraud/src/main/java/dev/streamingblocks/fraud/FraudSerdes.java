package dev.streamingblocks.fraud;

import dev.streamingblocks.fraud.rules.FraudRule;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.formats.avro.AvroDeserializationSchema;
import org.apache.flink.formats.avro.AvroSerializationSchema;

import java.nio.charset.StandardCharsets;

/**
 * How the fraud records look on Kafka: plain Avro binary of the generated classes (no registry
 * header), the record key being the user id as UTF-8 for transactions and alerts, so all of one
 * user's records share a partition. Readers need the schemas in {@code src/main/avro}.
 *
 * <pre>{@code
 * ExactlyOnceKafkaSink<Alert> alerts = ExactlyOnceKafkaSink.<Alert>builder()
 *         .setBootstrapServers(bootstrap)
 *         .setTopic("fraud-alerts")
 *         .setKeyExtractor(Alert::getUserId)
 *         .setValueSerializationSchema(FraudSerdes.alertSerializer())
 *         .setTransactionalIdPrefix("fraud-detection.alerts")
 *         .build();
 * }</pre>
 */
public final class FraudSerdes {

    private FraudSerdes() {}

    public static DeserializationSchema<Transaction> transactionDeserializer() {
        return AvroDeserializationSchema.forSpecific(Transaction.class);
    }

    public static SerializationSchema<Transaction> transactionSerializer() {
        return AvroSerializationSchema.forSpecific(Transaction.class);
    }

    public static DeserializationSchema<FraudRule> ruleDeserializer() {
        return AvroDeserializationSchema.forSpecific(FraudRule.class);
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
