package dev.streamingblocks.examples.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.examples.clients.RuleProducer;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.fraud.rules.WindowKind;
import dev.streamingblocks.kafka.source.DeadLetterHeaders;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fraud job as {@code Main fraud} wires it by default: transactions and alerts in the Confluent
 * wire format with the registry, the article's tumbling and sliding rules, and rule changes from the
 * {@value FraudJob#RULES_TOPIC} topic sent with {@code produce --type rules}, where a record that is no
 * rule and a rule that could not run are dead-lettered and the job goes on; with the detector's side
 * outputs on Kafka ({@link FraudJob#kafkaSideOutputs}): a model rule the detector refuses reaches
 * {@value FraudJob#RULES_DEAD_LETTER_TOPIC} with its reason, a late transaction
 * {@value FraudJob#LATE_TRANSACTIONS_TOPIC} as it was written.
 */
class FraudRulesTopicITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    private static final String VIP_RULE =
            "{\"rule_id\":\"vip\",\"alert_type\":\"VIP_BURST\",\"window_kind\":\"SLIDING\","
                    + "\"amount_threshold\":5000.0,\"min_count\":2,\"window_millis\":300000,\"deleted\":false}";

    @Test
    void confluentFormatSlidingRuleAndARuleAddedAtRunTimeRaiseExactlyTheExpectedAlerts() throws Exception {
        for (String topic : List.of(
                FraudJob.TRANSACTIONS_TOPIC,
                FraudJob.ALERTS_TOPIC,
                FraudJob.DEAD_LETTER_TOPIC,
                FraudJob.ALERTS_DEAD_LETTER_TOPIC,
                FraudJob.RULES_TOPIC,
                FraudJob.RULES_DEAD_LETTER_TOPIC,
                FraudJob.LATE_TRANSACTIONS_TOPIC)) {
            KAFKA.cluster().createTopic(topic, 1, (short) 1, Map.of("retention.ms", "-1"));
        }
        Map<String, String> registry = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.enableCheckpointing(500);
        new FraudJob(
                        FraudJob.kafkaTransactions(
                                KAFKA.bootstrapServers(),
                                "fraud-rules-it",
                                StartingOffsets.earliest(),
                                Map.of(),
                                registry),
                        FraudJob.kafkaRuleUpdates(
                                KAFKA.bootstrapServers(), FraudJob.RULES_TOPIC, "fraud-rules-it", Map.of(), registry),
                        FraudJob.kafkaAlerts(
                                KAFKA.bootstrapServers(),
                                FraudJob.ALERTS_TOPIC,
                                FraudJob.ALERTS_DEAD_LETTER_TOPIC,
                                "fraud-rules-it",
                                Map.of(),
                                registry),
                        FraudJob.DEFAULT_RULES)
                .withSideOutputs(FraudJob.kafkaSideOutputs(
                        KAFKA.bootstrapServers(), FraudJob.RULES_TOPIC, "fraud-rules-it", Map.of(), registry))
                .attach(env);
        JobClient job = env.executeAsync("fraud");
        try {
            // Rule changes as a user sends them: a record that is no rule, a rule that could not run, a new rule.
            KAFKA.cluster()
                    .produce(List.of(new ProducerRecord<>(
                            FraudJob.RULES_TOPIC, "junk".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 42, 1
                            })));
            String sent = produceRule(VIP_RULE, registry);
            assertThat(sent).startsWith("Sent rule 'vip' to fraud-rules/0@");
            // Invalid for the job, though it decodes: min_count 0 (produce itself refuses it, so it is written raw).
            KAFKA.cluster()
                    .produce(List.of(new ProducerRecord<>(
                            FraudJob.RULES_TOPIC,
                            "zero".getBytes(StandardCharsets.UTF_8),
                            FraudSerdes.ruleSerializer(FraudJob.RULES_TOPIC, registry)
                                    .serialize(FraudRule.newBuilder()
                                            .setRuleId("zero")
                                            .setAlertType("ZERO")
                                            .setWindowKind(WindowKind.TUMBLING)
                                            .setAmountThreshold(1000.0)
                                            .setMinCount(0)
                                            .setWindowMillis(60_000L)
                                            .setDeleted(false)
                                            .build()))));
            // Valid as a record, refused by the detector: its model does not load.
            KAFKA.cluster()
                    .produce(List.of(new ProducerRecord<>(
                            FraudJob.RULES_TOPIC,
                            "broken".getBytes(StandardCharsets.UTF_8),
                            FraudSerdes.ruleSerializer(FraudJob.RULES_TOPIC, registry)
                                    .serialize(FraudRules.model(
                                            "broken",
                                            FraudRules.MODEL_SCORE,
                                            "broken@1",
                                            new byte[] {1, 2, 3, 4},
                                            0.5)))));
            List<ConsumerRecord<byte[], byte[]>> rejected =
                    KAFKA.cluster().consume(FraudJob.RULES_DEAD_LETTER_TOPIC, 3, TIMEOUT);
            // The source's dead letters (keyed as read) and the detector's (its reason as text) come on separate paths.
            assertThat(rejected)
                    .filteredOn(r -> r.headers().lastHeader(FraudJob.DEAD_LETTER_OPERATOR_HEADER) == null)
                    .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("junk", "zero");
            String refusal = "rule 'broken': Model of 4 bytes (version 'broken@1') does not load (";
            assertThat(rejected)
                    .filteredOn(r -> r.headers().lastHeader(FraudJob.DEAD_LETTER_OPERATOR_HEADER) != null)
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.key()).isNull();
                        assertThat(new String(r.value(), StandardCharsets.UTF_8))
                                .startsWith(refusal);
                        assertThat(header(r, FraudJob.DEAD_LETTER_OPERATOR_HEADER))
                                .isEqualTo(FraudDetection.DETECTOR_UID);
                        assertThat(header(r, DeadLetterHeaders.ERROR_MESSAGE))
                                .isEqualTo(new String(r.value(), StandardCharsets.UTF_8));
                        assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(FraudJob.RULES_TOPIC);
                    });

            // The rules topic has been read past the vip rule; now the transactions.
            SerializationSchema<Transaction> values =
                    FraudSerdes.transactionSerializer(FraudJob.TRANSACTIONS_TOPIC, registry);
            KAFKA.cluster()
                    .produce(List.of(
                            // In event-time order: were v1 read after a watermark past t(75), it would be late.
                            // vic: 2 over $5000 within 5 minutes: only the rule added at run time.
                            record(values, TransactionGenerator.transaction("v1", "vic", 6000.0, t(5))),
                            // ann: 3 over $1000 across the minute boundary: only the sliding rule sees them together.
                            record(values, TransactionGenerator.transaction("n1", "ann", 1500.0, t(50))),
                            record(values, TransactionGenerator.transaction("n2", "ann", 1500.0, t(70))),
                            record(values, TransactionGenerator.transaction("n3", "ann", 1500.0, t(80))),
                            record(values, TransactionGenerator.transaction("v2", "vic", 6000.0, t(200))),
                            // Moves event time past every window.
                            record(values, TransactionGenerator.transaction("z1", "zoe", 10.0, t(900)))));

            List<ConsumerRecord<byte[], byte[]>> written = KAFKA.cluster().consume(FraudJob.ALERTS_TOPIC, 2, TIMEOUT);
            assertThat(written)
                    .allSatisfy(r ->
                            assertThat(r.value()[0]).as("Confluent magic byte").isZero());
            DeserializationSchema<Alert> alerts = FraudSerdes.alertDeserializer(registry);
            assertThat(written)
                    .extracting(r -> alerts.deserialize(r.value()))
                    .containsExactlyInAnyOrder(
                            alert(
                                    "ann",
                                    FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS,
                                    FraudRules.ARTICLE_SLIDING_RULE_ID,
                                    t(50),
                                    t(110),
                                    3),
                            alert("vic", "VIP_BURST", "vip", t(5), t(305), 2));

            // Event time is past t(305) now: a transaction at t(60) is late and goes to its topic as it was written.
            Transaction late = TransactionGenerator.transaction("l1", "lou", 20.0, t(60));
            KAFKA.cluster().produce(List.of(record(values, late)));
            ConsumerRecord<byte[], byte[]> lateWritten = KAFKA.cluster()
                    .consume(FraudJob.LATE_TRANSACTIONS_TOPIC, 1, TIMEOUT)
                    .get(0);
            assertThat(new String(lateWritten.key(), StandardCharsets.UTF_8)).isEqualTo("lou");
            assertThat(lateWritten.value()[0]).as("Confluent magic byte").isZero();
            assertThat(FraudSerdes.transactionDeserializer(registry).deserialize(lateWritten.value()))
                    .isEqualTo(late);
        } finally {
            job.cancel().get();
        }
    }

    private static String produceRule(String json, Map<String, String> registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RuleProducer.send(
                KAFKA.bootstrapServers(),
                registry.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG),
                FraudJob.RULES_TOPIC,
                json,
                null,
                Map.of(),
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static ProducerRecord<byte[], byte[]> record(SerializationSchema<Transaction> values, Transaction tx) {
        return new ProducerRecord<>(
                FraudJob.TRANSACTIONS_TOPIC, tx.getUserId().getBytes(StandardCharsets.UTF_8), values.serialize(tx));
    }

    private static Alert alert(String user, String type, String ruleId, Instant start, Instant end, int count) {
        return Alert.newBuilder()
                .setUserId(user)
                .setAlertType(type)
                .setRuleId(ruleId)
                .setWindowStart(start)
                .setWindowEnd(end)
                .setTransactionCount(count)
                .build();
    }

    private static Instant t(long seconds) {
        return BEGINNING.plusSeconds(seconds);
    }
}
