package dev.streamingblocks.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.examples.dashboard.FlinkJobHealth.Checkpoint;
import dev.streamingblocks.examples.dashboard.FlinkJobHealth.Health;
import dev.streamingblocks.examples.orders.OrderStats;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.fraud.Alert;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardEventsTest {

    private static final Instant MINUTE_1 = Instant.parse("2026-02-06T12:01:00Z");

    @Test
    void anOrderStatsRecordAsTheJobWritesItBecomesOneRow() throws Exception {
        OrderStats stats = new OrderStats(MINUTE_1, MINUTE_1.plusSeconds(60), "prod-2", 122, 7371.5);
        byte[] key = OrderStatsJob.UPSERT_LAYOUT.keySerializationSchema().serialize(stats);
        byte[] value = OrderStatsJob.UPSERT_LAYOUT.valueSerializationSchema().serialize(stats);

        assertThat(DashboardEvents.orderStats(key, value).toString())
                .isEqualTo("{\"windowStart\":\"2026-02-06 12:01:00\",\"productId\":\"prod-2\",\"orderCount\":122,"
                        + "\"revenue\":7371.5}");
        assertThat(DashboardEvents.orderStats(key, null).toString())
                .isEqualTo("{\"windowStart\":\"2026-02-06 12:01:00\",\"productId\":\"prod-2\",\"deleted\":true}");
    }

    @Test
    void anOrderStatsRecordWithoutItsFieldsIsRefusedNamingTheField() {
        byte[] key = "{\"window_start\":\"2026-02-06 12:01:00\",\"product_id\":\"p\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() ->
                        DashboardEvents.orderStats(key, "{\"order_count\":\"7\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("order-stats value has no numeric field 'order_count'");
        assertThatThrownBy(() -> DashboardEvents.orderStats("{}".getBytes(StandardCharsets.UTF_8), null))
                .hasMessage("order-stats key has no text field 'window_start'");
        assertThatThrownBy(() -> DashboardEvents.orderStats(null, null)).hasMessage("order-stats record has no key");
    }

    @Test
    void anAlertShowsUserRuleWindowAndCount() {
        Alert alert = Alert.newBuilder()
                .setUserId("mallory")
                .setAlertType("HIGH_FREQUENCY_LARGE_TRANSACTIONS")
                .setRuleId("article")
                .setWindowStart(MINUTE_1)
                .setWindowEnd(MINUTE_1.plusSeconds(60))
                .setTransactionCount(3)
                .build();

        assertThat(DashboardEvents.alert(alert).toString())
                .isEqualTo("{\"userId\":\"mallory\",\"rule\":\"article\","
                        + "\"type\":\"HIGH_FREQUENCY_LARGE_TRANSACTIONS\",\"windowStart\":\"2026-02-06 12:01:00\","
                        + "\"windowEnd\":\"2026-02-06 12:02:00\",\"count\":3}");
    }

    @Test
    void sessionsPerMinuteKeepTheirOrder() {
        Map<String, Long> perMinute = new LinkedHashMap<>();
        perMinute.put("2026-02-06 12:30", 2L);
        perMinute.put("2026-02-06 12:31", 5L);

        assertThat(DashboardEvents.sessions(perMinute).toString())
                .isEqualTo(
                        "{\"minutes\":["
                                + "{\"minute\":\"2026-02-06 12:30\",\"closed\":2},{\"minute\":\"2026-02-06 12:31\",\"closed\":5}]}");
    }

    @Test
    void healthCarriesTheLagOfTheWatermarkBehindTheNewestEvent() {
        long watermark = MINUTE_1.toEpochMilli();
        Health health = new Health(
                true,
                null,
                "j1",
                "fraud",
                "RUNNING",
                100,
                3,
                50.0,
                null,
                watermark,
                watermark + 4_500,
                new Checkpoint(7, MINUTE_1.plusSeconds(2).toEpochMilli(), 35),
                7,
                1,
                2,
                4);

        assertThat(DashboardEvents.health(health).toString())
                .isEqualTo("{\"reachable\":true,\"jobId\":\"j1\","
                        + "\"job\":\"fraud\",\"state\":\"RUNNING\",\"recordsIn\":100,\"recordsOut\":3,\"inPerSecond\":50.0,"
                        + "\"outPerSecond\":null,\"watermark\":\"2026-02-06 12:01:00\",\"newestEvent\":\"2026-02-06 12:01:04\","
                        + "\"deadLetters\":2,\"lateRecords\":4,\"checkpointsCompleted\":7,\"checkpointsFailed\":1,"
                        + "\"lagMillis\":4500,\"lastCheckpoint\":{\"id\":7,\"completedAt\":\"2026-02-06 12:01:02\","
                        + "\"durationMillis\":35}}");
    }

    @Test
    void healthWithoutWatermarkOrAtTheEndOfInputHasNoLag() {
        Health none = new Health(true, null, "j1", "fraud", "RUNNING", 0, 0, null, null, null, null, null, 0, 0, 0, 0);
        Health ended = new Health(
                true,
                null,
                "j1",
                "fraud",
                "FINISHED",
                0,
                0,
                null,
                null,
                Long.MAX_VALUE,
                MINUTE_1.toEpochMilli(),
                null,
                0,
                0,
                0,
                0);

        assertThat(DashboardEvents.health(none).path("watermark").isNull()).isTrue();
        assertThat(DashboardEvents.health(none).path("lagMillis").isNull()).isTrue();
        assertThat(DashboardEvents.health(ended).path("watermark").asText()).isEqualTo("end of input");
        assertThat(DashboardEvents.health(ended).path("lagMillis").isNull()).isTrue();
        assertThat(DashboardEvents.health(Health.unreachable("connection refused"))
                        .toString())
                .isEqualTo("{\"reachable\":false,\"error\":\"connection refused\"}");
    }
}
