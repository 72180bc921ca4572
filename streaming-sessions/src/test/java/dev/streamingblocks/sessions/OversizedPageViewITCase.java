package dev.streamingblocks.sessions;

import static dev.streamingblocks.sessions.SessionizeFunctionTest.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.source.DeadLetterHeaders;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.kafka.testutils.DeadLetterRecords;
import dev.streamingblocks.sessions.json.PageViewJsonDeserializationSchema;
import dev.streamingblocks.sessions.json.PageViewJsonSerializationSchema;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #9: a valid page view whose {@code user_id} is 900 KB, among good ones, from Kafka through
 * the sessionizer to PostgreSQL. It must neither stall nor restart the job: with the default
 * source limit it is a dead letter; with the limit raised past it, it reaches the sink and is
 * rejected there. Either way every other session is exact.
 */
class OversizedPageViewITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestPipelines.miniCluster();

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String HUGE_USER = "u".repeat(900_000);

    /** Every session but the oversized user's, once the bounded input has ended. */
    private static final List<String> GOOD_SESSIONS = List.of(
            "alice|2026-02-06 12:00:00|2026-02-06 12:40:00|2|/a1|/a2",
            "bob|2026-02-06 12:05:00|2026-02-06 12:35:00|1|/b|/b",
            "carol|2026-02-06 12:50:00|2026-02-06 13:20:00|1|/c|/c",
            "dave|2026-02-06 13:40:00|2026-02-06 14:10:00|1|/d|/d");

    @Test
    void withTheDefaultSourceLimitTheOversizedViewIsADeadLetter(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Run run = run(cluster, new PageViewJsonDeserializationSchema());

        assertThat(PostgresRows.of(POSTGRES.postgres(), run.table)).containsExactlyElementsOf(GOOD_SESSIONS);
        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.cluster().consume(run.deadLetters, 1, TIMEOUT);
        assertThat(dead.get(0).value()).isEqualTo(run.hugeValue);
        assertThat(DeadLetterRecords.requiredHeader(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE))
                .isEqualTo("Page view field 'user_id' is 900000 characters long, more than the limit of 512"
                        + " (PageViewLimits.maxUserIdLength)");
    }

    @Test
    void withTheSourceLimitRaisedTheOversizedViewIsRejectedByTheSink(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Run run = run(
                cluster, new PageViewJsonDeserializationSchema(PageViewLimits.DEFAULTS.withMaxUserIdLength(1_000_000)));

        assertThat(PostgresRows.of(POSTGRES.postgres(), run.table)).containsExactlyElementsOf(GOOD_SESSIONS);
        KAFKA.cluster().consume(run.deadLetters, 0, Duration.ofSeconds(5));
        List<String> rejects = new ArrayList<>();
        try (Connection connection = POSTGRES.postgres().connect();
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT change_kind, user_id = '" + HUGE_USER + "',"
                        + " session_start, session_end, page_count, first_page, last_page, sql_state"
                        + " FROM " + run.table + "_rejects")) {
            while (resultSet.next()) {
                StringBuilder row = new StringBuilder(resultSet.getString(1));
                for (int column = 2; column <= 8; column++) {
                    row.append('|').append(resultSet.getString(column));
                }
                rejects.add(row.toString());
            }
        }
        assertThat(rejects).containsExactly("INSERT|t|2026-02-06 12:20:00|2026-02-06 12:50:00|1|/h|/h|54000");
    }

    private record Run(String table, String deadLetters, byte[] hugeValue) {}

    private static Run run(MiniCluster cluster, DeserializationSchema<PageView> deserializer) throws Exception {
        EmbeddedKafkaCluster kafka = KAFKA.cluster();
        String topic = EmbeddedKafkaCluster.uniqueTopicName("page-views");
        String deadLetters = EmbeddedKafkaCluster.uniqueTopicName("page-views-dlq");
        String table = "oversized_" + topic.substring(topic.lastIndexOf('-') + 1);
        // Article dates lie in the past: keep Kafka from deleting the records by age.
        kafka.createTopic(topic, 2, (short) 1, Map.of("retention.ms", "-1"));
        kafka.createTopic(deadLetters, 1, (short) 1, Map.of("retention.ms", "-1"));
        byte[] hugeValue = json(HUGE_USER, "/h", t(20));
        kafka.produce(List.of(
                view(topic, 0, "alice", "/a1", t(0)),
                view(topic, 1, "bob", "/b", t(5)),
                view(topic, 0, "alice", "/a2", t(10)),
                new ProducerRecord<>(topic, 1, "huge".getBytes(StandardCharsets.UTF_8), hugeValue),
                view(topic, 0, "carol", "/c", t(50)),
                view(topic, 1, "dave", "/d", t(100))));

        Configuration configuration = TestPipelines.configuration();
        // Restarts allowed, so that a crash loop shows as attempts rather than as a failed job.
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(TestPipelines.PARALLELISM);
        Sessionizer sessionizer =
                Sessionizer.builder().setGap(Duration.ofMinutes(30)).build();
        EmbeddedPostgres postgres = POSTGRES.postgres();
        sessionizer
                .apply(TypedKafkaSource.<PageView>builder()
                        .setName("page-views")
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics(topic)
                        .setGroupId("sessions-" + topic)
                        .setStartingOffsets(StartingOffsets.earliest())
                        .setBoundedToLatest()
                        .setValueDeserializer(deserializer)
                        .setWatermarkStrategy(sessionizer.watermarkStrategy())
                        .withoutIdleness()
                        .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                        .setDeadLetterTopic(deadLetters)
                        .build()
                        .attach(env)
                        .records())
                .changes()
                .sinkTo(PostgresSessionSink.builder()
                        .setJdbcUrl(postgres.jdbcUrl())
                        .setUser(postgres.user())
                        .setPassword(postgres.password())
                        .setTable(table)
                        .setCreateTable(true)
                        .build())
                .uid("user-sessions-postgres")
                .name("user_sessions");

        JobClient job = env.executeAsync("oversized page view");
        job.getJobExecutionResult().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        AccessExecutionGraph graph = cluster.getExecutionGraph(job.getJobID()).get();
        assertThat(graph.getState()).isEqualTo(JobStatus.FINISHED);
        assertThat(maxAttemptNumber(graph)).as("restarts").isZero();
        return new Run(table, deadLetters, hugeValue);
    }

    private static int maxAttemptNumber(AccessExecutionGraph graph) {
        int max = 0;
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            max = Math.max(max, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return max;
    }

    private static ProducerRecord<byte[], byte[]> view(
            String topic, int partition, String user, String page, Instant time) {
        return new ProducerRecord<>(topic, partition, user.getBytes(StandardCharsets.UTF_8), json(user, page, time));
    }

    private static byte[] json(String user, String page, Instant time) {
        return new PageViewJsonSerializationSchema().serialize(new PageView(user, page, time));
    }
}
