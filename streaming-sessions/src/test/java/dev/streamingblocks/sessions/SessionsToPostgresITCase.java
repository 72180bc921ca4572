package dev.streamingblocks.sessions;

import static dev.streamingblocks.sessions.SessionizeFunctionTest.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Finite page views through the block into a real PostgreSQL table, at parallelism 2. */
class SessionsToPostgresITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestPipelines.miniCluster();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void lateViewBridgingTwoWrittenSessionsLeavesOneMergedRowAndNoStaleOne() throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TestPipelines.configuration());
        env.setParallelism(TestPipelines.PARALLELISM);
        Sessionizer sessionizer = Sessionizer.builder()
                .setGap(Duration.ofMinutes(30))
                .setMaxOutOfOrderness(Duration.ofSeconds(10))
                .setAllowedLateness(Duration.ofHours(6))
                .build();
        DataStream<PageView> views = env.fromData(
                        TypeInformation.of(PageView.class),
                        new PageView("alice", "/a", t(0)),
                        new PageView("alice", "/c", t(40)),
                        // Moves the watermark past both of alice's sessions: both are written.
                        new PageView("bob", "/x", t(300)),
                        // Late, within the allowed lateness, and bridges [0, 30) and [40, 70).
                        new PageView("alice", "/b", t(20)),
                        new PageView("bob", "/y", t(330)),
                        new PageView("carol", "/p", t(400)),
                        new PageView("carol", "/q", t(431)),
                        new PageView("bob", "/z", t(800)),
                        // Window [1, 31) closed 6 h before the watermark (800 min - 10 s): too late.
                        new PageView("alice", "/too-late", t(1)))
                .setParallelism(1)
                .assignTimestampsAndWatermarks(TestPipelines.watermarkAfterEveryView(sessionizer.maxOutOfOrderness()))
                .setParallelism(1);
        Sessionizer.Result result = sessionizer.apply(views);
        EmbeddedPostgres postgres = POSTGRES.postgres();
        String table = "bridged_sessions";
        // Batch size 1: every change reaches the table at once, so a stale row would be seen.
        result.changes()
                .sinkTo(PostgresSessionSink.builder()
                        .setJdbcUrl(postgres.jdbcUrl())
                        .setUser(postgres.user())
                        .setPassword(postgres.password())
                        .setTable(table)
                        .setCreateTable(true)
                        .setBatchSize(1)
                        .build())
                .name("user_sessions")
                .uid("user-sessions-postgres");

        CloseableIterator<SessionChange> changes = result.changes().collectAsync();
        CloseableIterator<PageView> late = result.lateViews().collectAsync();
        JobClient job = env.executeAsync("sessions to postgres");
        job.getJobExecutionResult().get();

        List<SessionChange> all = drain(changes);
        assertThat(all.stream()
                        .filter(c -> c.session().userId().equals("alice"))
                        .toList())
                .containsExactly(
                        SessionizeFunctionTest.insert("alice", 0, 30, 1, "/a", "/a"),
                        SessionizeFunctionTest.insert("alice", 40, 70, 1, "/c", "/c"),
                        SessionizeFunctionTest.delete("alice", 40, 70, 1, "/c", "/c"),
                        SessionizeFunctionTest.update("alice", 0, 70, 3, "/a", "/c"));
        assertThat(drain(late)).containsExactly(new PageView("alice", "/too-late", t(1)));
        assertThat(PostgresRows.of(postgres, table))
                .containsExactly(
                        "alice|2026-02-06 12:00:00|2026-02-06 13:10:00|3|/a|/c",
                        "bob|2026-02-06 17:00:00|2026-02-06 18:00:00|2|/x|/y",
                        "bob|2026-02-07 01:20:00|2026-02-07 01:50:00|1|/z|/z",
                        "carol|2026-02-06 18:40:00|2026-02-06 19:10:00|1|/p|/p",
                        "carol|2026-02-06 19:11:00|2026-02-06 19:41:00|1|/q|/q");
        assertThat(PostgresRows.of(postgres, table))
                .hasSize(TestPipelines.apply(all).size());
    }

    private static <T> List<T> drain(CloseableIterator<T> iterator) throws Exception {
        List<T> list = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(list::add);
        }
        return list;
    }
}
