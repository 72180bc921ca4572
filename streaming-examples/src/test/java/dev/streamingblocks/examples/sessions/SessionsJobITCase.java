package dev.streamingblocks.examples.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.json.PageViewJsonSerializationSchema;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sessions job on a real broker and a real PostgreSQL: known page views in, exactly these rows out. */
class SessionsJobITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    private static Instant t(long minutes) {
        return BEGINNING.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void pageViewsBecomeExactlyTheThirtyMinuteSessionsInUserSessions() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("page-views");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("page-views-dlq");
        String table = "user_sessions_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> keep = Map.of("retention.ms", "-1");
        KAFKA.cluster().createTopic(in, 2, (short) 1, keep);
        KAFKA.cluster().createTopic(dlq, 1, (short) 1, keep);

        List<PageView> views = List.of(
                new PageView("alice", "/a", t(0)),
                new PageView("alice", "/b", t(10)),
                new PageView("alice", "/c", t(25)),
                new PageView("alice", "/d", t(90)), // more than 30 minutes after /c: a new session
                new PageView("bob", "/x", t(5)),
                new PageView("bob", "/y", t(35))); // exactly one gap later: joins, as in Flink SQL
        PageViewJsonSerializationSchema serializer = new PageViewJsonSerializationSchema();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (PageView v : views) {
            records.add(new ProducerRecord<>(in, utf8(v.userId()), serializer.serialize(v)));
        }
        records.add(new ProducerRecord<>(in, utf8("poison"), utf8("{\"user_id\": 7}")));
        KAFKA.cluster().produce(records);

        TypedKafkaSource<PageView> source = SessionsJob.kafkaSourceBuilder(KAFKA.bootstrapServers(), "sessions-it")
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        EmbeddedPostgres pg = POSTGRES.postgres();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        new SessionsJob(
                        e -> source.attach(e).records(),
                        SessionsJob.postgresSessions(pg.jdbcUrl(), pg.user(), pg.password(), table))
                .attach(env);
        env.execute("sessions-it");

        assertThat(rows(pg, table))
                .containsExactly(
                        "alice|2026-02-06 12:00:00|2026-02-06 12:55:00|3|/a|/c",
                        "alice|2026-02-06 13:30:00|2026-02-06 14:00:00|1|/d|/d",
                        "bob|2026-02-06 12:05:00|2026-02-06 13:05:00|2|/x|/y");
        List<ConsumerRecord<byte[], byte[]>> deadLetters = KAFKA.cluster().consume(dlq, 1, Duration.ofSeconds(30));
        assertThat(new String(deadLetters.get(0).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"user_id\": 7}");
    }

    private static List<String> rows(EmbeddedPostgres pg, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT user_id, session_start, session_end, page_count, first_page,"
                        + " last_page FROM " + table + " ORDER BY user_id, session_start")) {
            while (r.next()) {
                rows.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getLong(4) + "|"
                        + r.getString(5) + "|" + r.getString(6));
            }
        }
        return rows;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
