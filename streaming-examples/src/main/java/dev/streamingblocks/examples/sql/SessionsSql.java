package dev.streamingblocks.examples.sql;

import dev.streamingblocks.examples.sql.internal.SqlText;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The article's Flink SQL job {@code sessions-sql}: JSON page views from the Kafka topic {@code
 * page-views} ({@code view_time TIMESTAMP(3)}, 10 s of out-of-orderness), per-user session windows
 * with a 30-minute gap, upserted into PostgreSQL's {@code user_sessions} through Flink's {@code
 * jdbc} connector (primary key {@code user_id, session_start}).
 *
 * <pre>{@code
 * SessionsSql.createUserSessionsTable(jdbcUrl, user, password);   // CREATE TABLE IF NOT EXISTS
 * SessionsSql.execute(tEnv, SqlJobOptions.builder().setBootstrapServers("localhost:9092")
 *         .setJdbcUrl(jdbcUrl).setJdbcUser(user).setJdbcPassword(password).build(),
 *         "page-views", "user_sessions").await();
 * }</pre>
 *
 * <p>It fills the same table as the DataStream sessionizer ({@link PostgresSessionSink}'s DDL):
 * besides the article's columns, {@code first_page} and {@code last_page} are the pages of the
 * session's earliest and latest view by event time (on equal times the smallest and largest URL,
 * as the DataStream job does). SQL has no "value at the minimum time" for session windows that
 * merges, so the query takes {@code MIN}/{@code MAX} of the view time formatted to a fixed width
 * followed by the URL, and cuts the URL off again. The windowing-table-function {@code SESSION}
 * replaces the article's deprecated {@code GROUP BY SESSION(...)}; both give {@code session_start}
 * = first view and {@code session_end} = last view + gap, and views one gap apart join a session.
 * Unlike the DataStream job, the SQL job drops views later than the watermark.
 *
 * <p><b>How to run</b> (Kafka with JSON page views such as {@code
 * {"user_id":"alice","page_url":"/home","view_time":"2026-02-06 12:00:00"}} in {@code page-views},
 * and PostgreSQL):
 * <ol>
 *   <li>{@code PGUSER=analytics PGPASSWORD=... java -cp streaming-examples.jar
 *       dev.streamingblocks.examples.sql.SessionsSql --bootstrap-servers localhost:9092 --jdbc-url
 *       jdbc:postgresql://localhost:5432/analytics}</li>
 *   <li>{@code SELECT * FROM user_sessions}: one row per session once it has closed (the watermark
 *       passed its end), e.g. {@code alice | 2026-02-06 12:00:00 | 2026-02-06 13:10:00 | 3 | /home |
 *       /cart}.</li>
 * </ol>
 * The job creates {@code user_sessions} if it does not exist.
 */
public final class SessionsSql {

    public static final String JOB_NAME = "sessions-sql";
    public static final String GROUP_ID = "sessions-sql";
    public static final String PAGE_VIEWS_TOPIC = "page-views";
    public static final String USER_SESSIONS_TABLE = "user_sessions";
    public static final String PAGE_VIEWS_TABLE = "page_views";
    /** The Flink table that maps to the PostgreSQL table (named apart so both can be told apart in plans). */
    public static final String USER_SESSIONS_SINK_TABLE = "user_sessions_sink";

    /** Length of {@code yyyy-MM-dd HH:mm:ss.SSS}, the prefix the query adds before each URL. */
    static final int TIME_PREFIX_LENGTH = 23;

    static final String DESCRIPTION = "sessions-sql: the article's Flink SQL, JSON page views -> 30-minute"
            + " session windows per user -> PostgreSQL user_sessions (jdbc connector).";

    private SessionsSql() {}

    public static void main(String[] args) throws Exception {
        SqlJobOptions options = SqlJobOptions.parse(args, System.getenv());
        if (options.help()) {
            System.out.println(SqlJobOptions.usage(DESCRIPTION));
            return;
        }
        createUserSessionsTable(options.requireJdbcUrl(), options.jdbcUser(), options.jdbcPassword());
        StreamTableEnvironment tEnv = SqlJobs.createTableEnvironment(JOB_NAME);
        execute(tEnv, options, PAGE_VIEWS_TOPIC, USER_SESSIONS_TABLE).await();
    }

    /** Creates {@code user_sessions} in PostgreSQL unless it exists (the DataStream sink's DDL). */
    public static void createUserSessionsTable(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(PostgresSessionSink.createTableStatement(USER_SESSIONS_TABLE));
        }
    }

    /**
     * Registers {@code page_views} (reading {@code pageViewsTopic}) and the JDBC sink table (writing
     * the PostgreSQL table {@code postgresTable}, which must exist) and submits the {@code INSERT}.
     */
    public static TableResult execute(
            StreamTableEnvironment tEnv, SqlJobOptions options, String pageViewsTopic, String postgresTable) {
        Map<String, String> source = SqlText.options();
        source.put("connector", "kafka");
        source.put("topic", pageViewsTopic);
        source.put("properties.bootstrap.servers", options.bootstrapServers());
        source.put("properties.group.id", GROUP_ID);
        source.put("scan.startup.mode", "earliest-offset");
        source.put("scan.bounded.mode", options.bounded() ? "latest-offset" : null);
        source.put("format", "json");
        options.withKafkaProperties(source);
        tEnv.executeSql("CREATE TEMPORARY TABLE " + PAGE_VIEWS_TABLE + " (\n"
                + "    user_id STRING,\n"
                + "    page_url STRING,\n"
                + "    view_time TIMESTAMP(3),\n"
                + "    WATERMARK FOR view_time AS view_time - INTERVAL '10' SECOND\n"
                + ") " + SqlText.with(source));

        Map<String, String> sink = SqlText.options();
        sink.put("connector", "jdbc");
        sink.put("url", options.requireJdbcUrl());
        sink.put("table-name", postgresTable);
        sink.put("username", options.jdbcUser());
        sink.put("password", options.jdbcPassword());
        tEnv.executeSql("CREATE TEMPORARY TABLE " + USER_SESSIONS_SINK_TABLE + " (\n"
                + "    user_id STRING,\n"
                + "    session_start TIMESTAMP(3),\n"
                + "    session_end TIMESTAMP(3),\n"
                + "    page_count BIGINT,\n"
                + "    first_page STRING,\n"
                + "    last_page STRING,\n"
                + "    PRIMARY KEY (user_id, session_start) NOT ENFORCED\n"
                + ") " + SqlText.with(sink));
        return tEnv.executeSql(insertStatement());
    }

    /** The query; see the class Javadoc for how the first and last pages are found. */
    public static String insertStatement() {
        String timeThenUrl = "CONCAT(DATE_FORMAT(view_time, 'yyyy-MM-dd HH:mm:ss.SSS'), page_url)";
        return "INSERT INTO " + USER_SESSIONS_SINK_TABLE + "\n"
                + "SELECT user_id,\n"
                + "       window_start AS session_start,\n"
                + "       window_end AS session_end,\n"
                + "       COUNT(*) AS page_count,\n"
                + "       SUBSTRING(MIN(" + timeThenUrl + ") FROM " + (TIME_PREFIX_LENGTH + 1) + ") AS first_page,\n"
                + "       SUBSTRING(MAX(" + timeThenUrl + ") FROM " + (TIME_PREFIX_LENGTH + 1) + ") AS last_page\n"
                + "FROM TABLE(SESSION(TABLE " + PAGE_VIEWS_TABLE + " PARTITION BY user_id,"
                + " DESCRIPTOR(view_time), INTERVAL '30' MINUTE))\n"
                + "GROUP BY user_id, window_start, window_end";
    }
}
