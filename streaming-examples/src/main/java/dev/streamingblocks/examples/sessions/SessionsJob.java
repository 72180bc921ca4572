package dev.streamingblocks.examples.sessions;

import dev.streamingblocks.examples.ExampleEventTime;
import dev.streamingblocks.examples.internal.ClientProperties;
import dev.streamingblocks.examples.io.JobSink;
import dev.streamingblocks.examples.io.JobSource;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.SessionChange;
import dev.streamingblocks.sessions.Sessionizer;
import dev.streamingblocks.sessions.json.PageViewJsonDeserializationSchema;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The article's sessions job: page views (JSON, as Flink SQL's {@code json} format writes them) from
 * {@value #PAGE_VIEWS_TOPIC}, 30-minute event-time sessions per user, upserted into PostgreSQL's
 * {@value PostgresSessionSink#DEFAULT_TABLE} (primary key {@code user_id, session_start}).
 *
 * <pre>{@code
 * new SessionsJob(SessionsJob.kafkaPageViews(bootstrap, "sessions"),
 *         SessionsJob.postgresSessions(jdbcUrl, user, password)).attach(env);
 * env.enableCheckpointing(10_000);
 * env.execute("sessions");
 * }</pre>
 *
 * <p>How to run: (1) {@code local-stack}; (2) {@code sessions --bootstrap-servers ... --jdbc-url ...};
 * (3) {@code produce --type page-views --bootstrap-servers ... --count 1000}. Rows appear in
 * {@code user_sessions} once the watermark passes a session's end (last view + 30 minutes).
 *
 * <p>Bad input never stops the job: a page view that is no page view, or whose {@code user_id} is
 * longer than {@link dev.streamingblocks.sessions.PageViewLimits#DEFAULT_MAX_USER_ID_LENGTH}
 * characters, goes to {@value #DEAD_LETTER_TOPIC}; a session change that PostgreSQL refuses as data
 * goes to {@code user_sessions_rejects} (see {@link PostgresSessionSink}).
 */
public final class SessionsJob {

    public static final String PAGE_VIEWS_TOPIC = "page-views";
    public static final String DEAD_LETTER_TOPIC = "page-views-dlq";
    public static final String SOURCE_NAME = "page-views-source";
    public static final String SINK_NAME = "user-sessions-sink";

    private final JobSource<PageView> views;
    private final JobSink<SessionChange> sessions;
    private final Sessionizer sessionizer;

    public SessionsJob(JobSource<PageView> views, JobSink<SessionChange> sessions) {
        this(views, sessions, Sessionizer.builder().build());
    }

    public SessionsJob(JobSource<PageView> views, JobSink<SessionChange> sessions, Sessionizer sessionizer) {
        this.views = views;
        this.sessions = sessions;
        this.sessionizer = sessionizer;
    }

    /** Wires the pipeline into {@code env}; the caller sets checkpointing and executes. */
    public void attach(StreamExecutionEnvironment env) {
        sessions.attach(sessionizer.apply(views.attach(env)).changes());
    }

    /**
     * The default {@link Sessionizer#watermarkStrategy()} with the examples' guard
     * ({@link ExampleEventTime}): a far-future view goes to {@value #DEAD_LETTER_TOPIC}.
     */
    public static WatermarkStrategy<PageView> watermarks() {
        return Sessionizer.builder().build().watermarkStrategy(ExampleEventTime.guard());
    }

    /** The production source's builder; tests make it bounded with {@code setBoundedToLatest()}. */
    public static TypedKafkaSource.Builder<PageView> kafkaSourceBuilder(String bootstrapServers, String groupId) {
        return kafkaSourceBuilder(bootstrapServers, groupId, Map.of());
    }

    /** As {@link #kafkaSourceBuilder(String, String)}, with the user's Kafka client settings (security...). */
    public static TypedKafkaSource.Builder<PageView> kafkaSourceBuilder(
            String bootstrapServers, String groupId, Map<String, String> kafkaProperties) {
        return ClientProperties.applyTo(TypedKafkaSource.<PageView>builder(), kafkaProperties)
                .setName(SOURCE_NAME)
                .setBootstrapServers(bootstrapServers)
                .setTopics(PAGE_VIEWS_TOPIC)
                .setGroupId(groupId)
                .setValueDeserializer(new PageViewJsonDeserializationSchema())
                .setWatermarkStrategy(watermarks())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(DEAD_LETTER_TOPIC);
    }

    public static JobSource<PageView> kafkaPageViews(String bootstrapServers, String groupId) {
        return kafkaPageViews(bootstrapServers, groupId, TypedKafkaSource.DEFAULT_STARTING_OFFSETS);
    }

    /** As {@link #kafkaPageViews(String, String)}, starting at {@code start} when no state is restored. */
    public static JobSource<PageView> kafkaPageViews(String bootstrapServers, String groupId, StartingOffsets start) {
        return kafkaPageViews(bootstrapServers, groupId, start, Map.of());
    }

    /** As {@link #kafkaPageViews(String, String, StartingOffsets)}, with the user's Kafka client settings. */
    public static JobSource<PageView> kafkaPageViews(
            String bootstrapServers, String groupId, StartingOffsets start, Map<String, String> kafkaProperties) {
        TypedKafkaSource<PageView> source = kafkaSourceBuilder(bootstrapServers, groupId, kafkaProperties)
                .setStartingOffsets(start)
                .build();
        return env -> source.attach(env).records();
    }

    public static JobSink<SessionChange> postgresSessions(String jdbcUrl, String user, String password, String table) {
        PostgresSessionSink sink = PostgresSessionSink.builder()
                .setJdbcUrl(jdbcUrl)
                .setUser(user)
                .setPassword(password)
                .setTable(table)
                .setCreateTable(true)
                .build();
        return stream -> stream.sinkTo(sink).name(SINK_NAME).uid(SINK_NAME);
    }
}
