package dev.streamingblocks.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.AvroRegistryDeserializationSchema;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClients;
import dev.streamingblocks.kafka.sink.testing.SinkReading;
import dev.streamingblocks.kafka.sink.testutils.Committed;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink against a real broker whose transaction.max.timeout.ms is 10 minutes: the checks at
 * attach and at job start, and a committed write with keys, headers and JSON values.
 */
class TypedKafkaSinkITCase {

    private static final Duration BROKER_MAX = Duration.ofMinutes(10);

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension(EmbeddedKafkaCluster.builder()
            .setBrokerConfig("transaction.max.timeout.ms", Long.toString(BROKER_MAX.toMillis())));

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** A value type written as JSON. */
    public record Reading(String sensor, long value, Instant at) {}

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        return env;
    }

    private static TypedKafkaSinkBuilder<Reading> sink(String topic, String prefix) {
        return TypedKafkaSink.<Reading>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(topic)
                .setKeyExtractor(Reading::sensor)
                .setHeaderProvider(r -> new RecordHeaders().add("unit", "celsius".getBytes(StandardCharsets.UTF_8)))
                .setValueSerializationSchema(new JsonValueSerializationSchema<>(Reading.class))
                .setTransactionalIdPrefix(prefix);
    }

    @Test
    void defaultTimeoutAboveBrokerMaximumFailsWhenAttached() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-attach");
        KAFKA.cluster().createTopic(topic, 1);
        StreamExecutionEnvironment env = env();
        TypedKafkaSink<Reading> sink = sink(topic, topic).build();
        assertThatThrownBy(() -> sink.sinkTo(env.fromData(new Reading("s", 1, Instant.EPOCH))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("transaction.timeout.ms (900000 ms) exceeds the broker's transaction.max.timeout.ms"
                        + " (600000 ms): lower it with setTransactionTimeout(...) or raise transaction.max.timeout.ms"
                        + " on the brokers");
    }

    @Test
    void timeoutAboveBrokerMaximumFailsWhenTheJobStarts() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-start");
        KAFKA.cluster().createTopic(topic, 1);
        StreamExecutionEnvironment env = env();
        sink(topic, topic)
                .setTransactionTimeout(Duration.ofMinutes(11))
                .setVerifyBrokerOnAttach(false)
                .build()
                .sinkTo(env.fromData(new Reading("s", 1, Instant.EPOCH)));
        assertThatThrownBy(() -> env.execute("start-check")).satisfies(e -> {
            Optional<Throwable> cause = ExceptionUtils.findThrowableWithMessage(
                    e, "transaction.timeout.ms (660000 ms) exceeds the broker's transaction.max.timeout.ms");
            assertThat(cause).isPresent();
            assertThat(cause.get().getMessage())
                    .isEqualTo("transaction.timeout.ms (660000 ms) exceeds the"
                            + " broker's transaction.max.timeout.ms (600000 ms): lower it with"
                            + " setTransactionTimeout(...) or raise transaction.max.timeout.ms on the brokers");
        });
        assertThat(Committed.readAll(KAFKA.cluster(), topic, Duration.ofSeconds(30)))
                .isEmpty();
    }

    @Test
    void writesKeysHeadersAndJsonValuesInCommittedTransactions() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-write");
        KAFKA.cluster().createTopic(topic, 1);
        StreamExecutionEnvironment env = env();
        List<Reading> readings = List.of(
                new Reading("s-1", 21, Instant.parse("2026-11-24T08:00:00Z")),
                new Reading("s-2", -3, Instant.parse("2026-11-24T08:00:01.5Z")));
        sink(topic, TypedKafkaSink.suggestTransactionalIdPrefix("eos write", topic))
                .setTransactionTimeout(Duration.ofMinutes(2))
                .setRestartMargin(Duration.ofMinutes(1))
                .build()
                .sinkTo(env.fromData(readings).setParallelism(1))
                .setParallelism(1); // one writer, so the topic keeps the input order
        env.execute("eos-write");

        List<ConsumerRecord<byte[], byte[]>> records =
                Committed.readAll(KAFKA.cluster(), topic, Duration.ofSeconds(30));
        assertThat(records.stream()
                        .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                        .collect(Collectors.toList()))
                .containsExactly("s-1", "s-2");
        assertThat(records.stream()
                        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                        .collect(Collectors.toList()))
                .containsExactly(
                        "{\"sensor\":\"s-1\",\"value\":21,\"at\":\"2026-11-24T08:00:00Z\"}",
                        "{\"sensor\":\"s-2\",\"value\":-3,\"at\":\"2026-11-24T08:00:01.500Z\"}");
        assertThat(records)
                .allSatisfy(r -> assertThat(r.headers().lastHeader("unit").value())
                        .isEqualTo("celsius".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writesAvroValuesInTheConfluentWireFormatRegisteredUnderTheTopicSubject() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-avro");
        KAFKA.cluster().createTopic(topic, 1);
        Map<String, String> registry = Map.of("schema.registry.url", REGISTRY.url());
        StreamExecutionEnvironment env = env();
        List<SinkReading> readings = List.of(new SinkReading("s-1", 1L), new SinkReading("s-2", 2L));
        TypedKafkaSink.<SinkReading>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(topic)
                .setKeyExtractor(SinkReading::getSensor)
                .setAvroValues(SinkReading.class, registry)
                .setTransactionalIdPrefix(topic)
                .setTransactionTimeout(Duration.ofMinutes(2))
                .setRestartMargin(Duration.ofMinutes(1))
                .build()
                .sinkTo(env.fromData(readings, new AvroTypeInfo<>(SinkReading.class))
                        .setParallelism(1))
                .setParallelism(1); // one writer, so the topic keeps the input order
        env.execute("eos-avro");

        AvroRegistryDeserializationSchema<SinkReading> reader = AvroRegistryDeserializationSchema.forSpecific(
                SinkReading.class, registry, SchemaRegistryClients::create);
        List<ConsumerRecord<byte[], byte[]>> records =
                Committed.readAll(KAFKA.cluster(), topic, Duration.ofSeconds(30));
        List<SinkReading> decoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(r.value()[0]).as("Confluent magic byte").isZero();
            decoded.add(reader.deserialize(r.value(), r.topic(), r.partition(), r.offset()));
        }
        assertThat(decoded).containsExactlyElementsOf(readings);
        try (var client = SchemaRegistryClients.create(registry)) {
            assertThat(client.getSubjects()).contains(topic + "-value");
        }
    }

    @Test
    void batchModeNeedsNoCheckpointing() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("eos-batch");
        KAFKA.cluster().createTopic(topic, 1);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        sink(topic, topic)
                .setTransactionTimeout(Duration.ofMinutes(2))
                .setRestartMargin(Duration.ofMinutes(1))
                .build()
                .sinkTo(env.fromData(new Reading("s-9", 9, Instant.EPOCH)));
        env.execute("eos-batch");
        assertThat(Committed.readAll(KAFKA.cluster(), topic, Duration.ofSeconds(30)))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("{\"sensor\":\"s-9\",\"value\":9,\"at\":\"1970-01-01T00:00:00Z\"}");
    }
}
