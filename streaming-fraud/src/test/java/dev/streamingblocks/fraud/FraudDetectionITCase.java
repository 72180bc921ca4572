package dev.streamingblocks.fraud;

import static dev.streamingblocks.fraud.rules.FraudRules.ARTICLE_RULE_ID;
import static dev.streamingblocks.fraud.rules.FraudRules.ARTICLE_SLIDING_RULE_ID;
import static dev.streamingblocks.fraud.rules.FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
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
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transactions in Kafka (three partitions, one left empty) through the detector at parallelism 2
 * to alerts in Kafka through the exactly-once sink (read back {@code read_committed}), with an
 * empty rules topic wired in as in production.
 */
class FraudDetectionITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    /** Records carry fixed past timestamps: keep Kafka from deleting them by retention. */
    private static final Map<String, String> KEEP_FOREVER = Map.of("retention.ms", "-1");

    private int nextId;

    @Test
    void alertsForTheArticleRuleAndTheStraddlingBurstLandInKafka() throws Exception {
        EmbeddedKafkaCluster kafka = KAFKA.cluster();
        String transactionsTopic = EmbeddedKafkaCluster.uniqueTopicName("transactions");
        String rulesTopic = EmbeddedKafkaCluster.uniqueTopicName("fraud-rules");
        String alertsTopic = EmbeddedKafkaCluster.uniqueTopicName("fraud-alerts");
        kafka.createTopic(transactionsTopic, 3, (short) 1, KEEP_FOREVER);
        kafka.createTopic(rulesTopic, 1, (short) 1, KEEP_FOREVER);
        kafka.createTopic(alertsTopic, 1, (short) 1, KEEP_FOREVER);

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // alice on partition 0: three over $1000 (and one of exactly $1000) in 12:00-12:01
        records.add(tx(transactionsTopic, 0, "alice", 10, 1500.00));
        records.add(tx(transactionsTopic, 0, "alice", 20, 1000.00));
        records.add(tx(transactionsTopic, 0, "alice", 40, 3000.00));
        // 4 s behind the newest: on time whenever the periodic watermark happens to be emitted
        records.add(tx(transactionsTopic, 0, "alice", 36, 2500.00));
        // bob on partition 1: a burst straddling 12:01, which only the sliding rule catches
        records.add(tx(transactionsTopic, 1, "bob", 50, 1200.00));
        records.add(tx(transactionsTopic, 1, "bob", 65, 1300.00));
        records.add(tx(transactionsTopic, 1, "bob", 70, 1400.00));
        records.add(tx(transactionsTopic, 1, "bob", 130, 999.99));
        // small transactions ten minutes later move event time past every window
        records.add(tx(transactionsTopic, 0, "carol", 600, 5.00));
        records.add(tx(transactionsTopic, 1, "dave", 600, 5.00));
        // partition 2 stays empty
        kafka.produce(records);

        StreamExecutionEnvironment env = environment();
        DataStream<Transaction> transactions = TypedKafkaSource.<Transaction>builder()
                .setName("transactions-source")
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(transactionsTopic)
                .setGroupId("fraud-it-" + transactionsTopic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setValueDeserializer(FraudSerdes.transactionDeserializer())
                .setWatermarkStrategy(EventTimeWatermarkStrategy.<Transaction>builder()
                        .setAvroTimestampField("timestamp")
                        .setMaxOutOfOrderness(FraudDetection.MAX_OUT_OF_ORDERNESS)
                        .build())
                .setIdleness(Duration.ofSeconds(1))
                .build()
                .attach(env)
                .records();
        DataStream<FraudRule> ruleUpdates = TypedKafkaSource.<FraudRule>builder()
                .setName("fraud-rules-source")
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(rulesTopic)
                .setGroupId("fraud-it-" + rulesTopic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setValueDeserializer(FraudSerdes.ruleDeserializer())
                .setParallelism(1)
                .build()
                .attach(env)
                .records();

        DataStream<Alert> alerts = FraudDetection.builder()
                .setRules(FraudRules.articleRule(), FraudRules.articleSlidingRule())
                .build()
                .apply(transactions, ruleUpdates);
        TypedKafkaSink.<Alert>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopic(alertsTopic)
                .setKeyExtractor(Alert::getUserId)
                .setValueSerializationSchema(FraudSerdes.alertSerializer())
                .setTransactionalIdPrefix(alertsTopic)
                .build()
                .sinkTo(alerts);

        JobClient job = env.executeAsync("fraud-detection-it");
        List<ConsumerRecord<byte[], byte[]>> out;
        try {
            out = kafka.consume(alertsTopic, 3, Duration.ofSeconds(120));
        } finally {
            job.cancel().get();
        }

        DeserializationSchema<Alert> alertSchema = FraudSerdes.alertDeserializer();
        List<Alert> received = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : out) {
            received.add(alertSchema.deserialize(record.value()));
            keys.add(new String(record.key(), StandardCharsets.UTF_8));
        }
        assertThat(received)
                .containsExactlyInAnyOrder(
                        alert("alice", ARTICLE_RULE_ID, 0, 60, 3),
                        alert("alice", ARTICLE_SLIDING_RULE_ID, 10, 70, 3),
                        alert("bob", ARTICLE_SLIDING_RULE_ID, 50, 110, 3));
        assertThat(keys).containsExactlyInAnyOrder("alice", "alice", "bob");
    }

    private static StreamExecutionEnvironment environment() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        // the exactly-once alert sink commits on checkpoints
        env.enableCheckpointing(500);
        return env;
    }

    private ProducerRecord<byte[], byte[]> tx(String topic, int partition, String user, long seconds, double amount) {
        Instant at = BEGINNING.plusSeconds(seconds);
        Transaction tx = new Transaction("tx-" + nextId++, user, amount, at);
        SerializationSchema<Transaction> serializer = FraudSerdes.transactionSerializer();
        return new ProducerRecord<>(
                topic, partition, at.toEpochMilli(), user.getBytes(StandardCharsets.UTF_8), serializer.serialize(tx));
    }

    private static Alert alert(String user, String ruleId, long startSeconds, long endSeconds, int count) {
        return new Alert(
                user,
                HIGH_FREQUENCY_LARGE_TRANSACTIONS,
                ruleId,
                BEGINNING.plusSeconds(startSeconds),
                BEGINNING.plusSeconds(endSeconds),
                count,
                null,
                null);
    }
}
