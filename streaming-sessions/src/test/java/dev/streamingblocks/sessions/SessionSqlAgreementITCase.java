package dev.streamingblocks.sessions;

import static dev.streamingblocks.sessions.SessionizeFunctionTest.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The block and Flink SQL's SESSION window, run by the planner on the same views, define the same
 * sessions, including at the gap boundary: a view exactly one gap after the previous one joins it.
 */
class SessionSqlAgreementITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestPipelines.miniCluster();

    private static final Duration MS = Duration.ofMillis(1);

    /** In event-time order, so neither side has late views. */
    private static final List<PageView> VIEWS = List.of(
            new PageView("u1", "/a", t(0)),
            new PageView("u2", "/a", t(0)),
            new PageView("u3", "/a", t(10)),
            new PageView("u3", "/b", t(15)),
            new PageView("u1", "/b", t(30)),
            new PageView("u2", "/b", t(30).plus(MS)),
            new PageView("u1", "/c", t(60)),
            new PageView("u3", "/c", t(100)),
            new PageView("u4", "/a", t(100).plus(MS)),
            new PageView("u4", "/b", t(130).plus(MS)));

    private static final List<String> EXPECTED = List.of(
            "u1 2026-02-06T12:00:00Z 2026-02-06T13:30:00Z 3",
            "u2 2026-02-06T12:00:00Z 2026-02-06T12:30:00Z 1",
            "u2 2026-02-06T12:30:00.001Z 2026-02-06T13:00:00.001Z 1",
            "u3 2026-02-06T12:10:00Z 2026-02-06T12:45:00Z 2",
            "u3 2026-02-06T13:40:00Z 2026-02-06T14:10:00Z 1",
            "u4 2026-02-06T13:40:00.001Z 2026-02-06T14:40:00.001Z 2");

    @Test
    void blockDefinesTheSessionsTheArticlesGroupWindowQueryDefines() throws Exception {
        assertThat(sql("SELECT userId, SESSION_START(rowtime, INTERVAL '30' MINUTE),"
                        + " SESSION_END(rowtime, INTERVAL '30' MINUTE), COUNT(*) FROM page_views"
                        + " GROUP BY userId, SESSION(rowtime, INTERVAL '30' MINUTE)"))
                .containsExactlyElementsOf(EXPECTED);
        assertThat(block()).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void blockDefinesTheSessionsTheSessionTableFunctionDefines() throws Exception {
        assertThat(sql("SELECT userId, window_start, window_end, COUNT(*) FROM TABLE(SESSION(TABLE page_views"
                        + " PARTITION BY userId, DESCRIPTOR(rowtime), INTERVAL '30' MINUTES))"
                        + " GROUP BY userId, window_start, window_end"))
                .containsExactlyElementsOf(EXPECTED);
    }

    private static List<String> block() throws Exception {
        StreamExecutionEnvironment env = environment();
        Sessionizer sessionizer = Sessionizer.builder().build();
        List<SessionChange> changes = new ArrayList<>();
        try (CloseableIterator<SessionChange> it =
                sessionizer.apply(views(env, sessionizer)).changes().executeAndCollect()) {
            it.forEachRemaining(changes::add);
        }
        return TestPipelines.apply(changes).values().stream()
                .map(s -> s.userId() + " " + s.sessionStart() + " " + s.sessionEnd() + " " + s.pageCount())
                .sorted()
                .collect(Collectors.toList());
    }

    private static List<String> sql(String query) throws Exception {
        StreamExecutionEnvironment env = environment();
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        tableEnv.createTemporaryView(
                "page_views",
                views(env, Sessionizer.builder().build()),
                Schema.newBuilder()
                        .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                        .watermark("rowtime", "SOURCE_WATERMARK()")
                        .build());
        List<String> rows = new ArrayList<>();
        TableResult result = tableEnv.executeSql(query);
        try (CloseableIterator<Row> it = result.collect()) {
            it.forEachRemaining(row -> rows.add(row.getField(0) + " " + instant(row.getField(1)) + " "
                    + instant(row.getField(2)) + " " + row.getField(3)));
        }
        rows.sort(null);
        return rows;
    }

    private static Instant instant(Object value) {
        if (value instanceof LocalDateTime local) {
            return local.toInstant(ZoneOffset.UTC);
        }
        return (Instant) value;
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TestPipelines.configuration());
        env.setParallelism(TestPipelines.PARALLELISM);
        return env;
    }

    private static DataStream<PageView> views(StreamExecutionEnvironment env, Sessionizer sessionizer) {
        return env.fromData(TypeInformation.of(PageView.class), VIEWS.toArray(new PageView[0]))
                .setParallelism(1)
                .assignTimestampsAndWatermarks(TestPipelines.watermarkAfterEveryView(sessionizer.maxOutOfOrderness()))
                .setParallelism(1);
    }
}
