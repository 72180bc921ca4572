package dev.streamingblocks.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.sink.UpsertJsonLayout.ColumnType;
import dev.streamingblocks.kafka.sink.testutils.Committed;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same upserts and delete written once by a Flink SQL job through {@code upsert-kafka} with JSON
 * key and value formats, and once by a DataStream job through {@link UpsertJsonLayout}: the two
 * topics must hold byte-for-byte the same keys and values.
 */
class UpsertJsonLayoutITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** A windowed result; {@code deleted} marks a retraction. */
    public record Total(
            String userId,
            LocalDateTime windowEnd,
            long total,
            double avgAmount,
            boolean flagged,
            int count,
            Instant seenAt,
            String note,
            boolean deleted) {}

    /** Explicit, because the type extractor would treat the LocalDateTime field as a generic type. */
    private static final TypeInformation<Total> TOTAL_TYPE = Types.POJO(
            Total.class,
            Map.of(
                    "userId",
                    Types.STRING,
                    "windowEnd",
                    Types.LOCAL_DATE_TIME,
                    "total",
                    Types.LONG,
                    "avgAmount",
                    Types.DOUBLE,
                    "flagged",
                    Types.BOOLEAN,
                    "count",
                    Types.INT,
                    "seenAt",
                    Types.INSTANT,
                    "note",
                    Types.STRING,
                    "deleted",
                    Types.BOOLEAN));

    private static final int PARTITIONS = 3;

    private static final LocalDateTime END_1 = LocalDateTime.parse("2026-11-24T08:05:00");
    private static final LocalDateTime END_2 = LocalDateTime.parse("2026-11-24T08:10:00.123");

    /** Insert, update of the same key, another insert, a delete, a row with nulls and fractions. */
    private static final List<Total> CHANGES = List.of(
            new Total("alice", END_1, 3, 12.5, false, 2, Instant.parse("2026-11-24T08:04:59Z"), "first", false),
            new Total("alice", END_1, 7, 1.0E10, true, 3, Instant.parse("2026-11-24T08:04:59.5Z"), "second", false),
            new Total("bob \"b\"", END_2, -1, -0.25, false, 1, Instant.parse("2026-11-24T08:09:00.001Z"), null, false),
            new Total("alice", END_1, 7, 1.0E10, true, 3, Instant.parse("2026-11-24T08:04:59.5Z"), "second", true),
            new Total("carol", END_2, 0, 0.1, true, 0, null, "ünï", false));

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1); // one writer keeps the order of the changes in both topics
        return env;
    }

    static UpsertJsonLayout<Total> layout() {
        return UpsertJsonLayout.<Total>builder()
                .addColumn("user_id", ColumnType.STRING, Total::userId)
                .addColumn("window_end", ColumnType.TIMESTAMP_3, Total::windowEnd)
                .addColumn("total", ColumnType.BIGINT, Total::total)
                .addColumn("avg_amount", ColumnType.DOUBLE, Total::avgAmount)
                .addColumn("flagged", ColumnType.BOOLEAN, Total::flagged)
                .addColumn("cnt", ColumnType.INT, Total::count)
                .addColumn("seen_at", ColumnType.TIMESTAMP_LTZ_3, Total::seenAt)
                .addColumn("note", ColumnType.STRING, Total::note)
                .setPrimaryKey("user_id", "window_end")
                .setDeletedWhen(Total::deleted)
                .build();
    }

    @Test
    void dataStreamBytesEqualFlinkSqlUpsertKafkaBytes() throws Exception {
        String sqlTopic = EmbeddedKafkaCluster.uniqueTopicName("upsert-sql");
        String streamTopic = EmbeddedKafkaCluster.uniqueTopicName("upsert-stream");
        // Three partitions: both jobs must also send each key to the same partition.
        KAFKA.cluster().createTopic(sqlTopic, PARTITIONS);
        KAFKA.cluster().createTopic(streamTopic, PARTITIONS);

        writeWithSql(sqlTopic);
        writeWithDataStream(streamTopic);

        List<String> sql = render(sqlTopic);
        List<String> stream = render(streamTopic);
        assertThat(stream).containsExactlyElementsOf(sql);
        // What both wrote, so a change in Flink's format shows up here and not only as a mismatch;
        // per partition in offset order, so alice's upserts and delete keep their order.
        assertThat(sql.stream()
                        .filter(line -> line.contains("alice"))
                        .map(line -> line.substring(line.indexOf(' ') + 1)))
                .containsExactly(
                        "{\"user_id\":\"alice\",\"window_end\":\"2026-11-24 08:05:00\"} -> {\"user_id\":\"alice\","
                                + "\"window_end\":\"2026-11-24 08:05:00\",\"total\":3,\"avg_amount\":12.5,\"flagged\":false,"
                                + "\"cnt\":2,\"seen_at\":\"2026-11-24 08:04:59Z\",\"note\":\"first\"}",
                        "{\"user_id\":\"alice\",\"window_end\":\"2026-11-24 08:05:00\"} -> {\"user_id\":\"alice\","
                                + "\"window_end\":\"2026-11-24 08:05:00\",\"total\":7,\"avg_amount\":1.0E10,\"flagged\":true,"
                                + "\"cnt\":3,\"seen_at\":\"2026-11-24 08:04:59.5Z\",\"note\":\"second\"}",
                        "{\"user_id\":\"alice\",\"window_end\":\"2026-11-24 08:05:00\"} -> TOMBSTONE");
        assertThat(sql.stream().map(line -> line.substring(line.indexOf(' ') + 1)))
                .containsExactlyInAnyOrder(
                        "{\"user_id\":\"alice\",\"window_end\":\"2026-11-24 08:05:00\"} -> {\"user_id\":\"alice\","
                                + "\"window_end\":\"2026-11-24 08:05:00\",\"total\":3,\"avg_amount\":12.5,\"flagged\":false,"
                                + "\"cnt\":2,\"seen_at\":\"2026-11-24 08:04:59Z\",\"note\":\"first\"}",
                        "{\"user_id\":\"alice\",\"window_end\":\"2026-11-24 08:05:00\"} -> {\"user_id\":\"alice\","
                                + "\"window_end\":\"2026-11-24 08:05:00\",\"total\":7,\"avg_amount\":1.0E10,\"flagged\":true,"
                                + "\"cnt\":3,\"seen_at\":\"2026-11-24 08:04:59.5Z\",\"note\":\"second\"}",
                        "{\"user_id\":\"bob \\\"b\\\"\",\"window_end\":\"2026-11-24 08:10:00.123\"} -> {\"user_id\":"
                                + "\"bob \\\"b\\\"\",\"window_end\":\"2026-11-24 08:10:00.123\",\"total\":-1,"
                                + "\"avg_amount\":-0.25,\"flagged\":false,\"cnt\":1,\"seen_at\":\"2026-11-24 08:09:00.001Z\","
                                + "\"note\":null}",
                        "{\"user_id\":\"alice\",\"window_end\":\"2026-11-24 08:05:00\"} -> TOMBSTONE",
                        "{\"user_id\":\"carol\",\"window_end\":\"2026-11-24 08:10:00.123\"} -> {\"user_id\":\"carol\","
                                + "\"window_end\":\"2026-11-24 08:10:00.123\",\"total\":0,\"avg_amount\":0.1,\"flagged\":true,"
                                + "\"cnt\":0,\"seen_at\":null,\"note\":\"ünï\"}");
    }

    private static void writeWithSql(String topic) throws Exception {
        StreamExecutionEnvironment env = env();
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.executeSql("CREATE TABLE totals ("
                + " user_id STRING, window_end TIMESTAMP(3), total BIGINT, avg_amount DOUBLE, flagged BOOLEAN,"
                + " cnt INT, seen_at TIMESTAMP_LTZ(3), note STRING,"
                + " PRIMARY KEY (user_id, window_end) NOT ENFORCED"
                + ") WITH ('connector' = 'upsert-kafka', 'topic' = '" + topic + "',"
                + " 'properties.bootstrap.servers' = '" + KAFKA.bootstrapServers() + "',"
                + " 'key.format' = 'json', 'value.format' = 'json')");
        TypeInformation<Row> rowType = Types.ROW_NAMED(
                new String[] {"user_id", "window_end", "total", "avg_amount", "flagged", "cnt", "seen_at", "note"},
                Types.STRING,
                Types.LOCAL_DATE_TIME,
                Types.LONG,
                Types.DOUBLE,
                Types.BOOLEAN,
                Types.INT,
                Types.INSTANT,
                Types.STRING);
        Row[] rows = CHANGES.stream().map(UpsertJsonLayoutITCase::toRow).toArray(Row[]::new);
        Table changes = tables.fromChangelogStream(
                env.fromData(rowType, rows),
                Schema.newBuilder()
                        .column("user_id", DataTypes.STRING().notNull())
                        .column("window_end", DataTypes.TIMESTAMP(3).notNull())
                        .column("total", DataTypes.BIGINT())
                        .column("avg_amount", DataTypes.DOUBLE())
                        .column("flagged", DataTypes.BOOLEAN())
                        .column("cnt", DataTypes.INT())
                        .column("seen_at", DataTypes.TIMESTAMP_LTZ(3))
                        .column("note", DataTypes.STRING())
                        .primaryKey("user_id", "window_end")
                        .build(),
                ChangelogMode.upsert());
        changes.executeInsert("totals").await();
    }

    private static Row toRow(Total t) {
        RowKind kind = t.deleted() ? RowKind.DELETE : RowKind.UPDATE_AFTER;
        return Row.ofKind(
                kind,
                t.userId(),
                t.windowEnd(),
                t.total(),
                t.avgAmount(),
                t.flagged(),
                t.count(),
                t.seenAt(),
                t.note());
    }

    private static void writeWithDataStream(String topic) throws Exception {
        StreamExecutionEnvironment env = env();
        env.enableCheckpointing(200);
        TypedKafkaSink.<Total>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopic(topic)
                .setUpsertJsonLayout(layout())
                .setTransactionalIdPrefix(topic)
                .build()
                .sinkTo(env.fromData(CHANGES, TOTAL_TYPE));
        env.execute("upsert-datastream");
    }

    private static List<String> render(String topic) {
        return Committed.readAll(KAFKA.cluster(), topic, Duration.ofSeconds(30)).stream()
                .map(r -> "p" + r.partition() + " " + new String(r.key(), StandardCharsets.UTF_8) + " -> "
                        + (r.value() == null ? "TOMBSTONE" : new String(r.value(), StandardCharsets.UTF_8)))
                .collect(Collectors.toList());
    }
}
