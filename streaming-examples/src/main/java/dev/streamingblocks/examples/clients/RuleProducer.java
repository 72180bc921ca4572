package dev.streamingblocks.examples.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code Main produce --type rules}: one fraud rule change to the rules topic, keyed by rule id, in the
 * Confluent wire format (or plain Avro without a registry). A rule is given as Avro's JSON encoding of
 * {@link FraudRule}, so every field the rule type has, now or after it evolves, can be set without a
 * new option here; a deletion needs only the id.
 */
public final class RuleProducer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RuleProducer() {}

    public static void send(
            String bootstrapServers,
            String schemaRegistryUrl,
            String topic,
            String ruleJson,
            String deleteRuleId,
            Map<String, String> kafkaProperties,
            Map<String, String> registryProperties,
            PrintStream out) {
        FraudRule rule = rule(ruleJson, deleteRuleId);
        SerializationSchema<FraudRule> values;
        if (schemaRegistryUrl == null) {
            values = FraudSerdes.ruleSerializer();
        } else {
            Map<String, Object> registry = new HashMap<>(registryProperties);
            registry.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl);
            values = FraudSerdes.ruleSerializer(topic, registry);
        }
        Map<String, Object> config = new HashMap<>(kafkaProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, rule.getRuleId(), values.serialize(rule)))
                    .get();
            out.println((rule.getDeleted() ? "Deleted rule '" : "Sent rule '") + rule.getRuleId() + "' to "
                    + sent.topic() + "/" + sent.partition() + "@" + sent.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending rule '" + rule.getRuleId() + "'", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Could not send rule '" + rule.getRuleId() + "' to " + topic + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** The rule from its JSON, or a deletion; refuses a rule the fraud job would dead-letter. */
    static FraudRule rule(String ruleJson, String deleteRuleId) {
        if ((ruleJson == null) == (deleteRuleId == null)) {
            throw new IllegalArgumentException(
                    "produce --type rules: give exactly one of --rule JSON and" + " --delete-rule ID");
        }
        if (deleteRuleId != null) {
            return FraudRules.deletion(deleteRuleId);
        }
        FraudRule rule;
        try {
            rule = new SpecificDatumReader<>(FraudRule.class)
                    .read(null, DecoderFactory.get().jsonDecoder(FraudRule.getClassSchema(), withDefaults(ruleJson)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "produce --type rules: --rule is not a FraudRule in Avro's JSON" + " encoding (" + e.getMessage()
                            + "); fields: " + FraudRule.getClassSchema().getFields());
        }
        FraudRules.problem(rule).ifPresent(problem -> {
            throw new IllegalArgumentException("produce --type rules: " + problem);
        });
        return rule;
    }

    /**
     * Avro's JSON decoder wants every field, even one with a default; a user's rule written before a
     * field was added (the optional {@code model}) would be refused. Absent fields get their schema
     * default, so the JSON stays as short as the rule.
     */
    private static String withDefaults(String ruleJson) throws IOException {
        JsonNode parsed = JSON.readTree(ruleJson);
        if (!(parsed instanceof ObjectNode json)) {
            return ruleJson; // the decoder names what is wrong
        }
        for (Schema.Field field : FraudRule.getClassSchema().getFields()) {
            if (!json.has(field.name()) && field.hasDefaultValue()) {
                Object defaultValue = field.defaultVal();
                json.set(
                        field.name(),
                        defaultValue == JsonProperties.NULL_VALUE
                                ? NullNode.getInstance()
                                : JSON.valueToTree(defaultValue));
            }
        }
        return JSON.writeValueAsString(json);
    }
}
