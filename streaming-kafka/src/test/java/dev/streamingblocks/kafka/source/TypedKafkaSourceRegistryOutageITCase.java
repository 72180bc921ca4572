package dev.streamingblocks.kafka.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig;
import dev.streamingblocks.core.avro.registry.SchemaRegistryUnavailableException;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.sink.testutils.Committed;
import dev.streamingblocks.kafka.testing.PaymentEvent;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema registry outage in the middle of a running exactly-once job that reads Avro with
 * {@code setAvroValue} and sends data errors to a dead-letter topic. It proves, in order:
 *
 * <ol>
 *   <li>records whose writer schema id the deserializer has already fetched keep flowing while the
 *       registry is down;
 *   <li>the first record with a schema id the job has not seen (v2, registered by the producer
 *       before the outage) fails the job with the transient-failure message naming the record and
 *       the {@link SchemaRegistryUnavailableException}, after the registry client's own bounded
 *       retries; it is not dead-lettered. The restart strategy (exponential delay) restarts the job
 *       from its last checkpoint, and a restarted job fails again while the registry is down (it
 *       must fetch every id again): the test waits for at least two restarts;
 *   <li>once the registry is back on the same port (same storage file), the job runs again and the
 *       read_committed output is exactly the input, v1 and v2 records, each once; the dead-letter
 *       topic is empty; the job is RUNNING, not FAILED.
 * </ol>
 */
class TypedKafkaSourceRegistryOutageITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int WARM_UP = 20;
    private static final int CACHED_DURING_OUTAGE = 20;
    private static final int NEW_SCHEMA = 10;
    private static final int AFTER_NEW_SCHEMA = 10;
    private static final String SOURCE_NAME = "registry-outage-source";

    /** PaymentEvent with an optional field: a compatible evolution whose id the job has not fetched. */
    private static final Schema PAYMENT_V2 = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"PaymentEvent\",\"namespace\":\"dev.streamingblocks.kafka.testing\","
                    + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"account\",\"type\":\"string\"},"
                    + "{\"name\":\"amount_cents\",\"type\":\"long\"},{\"name\":\"event_time\",\"type\":\"long\"},"
                    + "{\"name\":\"channel\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @Test
    void cachedIdsFlowDuringTheOutageANewIdIsRetriedNotDeadLetteredAndFlowsOnceTheRegistryIsBack(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path tmp) throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("outage-payments");
        String output = topic + "-out";
        String dlq = topic + "-dlq";
        KAFKA.cluster().createTopic(topic, 1);
        KAFKA.cluster().createTopic(output, 1);
        KAFKA.cluster().createTopic(dlq, 1);
        Path storage = tmp.resolve("registry.jsonl");
        EmbeddedSchemaRegistry registry =
                EmbeddedSchemaRegistry.builder().setStorageFile(storage).build();
        registry.start();
        int port = registry.port();
        Map<String, Object> registryConfig = new HashMap<>();
        registryConfig.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        // Fewer, shorter client retries than the defaults (4 attempts, 1 s doubling) keep the test short.
        registryConfig.put(SchemaRegistryClientConfig.MAX_RETRIES_CONFIG, 1);
        registryConfig.put(SchemaRegistryClientConfig.RETRIES_WAIT_MS_CONFIG, 100);
        AvroRegistrySerializationSchema<PaymentEvent> v1Writer =
                AvroRegistrySerializationSchema.forSpecific(PaymentEvent.class, topic, registryConfig);
        AvroRegistrySerializationSchema<GenericRecord> v2Writer =
                AvroRegistrySerializationSchema.forGeneric(PAYMENT_V2, topic, registryConfig);

        List<String> expected = new ArrayList<>();
        JobID job = null;
        try {
            job = startJob(topic, output, dlq, registryConfig);

            produce(topic, v1Records(v1Writer, "warm", WARM_UP, expected));
            awaitCommitted(output, expected.size());

            // The producer registers v2 while the registry is up; the job has not seen its id.
            List<byte[]> cached = v1Records(v1Writer, "cached", CACHED_DURING_OUTAGE, expected);
            List<byte[]> v2Values = v2Records(v2Writer, NEW_SCHEMA, expected);
            List<byte[]> afterV2 = v1Records(v1Writer, "after", AFTER_NEW_SCHEMA, expected);
            registry.close();

            produce(topic, cached);
            assertThat(awaitCommitted(output, WARM_UP + CACHED_DURING_OUTAGE))
                    .as("cached ids flow in the outage")
                    .hasSize(WARM_UP + CACHED_DURING_OUTAGE);
            assertThat(attempt(miniCluster, job))
                    .as("no restart while only cached ids arrive")
                    .isZero();

            produce(topic, v2Values);
            produce(topic, afterV2);
            JobID running = job;
            await(() -> attempt(miniCluster, running) >= 2, "two restarts during the outage");
            ErrorInfo failure = graph(miniCluster, job).getFailureInfo();
            assertThat(failure.getExceptionAsString())
                    .contains(DeserializationFailureException.class.getName() + ": Cannot deserialize the value of the"
                            + " record at topic '" + topic + "', partition 0, offset ")
                    .contains(" for now (a transient failure, not a data error: the record is not dead-lettered or"
                            + " skipped; the job fails and its restart strategy tries again): "
                            + SchemaRegistryUnavailableException.class.getName() + ": Schema registry unavailable:"
                            + " cannot fetch the schema with id ");
            assertThat(Committed.readAll(KAFKA.cluster(), output, TIMEOUT))
                    .as("nothing after the new id yet")
                    .hasSize(WARM_UP + CACHED_DURING_OUTAGE);
            assertThat(Committed.readAll(KAFKA.cluster(), dlq, TIMEOUT))
                    .as("dead letters in the outage")
                    .isEmpty();

            registry = EmbeddedSchemaRegistry.builder()
                    .setPort(port)
                    .setStorageFile(storage)
                    .build();
            registry.start();

            List<String> out = values(awaitCommitted(output, expected.size()));
            assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(out).containsExactlyElementsOf(expected); // one partition, one subtask: input order
            assertThat(Committed.readAll(KAFKA.cluster(), dlq, TIMEOUT))
                    .as("dead letters")
                    .isEmpty();
            assertThat(miniCluster.getJobStatus(job).get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            if (job != null) {
                miniCluster.cancelJob(job).get();
            }
            registry.close();
        }
    }

    private static JobID startJob(String topic, String output, String dlq, Map<String, Object> registryConfig)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofMillis(200));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(2));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, 50);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(300);

        TypedKafkaSource<PaymentEvent> source = TypedKafkaSource.<PaymentEvent>builder()
                .setName(SOURCE_NAME)
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId(topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setAvroValue(PaymentEvent.class, registryConfig)
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(dlq)
                .build();
        DataStream<String> ids = source.attach(env)
                .records()
                .map(PaymentEvent::getId)
                .returns(Types.STRING)
                .name("payment-id")
                .uid("payment-id");
        TypedKafkaSink.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(output)
                .setKeyExtractor(id -> id)
                .setValueSerializationSchema(new SimpleStringSchema())
                .setTransactionalIdPrefix(TypedKafkaSink.suggestTransactionalIdPrefix("registry-outage", output))
                .build()
                .sinkTo(ids);
        return env.executeAsync("registry-outage").getJobID();
    }

    private static List<byte[]> v1Records(
            AvroRegistrySerializationSchema<PaymentEvent> writer, String prefix, int count, List<String> expected) {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            expected.add(id);
            values.add(writer.serialize(new PaymentEvent(id, "acc-" + (i % 3), 100L * i, 1_700_000_000_000L + i)));
        }
        return values;
    }

    private static List<byte[]> v2Records(
            AvroRegistrySerializationSchema<GenericRecord> writer, int count, List<String> expected) {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "v2-" + i;
            expected.add(id);
            GenericRecord record = new GenericData.Record(PAYMENT_V2);
            record.put("id", id);
            record.put("account", "acc-v2");
            record.put("amount_cents", 7L * i);
            record.put("event_time", 1_700_000_100_000L + i);
            record.put("channel", "mobile");
            values.add(writer.serialize(record));
        }
        return values;
    }

    private static void produce(String topic, List<byte[]> values) {
        List<ProducerRecord<byte[], byte[]>> records = values.stream()
                .map(v -> new ProducerRecord<byte[], byte[]>(topic, 0, null, v))
                .collect(Collectors.toList());
        KAFKA.cluster().produce(records);
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitCommitted(String topic, int count) throws Exception {
        Instant deadline = Instant.now().plus(TIMEOUT);
        List<ConsumerRecord<byte[], byte[]>> records = Committed.readAll(KAFKA.cluster(), topic, TIMEOUT);
        while (records.size() < count && Instant.now().isBefore(deadline)) {
            TimeUnit.MILLISECONDS.sleep(200); // polling interval of a condition
            records = Committed.readAll(KAFKA.cluster(), topic, TIMEOUT);
        }
        assertThat(records).as("committed records in %s", topic).hasSizeGreaterThanOrEqualTo(count);
        return records;
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), UTF_8)).collect(Collectors.toList());
    }

    private static AccessExecutionGraph graph(MiniCluster miniCluster, JobID job) {
        try {
            return miniCluster.getExecutionGraph(job).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The attempt number of the source subtask: how often the job has restarted. */
    private static int attempt(MiniCluster miniCluster, JobID job) {
        int attempt = 0;
        for (AccessExecutionVertex vertex : graph(miniCluster, job).getAllExecutionVertices()) {
            attempt = Math.max(attempt, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return attempt;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Not reached within " + TIMEOUT + ": " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval of a condition
        }
    }
}
