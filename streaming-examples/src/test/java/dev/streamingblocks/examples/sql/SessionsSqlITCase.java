package dev.streamingblocks.examples.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code sessions-sql} from a Kafka topic of JSON page views into a real PostgreSQL table. */
class SessionsSqlITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    /**
     * alice's third view is exactly one gap after her second, so it joins that session; her fourth
     * is 40 minutes after the third and opens a new one. bob's first view has a fraction of a
     * second, and his two views share a time, so the URL order decides first and last page.
     */
    static final List<String> PAGE_VIEWS = List.of(
            view("alice", "/home", "2026-02-06 12:00:00"),
            view("bob", "/pricing", "2026-02-06 12:05:00.5"),
            view("bob", "/about", "2026-02-06 12:05:00.5"),
            view("alice", "/products", "2026-02-06 12:10:00"),
            view("bob", "/signup", "2026-02-06 12:06:00"),
            view("alice", "/cart", "2026-02-06 12:40:00"),
            view("alice", "/home", "2026-02-06 13:20:00"));

    @Test
    void writesOneRowPerSessionToPostgres() throws Exception {
        EmbeddedKafkaCluster kafka = KAFKA.cluster();
        EmbeddedPostgres postgres = POSTGRES.postgres();
        String topic = EmbeddedKafkaCluster.uniqueTopicName("page-views");
        String table = "user_sessions_" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(topic, 1, (short) 1, Map.of("retention.ms", "-1"));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String json : PAGE_VIEWS) {
            records.add(new ProducerRecord<>(topic, json.getBytes(StandardCharsets.UTF_8)));
        }
        kafka.produce(records);
        try (Connection c = postgres.connect();
                Statement s = c.createStatement()) {
            s.execute(PostgresSessionSink.createTableStatement(table));
        }

        SessionsSql.execute(
                        OrderStatsSqlITCase.tableEnvironment(),
                        SqlJobOptions.builder()
                                .setBootstrapServers(kafka.bootstrapServers())
                                .setJdbcUrl(postgres.jdbcUrl())
                                .setJdbcUser(postgres.user())
                                .setJdbcPassword(postgres.password())
                                .setBounded(true)
                                .build(),
                        topic,
                        table)
                .await();

        assertThat(rows(postgres, table))
                .containsExactly(
                        "alice | 2026-02-06 12:00:00 | 2026-02-06 13:10:00 | 3 | /home | /cart",
                        "alice | 2026-02-06 13:20:00 | 2026-02-06 13:50:00 | 1 | /home | /home",
                        "bob | 2026-02-06 12:05:00.5 | 2026-02-06 12:36:00 | 3 | /about | /signup");
    }

    @Test
    void createUserSessionsTableIsIdempotentAndUsesTheDataStreamSinksLayout() throws Exception {
        EmbeddedPostgres postgres = POSTGRES.postgres();
        SessionsSql.createUserSessionsTable(postgres.jdbcUrl(), postgres.user(), postgres.password());
        SessionsSql.createUserSessionsTable(postgres.jdbcUrl(), postgres.user(), postgres.password());
        List<String> columns = new ArrayList<>();
        try (Connection c = postgres.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT column_name, data_type FROM information_schema.columns"
                        + " WHERE table_name = 'user_sessions' ORDER BY ordinal_position")) {
            while (rs.next()) {
                columns.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        assertThat(columns)
                .containsExactly(
                        "user_id text",
                        "session_start timestamp without time zone",
                        "session_end timestamp without time zone",
                        "page_count bigint",
                        "first_page text",
                        "last_page text");
    }

    private static List<String> rows(EmbeddedPostgres postgres, String table) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = postgres.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT user_id, session_start::text, session_end::text,"
                        + " page_count, first_page, last_page FROM " + table + " ORDER BY user_id, session_start")) {
            while (rs.next()) {
                rows.add(String.join(
                        " | ",
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        Long.toString(rs.getLong(4)),
                        rs.getString(5),
                        rs.getString(6)));
            }
        }
        return rows;
    }

    private static String view(String user, String url, String time) {
        return "{\"user_id\":\"" + user + "\",\"page_url\":\"" + url + "\",\"view_time\":\"" + time + "\"}";
    }
}
