package dev.streamingblocks.examples.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fraud job on a real broker: known transactions in, exactly the expected alerts out, once each. */
class FraudJobITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    private static Instant t(long seconds) {
        return BEGINNING.plusSeconds(seconds);
    }

    @ParameterizedTest
    @EnumSource(FraudDetection.Evaluation.class)
    void threeLargeTransactionsInOneMinuteRaiseExactlyOneAlertAndPoisonPillsGoToTheDeadLetterTopic(
            FraudDetection.Evaluation evaluation) throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("transactions");
        String out = EmbeddedKafkaCluster.uniqueTopicName("fraud-alerts");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("transactions-dlq");
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(in, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(out, 1, (short) 1, keep);
        KAFKA.cluster().createTopic(dlq, 1, (short) 1, keep);

        List<Transaction> input = List.of(
                // alice: three over $1000 in minute 0 -> one alert
                TransactionGenerator.transaction("a1", "alice", 1200.0, t(5)),
                TransactionGenerator.transaction("a2", "alice", 1000.01, t(20)),
                TransactionGenerator.transaction("a3", "alice", 5000.0, t(50)),
                // bob: two over $1000 in minute 0, a third in minute 1 -> no alert
                TransactionGenerator.transaction("b1", "bob", 2000.0, t(10)),
                TransactionGenerator.transaction("b2", "bob", 2000.0, t(30)),
                TransactionGenerator.transaction("b3", "bob", 2000.0, t(65)),
                // carol: three at exactly $1000, which is not over it -> no alert
                TransactionGenerator.transaction("c1", "carol", 1000.0, t(1)),
                TransactionGenerator.transaction("c2", "carol", 1000.0, t(2)),
                TransactionGenerator.transaction("c3", "carol", 1000.0, t(3)),
                // moves event time on past minute 1
                TransactionGenerator.transaction("d1", "dave", 10.0, t(200)));
        SerializationSchema<Transaction> serializer = FraudSerdes.transactionSerializer();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Transaction tx : input) {
            records.add(new ProducerRecord<>(in, utf8(tx.getUserId()), serializer.serialize(tx)));
        }
        records.add(new ProducerRecord<>(in, utf8("poison"), utf8("not avro")));
        KAFKA.cluster().produce(records);

        TypedKafkaSource<Transaction> source = FraudJob.kafkaSourceBuilder(KAFKA.bootstrapServers(), "fraud-it")
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        StreamExecutionEnvironment env = environment();
        new FraudJob(e -> source.attach(e).records(), FraudJob.kafkaAlerts(KAFKA.bootstrapServers(), out, "fraud-it"))
                .withEvaluation(evaluation)
                .attach(env);
        env.execute("fraud-it");

        DeserializationSchema<Alert> alerts = FraudSerdes.alertDeserializer();
        // consume() reads read_committed and fails on any record beyond the one expected.
        List<ConsumerRecord<byte[], byte[]>> written = KAFKA.cluster().consume(out, 1, Duration.ofSeconds(30));
        assertThat(written).hasSize(1);
        Alert alert = alerts.deserialize(written.get(0).value());
        assertThat(new String(written.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("alice");
        assertThat(alert)
                .isEqualTo(Alert.newBuilder()
                        .setUserId("alice")
                        .setAlertType(FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS)
                        .setRuleId(FraudRules.ARTICLE_RULE_ID)
                        .setWindowStart(t(0))
                        .setWindowEnd(t(60))
                        .setTransactionCount(3)
                        .build());
        List<ConsumerRecord<byte[], byte[]>> deadLetters = KAFKA.cluster().consume(dlq, 1, Duration.ofSeconds(30));
        assertThat(deadLetters)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("not avro");
    }

    static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        return env;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
