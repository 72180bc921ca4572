package dev.streamingblocks.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.sink.testutils.Committed;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
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

/**
 * Copies and transforms 100,000 records with checkpoints every 100 ms while the job is made to
 * fail three times; a read_committed consumer must see every input record exactly once.
 */
class ExactlyOnceUnderFailureITCase {

    private static final int RECORDS = 100_000;
    private static final int FAILURES = 3;
    /** Records subtask 0 processes in each of its first attempts before it may throw. */
    private static final int FAIL_AFTER = 8_000;

    private static final String SOURCE_UID = "numbers-source";
    private static final String TRANSFORM_UID = "failing-transform";

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /**
     * Throws in subtask 0, in each of its first FAILURES attempts, once it has processed FAIL_AFTER
     * records and seen a checkpoint complete in that attempt, so a failure normally interrupts a job
     * that has both committed and open transactions.
     */
    static final class FailingTransform extends RichMapFunction<String, String> implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        private transient boolean failThisAttempt;
        private transient boolean checkpointCompleted;
        private transient int seen;

        @Override
        public void open(OpenContext openContext) {
            // The attempt number grows with every restart, so the trigger survives recovery.
            failThisAttempt = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0
                    && getRuntimeContext().getTaskInfo().getAttemptNumber() < FAILURES;
            checkpointCompleted = false;
            seen = 0;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointCompleted = true;
        }

        @Override
        public String map(String value) {
            // Without a checkpoint by 2 x FAIL_AFTER it fails anyway, so every planned failure
            // happens however slow checkpoints are: 3 attempts use at most 48,000 of 50,000 records.
            if (failThisAttempt && ++seen >= FAIL_AFTER && (checkpointCompleted || seen >= 2 * FAIL_AFTER)) {
                throw new IllegalStateException("Planned failure after " + seen + " records");
            }
            long n = Long.parseLong(value);
            return n + ":" + (n * 3);
        }
    }

    @Test
    void everyRecordArrivesExactlyOnceDespiteFailures(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        String input = EmbeddedKafkaCluster.uniqueTopicName("eos-in");
        String output = EmbeddedKafkaCluster.uniqueTopicName("eos-out");
        KAFKA.cluster().createTopic(input, 2);
        KAFKA.cluster().createTopic(output, 2);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            // Alternate partitions so each source subtask gets half of the input.
            records.add(
                    new ProducerRecord<>(input, i % 2, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.cluster().produce(records);

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, FAILURES + 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(100);

        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(input)
                .setGroupId(input)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .build();
        DataStream<String> transformed = env.fromSource(source, WatermarkStrategy.noWatermarks(), SOURCE_UID)
                .uid(SOURCE_UID)
                .map(new FailingTransform())
                .uid(TRANSFORM_UID)
                .name(TRANSFORM_UID);
        TypedKafkaSink.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(output)
                .setKeyExtractor(v -> v.substring(0, v.indexOf(':')))
                .setValueSerializationSchema(new SimpleStringSchema())
                .setTransactionalIdPrefix(TypedKafkaSink.suggestTransactionalIdPrefix("eos-under-failure", output))
                .build()
                .sinkTo(transformed);

        JobID job = env.execute("eos-under-failure").getJobID();

        // The planned failures happened: subtask 0 of the source/transform chain is on attempt FAILURES.
        List<Integer> attempts = new ArrayList<>();
        for (var vertex : miniCluster
                .getArchivedExecutionGraph(job)
                .get()
                .getAllVertices()
                .values()) {
            if (vertex.getName().contains(TRANSFORM_UID)) {
                AccessExecutionVertex subtask0 = vertex.getTaskVertices()[0];
                attempts.add(subtask0.getCurrentExecutionAttempt().getAttemptNumber());
            }
        }
        assertThat(attempts).containsExactly(FAILURES);

        List<ConsumerRecord<byte[], byte[]>> committed =
                Committed.readAll(KAFKA.cluster(), output, Duration.ofSeconds(60));
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : committed) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            assertThat(new String(record.key(), StandardCharsets.UTF_8))
                    .isEqualTo(value.substring(0, value.indexOf(':')));
            counts.merge(value, 1, Integer::sum);
        }
        List<String> duplicated = counts.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue())
                .sorted()
                .limit(10)
                .collect(Collectors.toList());
        List<String> missing = new ArrayList<>();
        for (long i = 0; i < RECORDS && missing.size() < 10; i++) {
            if (!counts.containsKey(i + ":" + (i * 3))) {
                missing.add(Long.toString(i));
            }
        }
        assertThat(duplicated).as("records seen more than once").isEmpty();
        assertThat(missing).as("records never seen").isEmpty();
        assertThat(counts).hasSize(RECORDS);
        assertThat(committed).hasSize(RECORDS);
    }
}
