package dev.streamingblocks.examples.sessions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.config.TableConfigOptions;

/**
 * The article's sessions in Flink SQL: a Kafka {@code page_views} table ({@code json}), a 30-minute
 * {@code SESSION} window per user, and the {@code jdbc} connector upserting into PostgreSQL by
 * {@code (user_id, session_start)}.
 *
 * <pre>{@code
 * new SessionsSqlJob(bootstrap, jdbcUrl, user, password).execute(tEnv);
 * }</pre>
 *
 * <p>It writes the article's four columns to its own table, {@value #DEFAULT_TABLE} (created if
 * missing), not to the DataStream job's {@code user_sessions}, which also has the first and last
 * page. Session bounds agree with the DataStream job: start = first view, end = last view + 30 min.
 * The password goes to the connector's {@code password} option and is never printed.
 */
public final class SessionsSqlJob {

    public static final String DEFAULT_TABLE = "user_sessions_sql";

    private final String bootstrapServers;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private String pageViewsTopic = SessionsJob.PAGE_VIEWS_TOPIC;
    private String table = DEFAULT_TABLE;
    private String groupId = "sessions-sql";
    private boolean bounded;

    public SessionsSqlJob(String bootstrapServers, String jdbcUrl, String user, String password) {
        requireText(bootstrapServers, "bootstrapServers");
        requireText(jdbcUrl, "jdbcUrl");
        requireText(user, "user");
        requireText(password, "password");
        this.bootstrapServers = bootstrapServers;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    public SessionsSqlJob setPageViewsTopic(String pageViewsTopic) {
        this.pageViewsTopic = pageViewsTopic;
        return this;
    }

    public SessionsSqlJob setTable(String table) {
        if (table == null || !table.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("table must be a plain SQL identifier, was '" + table + "'");
        }
        this.table = table;
        return this;
    }

    public SessionsSqlJob setGroupId(String groupId) {
        this.groupId = groupId;
        return this;
    }

    public SessionsSqlJob setBounded(boolean bounded) {
        this.bounded = bounded;
        return this;
    }

    /** The PostgreSQL table the jdbc sink needs; the connector does not create it. */
    public String createTableStatement() {
        return "CREATE TABLE IF NOT EXISTS " + table + " (user_id TEXT NOT NULL, session_start TIMESTAMP(3) NOT NULL,"
                + " session_end TIMESTAMP(3) NOT NULL, page_count BIGINT NOT NULL, PRIMARY KEY (user_id, session_start))";
    }

    List<String> statements() {
        return List.of("""
                CREATE TABLE page_views (
                    user_id STRING,
                    page_url STRING,
                    view_time TIMESTAMP(3),
                    WATERMARK FOR view_time AS view_time - INTERVAL '10' SECOND
                ) WITH (
                    'connector' = 'kafka',
                    'topic' = '%s',
                    'properties.bootstrap.servers' = '%s',
                    'properties.group.id' = '%s',
                    'scan.startup.mode' = 'earliest-offset',
                    %s
                    'format' = 'json'
                )""".formatted(pageViewsTopic, bootstrapServers, groupId,
                        bounded ? "'scan.bounded.mode' = 'latest-offset'," : ""),
                """
                CREATE TABLE user_sessions (
                    user_id STRING,
                    session_start TIMESTAMP(3),
                    session_end TIMESTAMP(3),
                    page_count BIGINT,
                    PRIMARY KEY (user_id, session_start) NOT ENFORCED
                ) WITH (
                    'connector' = 'jdbc',
                    'url' = '%s',
                    'table-name' = '%s',
                    'username' = '%s',
                    'password' = '%s'
                )""".formatted(jdbcUrl, table, user.replace("'", "''"), password.replace("'", "''")),
                """
                INSERT INTO user_sessions
                SELECT
                    user_id,
                    SESSION_START(view_time, INTERVAL '30' MINUTE) AS session_start,
                    SESSION_END(view_time, INTERVAL '30' MINUTE) AS session_end,
                    COUNT(*) AS page_count
                FROM page_views
                GROUP BY user_id, SESSION(view_time, INTERVAL '30' MINUTE)""");
    }

    /** Creates the PostgreSQL table if missing, then runs the statements; returns the INSERT's result. */
    public TableResult execute(TableEnvironment tEnv) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute(createTableStatement());
        }
        tEnv.getConfig().set(TableConfigOptions.LOCAL_TIME_ZONE, "UTC");
        List<String> statements = statements();
        for (int i = 0; i < statements.size() - 1; i++) {
            tEnv.executeSql(statements.get(i));
        }
        return tEnv.executeSql(statements.get(statements.size() - 1));
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }
}
