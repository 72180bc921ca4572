package dev.streamingblocks.sessions;

import static dev.streamingblocks.sessions.SessionizeFunctionTest.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.sessions.json.PageViewJsonDeserializationSchema;
import dev.streamingblocks.sessions.json.PageViewJsonSerializationSchema;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import dev.streamingblocks.testkit.await.Await;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Page views as JSON in Kafka (two partitions) through the block into a real PostgreSQL, with the
 * job failing mid-run after sessions were written and recovering from its checkpoint; late views
 * after the recovery merge sessions that were written before the failure.
 */
class PageViewsKafkaToPostgresITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestPipelines.miniCluster();

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    /** A view of this user makes the first attempt of the job fail; it is never a page view. */
    static final String CRASH_USER = "crash-the-job";

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String TABLE = "kafka_user_sessions";

    @Test
    void tableIsExactlyRightAfterAFailureAndLateViewsThatMergeWrittenSessions(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        EmbeddedKafkaCluster kafka = KAFKA.cluster();
        String topic = EmbeddedKafkaCluster.uniqueTopicName("page-views");
        String deadLetters = EmbeddedKafkaCluster.uniqueTopicName("page-views-dlq");
        // Article dates lie in the past: keep Kafka from deleting the records by age.
        kafka.createTopic(topic, 2, (short) 1, Map.of("retention.ms", "-1"));
        kafka.createTopic(deadLetters, 1, (short) 1, Map.of("retention.ms", "-1"));

        byte[] malformed =
                "{\"user_id\":\"mallory\",\"page_url\":\"/x\",\"view_time\":\"noon\"}".getBytes(StandardCharsets.UTF_8);
        List<ProducerRecord<byte[], byte[]>> firstHalf = new ArrayList<>(List.of(
                view(topic, 0, "alice", "/a", t(0)),
                view(topic, 1, "bob", "/x", t(5)),
                view(topic, 0, "alice", "/c", t(40)),
                view(topic, 1, "bob", "/y", t(35)),
                view(topic, 0, "dave", "/d1", t(50)),
                view(topic, 1, "erin", "/e", t(100)),
                view(topic, 0, "dave", "/d2", t(120))));
        firstHalf.add(new ProducerRecord<>(topic, 1, null, malformed));
        kafka.produce(firstHalf);

        StreamExecutionEnvironment env = environment();
        Sessionizer sessionizer = Sessionizer.builder()
                .setGap(Duration.ofMinutes(30))
                .setMaxOutOfOrderness(Duration.ofSeconds(10))
                .setAllowedLateness(Duration.ofHours(2))
                .build();
        DataStream<PageView> views = TypedKafkaSource.<PageView>builder()
                .setName("page-views")
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(topic)
                .setGroupId("sessions-" + topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setValueDeserializer(new PageViewJsonDeserializationSchema())
                .setWatermarkStrategy(sessionizer.watermarkStrategy())
                .withoutIdleness()
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(deadLetters)
                .build()
                .attach(env)
                .records()
                .flatMap(new CrashOnFirstAttempt())
                .returns(TypeInformation.of(PageView.class))
                .uid("crash-on-first-attempt")
                .name("crash-on-first-attempt");
        EmbeddedPostgres postgres = POSTGRES.postgres();
        sessionizer
                .apply(views)
                .changes()
                .sinkTo(PostgresSessionSink.builder()
                        .setJdbcUrl(postgres.jdbcUrl())
                        .setUser(postgres.user())
                        .setPassword(postgres.password())
                        .setTable(TABLE)
                        .setCreateTable(true)
                        .build())
                .uid("user-sessions-postgres")
                .name("user_sessions");
        JobClient job = env.executeAsync("page views to postgres");
        try {
            // Written at a checkpoint: the watermark (erin at 100 min - 10 s) closed these four.
            awaitRows(
                    postgres,
                    List.of(
                            "alice|2026-02-06 12:00:00|2026-02-06 12:30:00|1|/a|/a",
                            "alice|2026-02-06 12:40:00|2026-02-06 13:10:00|1|/c|/c",
                            "bob|2026-02-06 12:05:00|2026-02-06 13:05:00|2|/x|/y",
                            "dave|2026-02-06 12:50:00|2026-02-06 13:20:00|1|/d1|/d1"));
            // One more completed checkpoint, so the job restores state that emitted these rows and
            // source offsets past the malformed record (its dead letter is then written once).
            long checkpointsSoFar = completedCheckpoints(cluster, job);
            awaitCondition(
                    () -> completedCheckpoints(cluster, job) > checkpointsSoFar,
                    "a checkpoint completes after the first sessions were written");

            kafka.produce(List.of(
                    view(topic, 0, CRASH_USER, "/crash", t(121)),
                    // Late but within 2 h: bridges alice's two written sessions.
                    view(topic, 0, "alice", "/b", t(20)),
                    // Late, before bob's written session: moves its start.
                    view(topic, 1, "bob", "/w", t(0)),
                    // Close everything else; zoe's own session stays open.
                    view(topic, 0, "zoe", "/end", t(1000)),
                    view(topic, 1, "zoe", "/end", t(1000))));

            awaitRows(
                    postgres,
                    List.of(
                            "alice|2026-02-06 12:00:00|2026-02-06 13:10:00|3|/a|/c",
                            "bob|2026-02-06 12:00:00|2026-02-06 13:05:00|3|/w|/y",
                            "dave|2026-02-06 12:50:00|2026-02-06 13:20:00|1|/d1|/d1",
                            "dave|2026-02-06 14:00:00|2026-02-06 14:30:00|1|/d2|/d2",
                            "erin|2026-02-06 13:40:00|2026-02-06 14:10:00|1|/e|/e"));
            assertThat(maxAttemptNumber(cluster, job))
                    .as("the job failed and was restarted")
                    .isGreaterThan(0);
            assertThat(cluster.getExecutionGraph(job.getJobID())
                            .get()
                            .getCheckpointStatsSnapshot()
                            .getLatestRestoredCheckpoint())
                    .as("the job restored a checkpoint")
                    .isNotNull();

            List<ConsumerRecord<byte[], byte[]>> dead = kafka.consume(deadLetters, 1, TIMEOUT);
            assertThat(dead.get(0).value()).isEqualTo(malformed);
        } finally {
            job.cancel().get();
        }
    }

    private static StreamExecutionEnvironment environment() {
        Configuration configuration = TestPipelines.configuration();
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(TestPipelines.PARALLELISM);
        env.enableCheckpointing(200);
        return env;
    }

    private static ProducerRecord<byte[], byte[]> view(
            String topic, int partition, String user, String page, Instant time) {
        return new ProducerRecord<>(
                topic,
                partition,
                user.getBytes(StandardCharsets.UTF_8),
                new PageViewJsonSerializationSchema().serialize(new PageView(user, page, time)));
    }

    private static void awaitRows(EmbeddedPostgres postgres, List<String> expected) throws Exception {
        try {
            Await.until(
                    TIMEOUT,
                    "table " + TABLE + " holds the expected rows",
                    () -> tryRows(postgres).equals(expected));
        } catch (AssertionError timedOut) {
            assertThat(tryRows(postgres))
                    .as("table %s after %s", TABLE, TIMEOUT)
                    .containsExactlyElementsOf(expected);
            throw timedOut;
        }
    }

    /** The table appears with the first write. */
    private static List<String> tryRows(EmbeddedPostgres postgres) {
        try {
            return PostgresRows.of(postgres, TABLE);
        } catch (java.sql.SQLException e) {
            return List.of();
        }
    }

    private static long completedCheckpoints(MiniCluster cluster, JobClient job) throws Exception {
        return cluster.getExecutionGraph(job.getJobID())
                .get()
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }

    private static void awaitCondition(Await.Condition condition, String what) throws Exception {
        Await.until(TIMEOUT, what, condition);
    }

    private static int maxAttemptNumber(MiniCluster cluster, JobClient job) throws Exception {
        int max = 0;
        for (AccessExecutionVertex vertex :
                cluster.getExecutionGraph(job.getJobID()).get().getAllExecutionVertices()) {
            max = Math.max(max, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return max;
    }

    /** Fails the first attempt of the job when the crash view arrives; later attempts drop it. */
    static final class CrashOnFirstAttempt extends RichFlatMapFunction<PageView, PageView> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(PageView view, Collector<PageView> out) {
            if (!CRASH_USER.equals(view.userId())) {
                out.collect(view);
            } else if (getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
                throw new IllegalStateException("Injected failure at " + view);
            }
        }
    }
}
