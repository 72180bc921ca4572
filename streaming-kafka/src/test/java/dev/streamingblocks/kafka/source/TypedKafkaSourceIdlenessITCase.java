package dev.streamingblocks.kafka.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.kafka.source.internal.ParallelismCheck;
import dev.streamingblocks.kafka.testutils.FlinkTestCluster;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A topic with four partitions, two of them empty, read at parallelism 2: with idleness the event
 * time windows still fire; without it they stall.
 */
class TypedKafkaSourceIdlenessITCase {

    private static final Instant BEGINNING = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final Duration TEST_IDLENESS = Duration.ofMillis(500);

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.extension();

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    /** One window's count of payments for an account. */
    public record WindowCount(String account, long windowStart, long count) {}

    private static long t(int minutes) {
        return BEGINNING.plus(Duration.ofMinutes(minutes)).toEpochMilli();
    }

    /** Partitions 0 and 1 get records; partitions 2 and 3 stay empty. */
    private static String topicWithEmptyPartitions() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("payments-idle");
        KAFKA.cluster().createTopic(topic, 4);
        List<ProducerRecord<byte[], byte[]>> records = List.of(
                record(topic, 0, new Payment("p-1", "a", 100, t(0))),
                record(topic, 0, new Payment("p-2", "a", 100, t(1))),
                record(topic, 1, new Payment("p-3", "b", 100, t(2))),
                record(topic, 0, new Payment("p-4", "a", 100, t(5))),
                record(topic, 1, new Payment("p-5", "b", 100, t(6))));
        KAFKA.cluster().produce(records);
        return topic;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, Payment payment) {
        return new ProducerRecord<>(topic, partition, payment.eventTime(), null, payment.toJson());
    }

    private static DataStream<WindowCount> windowCounts(
            StreamExecutionEnvironment env, String topic, boolean idleness) {
        TypedKafkaSource.Builder<Payment> builder = TypedKafkaSource.<Payment>builder()
                .setName("payments-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("idle-test-" + topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setJsonValue(Payment.class)
                .setWatermarkStrategy(WatermarkStrategy.<Payment>forMonotonousTimestamps()
                        .withTimestampAssigner((payment, kafkaTimestamp) -> payment.eventTime()));
        if (idleness) {
            builder.setIdleness(TEST_IDLENESS);
        } else {
            builder.withoutIdleness();
        }
        return builder.build()
                .attach(env)
                .records()
                .keyBy(Payment::account)
                .window(TumblingEventTimeWindows.of(WINDOW))
                .process(new CountPerWindow())
                .uid("count-per-window")
                .name("count-per-window");
    }

    @Test
    @Timeout(120)
    void windowsFireAlthoughSomePartitionsAreEmpty() throws Exception {
        String topic = topicWithEmptyPartitions();

        List<WindowCount> results = new ArrayList<>(
                windowCounts(FlinkTestCluster.env(2), topic, true).executeAndCollect("idle", 2));
        results.sort(Comparator.comparing(WindowCount::account));

        // Only the first window closes: both live partitions have passed t(5), neither t(10).
        assertThat(results).containsExactly(new WindowCount("a", t(0), 2), new WindowCount("b", t(0), 1));
    }

    @Test
    @Timeout(120)
    void withoutIdlenessTheEmptyPartitionsStallEventTime() throws Exception {
        String topic = topicWithEmptyPartitions();
        StreamExecutionEnvironment env = FlinkTestCluster.env(2);
        DataStream<WindowCount> counts = windowCounts(env, topic, false);

        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (CloseableIterator<WindowCount> it = counts.collectAsync()) {
            JobClient job = env.executeAsync("no-idleness");
            Future<Boolean> firstResult = executor.submit(it::hasNext);
            // Long enough for the records to be read and idleness (had it been on) to kick in many times.
            assertThatThrownBy(() -> firstResult.get(20 * TEST_IDLENESS.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(TimeoutException.class);
            job.cancel().get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void countsPartitionsForTheParallelismWarning() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("payments-count");
        KAFKA.cluster().createTopic(topic, 3);
        String other = EmbeddedKafkaCluster.uniqueTopicName("payments-count");
        KAFKA.cluster().createTopic(other, 2);
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());

        assertThat(ParallelismCheck.describePartitions(List.of(topic, other), props))
                .hasValueSatisfying(
                        partitions -> assertThat(partitions).containsExactly(Map.entry(topic, 3), Map.entry(other, 2)));
        assertThat(ParallelismCheck.describePartitions(List.of(EmbeddedKafkaCluster.uniqueTopicName("missing")), props))
                .isEmpty();
    }

    private static final class CountPerWindow extends ProcessWindowFunction<Payment, WindowCount, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String account, Context context, Iterable<Payment> payments, Collector<WindowCount> out) {
            long count = 0;
            for (Payment ignored : payments) {
                count++;
            }
            out.collect(new WindowCount(account, context.window().getStart(), count));
        }
    }
}
