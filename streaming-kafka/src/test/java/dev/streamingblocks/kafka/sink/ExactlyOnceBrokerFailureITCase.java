package dev.streamingblocks.kafka.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.sink.testutils.Committed;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broker of a three-broker cluster (topics with replication factor 3 and
 * {@code min.insync.replicas} 2; the testkit gives {@code __transaction_state} replication 3 and
 * min ISR 2, {@code __consumer_offsets} replication 3, and this test sets the brokers'
 * {@code min.insync.replicas} to 2) is stopped in the middle of an exactly-once run
 * ({@code TypedKafkaSource} -> keyed running count -> {@code TypedKafkaSink}, parallelism 2)
 * and started again, while a producer keeps writing 400 records/s: {@value #PROGRESS} more records
 * must be committed before the stop, while the broker is down and after it is back. The broker
 * stopped is, every time, the transaction coordinator of an open transaction of the job's sink and
 * the leader of an input and an output partition (the test checks both before stopping it). It
 * proves: the job keeps going (it commits output while the broker is down, and the whole input is
 * through within a bounded time; restarts are allowed, the test reports how many), and the
 * read_committed output is exactly the input, each record once, with every key's running count
 * exact (keyed state neither lost nor double counted).
 */
class ExactlyOnceBrokerFailureITCase {

    /** Records committed in each phase: before the stop, while the broker is down, after it is back. */
    private static final int PROGRESS = 1_000;

    private static final int MAX_RECORDS = 100_000;
    private static final int KEYS = 30;
    private static final int PARTITIONS = 3;
    private static final int RECORDS_PER_SECOND = 400;
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(100);
    private static final Map<String, String> DURABLE = Map.of("min.insync.replicas", "2");

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension(
            EmbeddedKafkaCluster.builder().setBrokers(3).setBrokerConfig("min.insync.replicas", "2"));

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** Appends to each value the count of its key so far: exact only if no record is lost or repeated. */
    static final class RunningCount extends KeyedProcessFunction<String, String, String> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            long n = count.value() == null ? 1 : count.value() + 1;
            count.update(n);
            out.collect(value + "#" + n);
        }
    }

    @Test
    void stoppingAndRestartingTheCoordinatorAndLeaderMidRunGivesExactOutput(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        EmbeddedKafkaCluster kafka = KAFKA.cluster();
        String input = EmbeddedKafkaCluster.uniqueTopicName("broker-fault-in");
        String output = EmbeddedKafkaCluster.uniqueTopicName("broker-fault-out");
        kafka.createTopic(input, PARTITIONS, (short) 3, DURABLE);
        kafka.createTopic(output, PARTITIONS, (short) 3, DURABLE);
        String prefix = TypedKafkaSink.suggestTransactionalIdPrefix("broker-fault", output);

        JobID job = startJob(input, output, prefix);
        Thread describer = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                diagnosis = describe(input, output, prefix);
                try {
                    TimeUnit.SECONDS.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        describer.setDaemon(true);
        describer.start();
        AtomicBoolean stopProducing = new AtomicBoolean();
        CompletableFuture<Integer> producer =
                CompletableFuture.supplyAsync(() -> produceSteadily(input, stopProducing));
        Instant begin = Instant.now();
        try {
            await(() -> committedCount(output) >= PROGRESS, "output committed before the broker is stopped");

            // The broker to stop: the coordinator of one of the sink's open transactions.
            int victim = await(() -> openTransactionCoordinator(prefix), "an open transaction of the sink");
            assertThat(leaders(input)).as("partition leaders of the input").contains(victim);
            assertThat(leaders(output)).as("partition leaders of the output").contains(victim);
            kafka.stopBroker(victim);
            int beforeStop = committedCount(output);
            await(
                    () -> committedCount(output) >= beforeStop + PROGRESS,
                    "output committed while broker " + victim + " is down");
            kafka.startBroker(victim);
            int afterStart = committedCount(output);
            await(
                    () -> committedCount(output) >= afterStart + PROGRESS,
                    "output committed after broker " + victim + " is back");

            stopProducing.set(true);
            int produced = producer.get(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            await(() -> committedCount(output) >= produced, "the whole input through the job");
            Duration took = Duration.between(begin, Instant.now());
            assertThat(took).as("bounded run").isLessThan(RUN_TIMEOUT);

            List<String> out = Committed.readAll(kafka, output, RUN_TIMEOUT).stream()
                    .map(r -> new String(r.value(), UTF_8))
                    .collect(Collectors.toList());
            assertThat(out).containsExactlyInAnyOrderElementsOf(expectedOutput(produced));
            assertThat(miniCluster.getJobStatus(job).get()).isEqualTo(JobStatus.RUNNING);
            System.out.printf(
                    "Broker %d stopped and started again; %d records in %s with %d job restart(s)%n",
                    victim, produced, took, restarts(miniCluster, job));
        } finally {
            describer.interrupt();
            producer.cancel(true);
            miniCluster.cancelJob(job).get();
        }
    }

    private static JobID startJob(String input, String output, String prefix) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);

        TypedKafkaSource<String> source = TypedKafkaSource.<String>builder()
                .setName("broker-fault-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(input)
                .setGroupId(input)
                .setStartingOffsets(StartingOffsets.earliest())
                .setValueDeserializer(new SimpleStringSchema())
                .build();
        DataStream<String> counted = source.attach(env)
                .records()
                .keyBy(ExactlyOnceBrokerFailureITCase::keyOf)
                .process(new RunningCount())
                .uid("running-count")
                .name("running-count");
        TypedKafkaSink.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(output)
                .setKeyExtractor(ExactlyOnceBrokerFailureITCase::keyOf)
                .setValueSerializationSchema(new SimpleStringSchema())
                .setTransactionalIdPrefix(prefix)
                .build()
                .sinkTo(counted);
        return env.executeAsync("broker-fault").getJobID();
    }

    private static String keyOf(String value) {
        return value.substring(0, value.indexOf(':'));
    }

    /**
     * Writes values "k<key>:<n>" at a steady rate, idempotent with acks=all, until told to stop (at
     * most MAX_RECORDS); returns how many it wrote, every one acknowledged.
     */
    private static int produceSteadily(String topic, AtomicBoolean stop) {
        long nanosPerRecord = TimeUnit.SECONDS.toNanos(1) / RECORDS_PER_SECOND;
        long start = System.nanoTime();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.cluster().createProducer(Map.of())) {
            for (int i = 0; i < MAX_RECORDS && !stop.get(); i++) {
                String key = "k" + (i % KEYS);
                acks.add(producer.send(
                        new ProducerRecord<>(topic, key.getBytes(UTF_8), (key + ":" + i).getBytes(UTF_8))));
                long due = start + (i + 1) * nanosPerRecord - System.nanoTime();
                if (due > 0) {
                    TimeUnit.NANOSECONDS.sleep(due); // pacing of the producer, not synchronisation
                }
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            return acks.size();
        } catch (Exception e) {
            throw new IllegalStateException("The steady producer failed", e);
        }
    }

    /** Each input record once, with the running count of its key in input order. */
    private static List<String> expectedOutput(int records) {
        Map<String, Integer> counts = new HashMap<>();
        List<String> expected = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            String key = "k" + (i % KEYS);
            expected.add(key + ":" + i + "#" + counts.merge(key, 1, Integer::sum));
        }
        return expected;
    }

    private static int committedCount(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = Committed.readAll(KAFKA.cluster(), topic, RUN_TIMEOUT);
        return records.size();
    }

    private static Integer openTransactionCoordinator(String prefix) throws Exception {
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            List<String> ids = admin.listTransactions(new ListTransactionsOptions()).all().get().stream()
                    .map(TransactionListing::transactionalId)
                    .filter(id -> id.startsWith(prefix))
                    .collect(Collectors.toList());
            for (TransactionDescription description :
                    admin.describeTransactions(ids).all().get().values()) {
                if (!description.topicPartitions().isEmpty()) {
                    return description.coordinatorId();
                }
            }
            return null;
        }
    }

    private static Set<Integer> leaders(String topic) throws Exception {
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            TopicDescription description =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return description.partitions().stream()
                    .map(TopicPartitionInfo::leader)
                    .map(node -> node.id())
                    .collect(Collectors.toSet());
        }
    }

    private static int restarts(MiniCluster miniCluster, JobID job) throws Exception {
        int attempt = 0;
        for (AccessExecutionVertex vertex :
                miniCluster.getExecutionGraph(job).get().getAllExecutionVertices()) {
            attempt = Math.max(attempt, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return attempt;
    }

    /** Polls until the condition gives a value other than null and false, and returns it. */
    /** Where the run stands, for the message of a condition not reached. */
    private static volatile String diagnosis = "";

    private static String describe(String input, String output, String prefix) {
        StringBuilder out = new StringBuilder();
        try (Admin admin = KAFKA.cluster().createAdmin();
                KafkaConsumer<byte[], byte[]> committed = KAFKA.cluster().createConsumer(Map.of());
                KafkaConsumer<byte[], byte[]> uncommitted = KAFKA.cluster()
                        .createConsumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"))) {
            for (String topic : List.of(input, output)) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    partitions.add(new TopicPartition(topic, p));
                }
                out.append(topic)
                        .append(" last stable ")
                        .append(committed.endOffsets(partitions))
                        .append(", log end ")
                        .append(uncommitted.endOffsets(partitions))
                        .append("; ");
            }
            List<String> ids = admin.listTransactions().all().get().stream()
                    .map(TransactionListing::transactionalId)
                    .filter(id -> id.startsWith(prefix))
                    .collect(Collectors.toList());
            admin.describeTransactions(ids)
                    .all()
                    .get()
                    .forEach((id, d) -> out.append(id)
                            .append(' ')
                            .append(d.state())
                            .append(" coordinator ")
                            .append(d.coordinatorId())
                            .append(' ')
                            .append(d.topicPartitions())
                            .append("; "));
        } catch (Exception e) {
            out.append("(cannot describe: ").append(e).append(')');
        }
        return out.toString();
    }

    private static <V> V await(CheckedSupplier<V> condition, String what) throws Exception {
        Instant deadline = Instant.now().plus(RUN_TIMEOUT);
        while (true) {
            V value = condition.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Not reached within " + RUN_TIMEOUT + ": " + what + "; " + diagnosis);
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval of a condition
        }
    }

    @FunctionalInterface
    private interface CheckedSupplier<V> {
        V get() throws Exception;
    }
}
