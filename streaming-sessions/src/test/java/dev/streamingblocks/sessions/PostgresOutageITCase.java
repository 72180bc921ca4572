package dev.streamingblocks.sessions;

import static dev.streamingblocks.sessions.SessionizeFunctionTest.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.sessions.json.PageViewJsonDeserializationSchema;
import dev.streamingblocks.sessions.json.PageViewJsonSerializationSchema;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import dev.streamingblocks.testkit.await.Await;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes down in the middle of a sessions run (Kafka page views, two partitions, through
 * the {@link Sessionizer} into {@link PostgresSessionSink} with its default retries) and comes back
 * on the same port with the same data: the {@code user_sessions} table ends exactly as the input
 * defines it, every session once, none stale, none missing.
 *
 * <p>The first half of the views is processed and its closed sessions are written; then the server
 * stops, the second half arrives and closes sessions the sink must write while the server is down.
 * The server starts again only after the writers retried {@value #RETRIES_DURING_OUTAGE} times
 * (backoff 0.1 + 0.2 + 0.4 + 0.8 + 1.6 s, so an outage of at least 3 s); a final view per partition
 * then closes every session. The outage is shorter than the sink's retry budget
 * ({@value PostgresSessionSink#DEFAULT_MAX_RETRIES} retries, about 43 s of backoff), so the test
 * also proves it was the sink's bounded retries that carried the job through: the job never
 * failed (every task is in its first attempt) and the writers' {@value PostgresSessionSink#WRITE_RETRIES_METRIC}
 * metric shows the retries. Expected rows come from {@link #sessions(List)}, a reference
 * sessionizer of a few lines.
 *
 * <p>Runs with the PostgreSQL driver's assertions off (this module's Failsafe {@code argLine}), as in
 * production: with them on, pgjdbc turns the dropped connection into an {@link AssertionError}
 * that the sink does not retry, and the job restart recovers instead.
 */
class PostgresOutageITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(TestPipelines.PARALLELISM)
            .setConfiguration(METRICS.addToConfiguration(TestPipelines.configuration()))
            .build());

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    /** Writer retries, summed over the sink's subtasks, before the server is started again. */
    static final int RETRIES_DURING_OUTAGE = 5;

    private static final Duration GAP = Duration.ofMinutes(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int USERS = 12;
    /** Minutes between a user's views in turn; none is exactly the gap, so no session boundary is ambiguous. */
    private static final int[] STEPS = {5, 45, 12, 70, 3, 31, 20, 95};

    private static final int HALF = 300;
    private static final int END = 600;
    private static final String FLUSH_USER = "flush";
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Test
    void tableIsExactAfterAnOutageThatTheSinkRetriesBridge(@InjectMiniCluster MiniCluster cluster, @TempDir Path dir)
            throws Exception {
        EmbeddedKafkaCluster kafka = KAFKA.cluster();
        String topic = EmbeddedKafkaCluster.uniqueTopicName("page-views-outage");
        // Article dates lie in the past: keep Kafka from deleting the records by age.
        kafka.createTopic(topic, 2, (short) 1, Map.of("retention.ms", "-1"));

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // Same port and data directory for both servers: the sink's JDBC URL stays valid.
        EmbeddedPostgres.Builder server =
                EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir.resolve("pgdata"));
        EmbeddedPostgres postgres = server.build().start();
        String table = "outage_user_sessions";

        List<PageView> firstHalf = new ArrayList<>();
        List<PageView> secondHalf = new ArrayList<>();
        for (PageView view : views()) {
            (view.viewTime().isBefore(t(HALF)) ? firstHalf : secondHalf).add(view);
        }

        StreamExecutionEnvironment env = environment();
        Sessionizer sessionizer = Sessionizer.builder().setGap(GAP).build();
        DataStream<PageView> views = TypedKafkaSource.<PageView>builder()
                .setName("page-views")
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(topic)
                .setGroupId("sessions-" + topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setValueDeserializer(new PageViewJsonDeserializationSchema())
                .setWatermarkStrategy(sessionizer.watermarkStrategy())
                .withoutIdleness()
                .build()
                .attach(env)
                .records();
        sessionizer
                .apply(views)
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

        kafka.produce(records(topic, firstHalf));
        JobClient job = env.executeAsync("page views to postgres through an outage");
        try {
            // Sessions that ended well before the first half's watermark are closed and written.
            List<String> writtenBeforeOutage = sessions(firstHalf).stream()
                    .filter(row -> row.end().isBefore(t(HALF - 60)))
                    .map(Row::line)
                    .toList();
            assertThat(writtenBeforeOutage).hasSizeGreaterThan(USERS);
            EmbeddedPostgres first = postgres;
            await(
                    () -> tryRows(first, table).containsAll(writtenBeforeOutage),
                    "the first half's closed sessions are written");
            assertThat(retries(job)).as("writer retries before the outage").isZero();

            postgres.close();
            kafka.produce(records(topic, secondHalf));
            await(
                    () -> retries(job) >= RETRIES_DURING_OUTAGE,
                    "the sink retries " + RETRIES_DURING_OUTAGE + " times while PostgreSQL is down");
            postgres = server.build().start();
            kafka.produce(List.of(
                    record(topic, 0, new PageView(FLUSH_USER, "/end", t(10_000))),
                    record(topic, 1, new PageView(FLUSH_USER, "/end", t(10_000)))));

            // The flush user's own session stays open; everything else is closed and written.
            List<String> expected = sessions(views()).stream().map(Row::line).toList();
            assertThat(expected).hasSizeGreaterThan(writtenBeforeOutage.size());
            EmbeddedPostgres second = postgres;
            try {
                await(() -> tryRows(second, table).equals(expected), "the table holds exactly the input's sessions");
            } finally {
                assertThat(PostgresRows.of(postgres, table))
                        .as("table %s", table)
                        .containsExactlyElementsOf(expected);
            }

            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertThat(maxAttemptNumber(cluster, job))
                    .as("no task was restarted: the sink's retries bridged" + " the outage")
                    .isZero();
            assertThat(retries(job))
                    .as("retries, within the sink's budget per writer")
                    .isBetween(
                            (long) RETRIES_DURING_OUTAGE,
                            (long) TestPipelines.PARALLELISM * PostgresSessionSink.DEFAULT_MAX_RETRIES);
        } finally {
            job.cancel().get();
            postgres.close();
        }
    }

    private static StreamExecutionEnvironment environment() {
        Configuration configuration = TestPipelines.configuration();
        // Restarts are allowed, so that a sink giving up would be recovered rather than end the test;
        // the assertions tell which of the two happened.
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(TestPipelines.PARALLELISM);
        env.enableCheckpointing(300);
        return env;
    }

    /** Each user's views from about minute 0 to {@value #END}, in time order; user i on partition i % 2. */
    private static List<PageView> views() {
        List<PageView> views = new ArrayList<>();
        for (int user = 0; user < USERS; user++) {
            int minute = user * 7;
            for (int step = user; minute < END; step++) {
                views.add(new PageView(String.format("user%02d", user), "/p" + minute, t(minute)));
                minute += STEPS[step % STEPS.length];
            }
        }
        views.sort(Comparator.comparing(PageView::viewTime));
        return views;
    }

    private record Row(String userId, Instant start, Instant end, long pageCount, String firstPage, String lastPage) {
        String line() {
            return userId + "|" + TIMESTAMP.format(start) + "|" + TIMESTAMP.format(end) + "|" + pageCount + "|"
                    + firstPage + "|" + lastPage;
        }
    }

    /**
     * The reference: a user's views in time order form one session while each follows the previous
     * by less than the gap; a session ends one gap after its last view. Sorted as the table is read.
     */
    static List<Row> sessions(List<PageView> views) {
        Map<String, List<PageView>> byUser = new TreeMap<>();
        for (PageView view : views) {
            byUser.computeIfAbsent(view.userId(), u -> new ArrayList<>()).add(view);
        }
        List<Row> rows = new ArrayList<>();
        byUser.forEach((user, own) -> {
            own.sort(Comparator.comparing(PageView::viewTime));
            int first = 0;
            for (int i = 1; i <= own.size(); i++) {
                if (i == own.size()
                        || !own.get(i)
                                .viewTime()
                                .isBefore(own.get(i - 1).viewTime().plus(GAP))) {
                    PageView start = own.get(first);
                    PageView last = own.get(i - 1);
                    rows.add(new Row(
                            user,
                            start.viewTime(),
                            last.viewTime().plus(GAP),
                            i - first,
                            start.pageUrl(),
                            last.pageUrl()));
                    first = i;
                }
            }
        });
        return rows;
    }

    private static List<ProducerRecord<byte[], byte[]>> records(String topic, List<PageView> views) {
        return views.stream()
                .map(view -> record(topic, Integer.parseInt(view.userId().substring(4)) % 2, view))
                .toList();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, PageView view) {
        return new ProducerRecord<>(
                topic,
                partition,
                view.userId().getBytes(StandardCharsets.UTF_8),
                new PageViewJsonSerializationSchema().serialize(view));
    }

    /** The table appears with the first write; while the server is down there is nothing to read. */
    private static List<String> tryRows(EmbeddedPostgres postgres, String table) {
        try {
            return PostgresRows.of(postgres, table);
        } catch (java.sql.SQLException e) {
            return List.of();
        }
    }

    /** Retries of all the sink's writers so far. */
    private static long retries(JobClient job) {
        long sum = 0;
        for (Map.Entry<String, Metric> metric :
                METRICS.getMetricsByIdentifiers(job.getJobID()).entrySet()) {
            if (metric.getKey().endsWith("." + PostgresSessionSink.WRITE_RETRIES_METRIC)) {
                sum += ((Counter) metric.getValue()).getCount();
            }
        }
        return sum;
    }

    private static int maxAttemptNumber(MiniCluster cluster, JobClient job) throws Exception {
        int max = 0;
        for (AccessExecutionVertex vertex :
                cluster.getExecutionGraph(job.getJobID()).get().getAllExecutionVertices()) {
            max = Math.max(max, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return max;
    }

    private static void await(Await.Condition condition, String what) throws Exception {
        Await.until(TIMEOUT, what, condition);
    }
}
