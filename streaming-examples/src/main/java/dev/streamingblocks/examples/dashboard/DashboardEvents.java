package dev.streamingblocks.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamingblocks.examples.dashboard.FlinkJobHealth.Health;
import dev.streamingblocks.fraud.Alert;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The JSON the page receives, one object per server-sent event. Times are UTC strings the page shows
 * as they are, so what the page says can be compared with the output topics character for character.
 */
final class DashboardEvents {

    static final String ORDER_STATS = "order-stats";
    static final String ALERT = "alert";
    static final String SESSIONS = "sessions";
    static final String HEALTH = "health";
    static final String SOURCE = "source";
    /** Sent first on every (re)connection: the page drops what it had, the snapshot follows. */
    static final String RESET = "reset";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter UTC_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private DashboardEvents() {}

    /**
     * A row of {@code order-stats} from its upsert JSON key and value (the layout of the article's
     * {@code upsert-kafka} table); a tombstone ({@code value == null}) becomes a row with {@code deleted}.
     *
     * @throws IOException when the bytes are not JSON
     * @throws IllegalArgumentException naming the field that is missing or not of its type
     */
    static ObjectNode orderStats(byte[] key, byte[] value) throws IOException {
        if (key == null) {
            throw new IllegalArgumentException("order-stats record has no key");
        }
        JsonNode k = JSON.readTree(key);
        ObjectNode row = JSON.createObjectNode();
        row.put("windowStart", text(k, "window_start", "key"));
        row.put("productId", text(k, "product_id", "key"));
        if (value == null) {
            return row.put("deleted", true);
        }
        JsonNode v = JSON.readTree(value);
        return row.put("orderCount", number(v, "order_count").longValue())
                .put("revenue", number(v, "total_revenue").doubleValue());
    }

    static ObjectNode alert(Alert alert) {
        return JSON.createObjectNode()
                .put("userId", alert.getUserId())
                .put("rule", alert.getRuleId())
                .put("type", alert.getAlertType())
                .put("windowStart", UTC_SECONDS.format(alert.getWindowStart()))
                .put("windowEnd", UTC_SECONDS.format(alert.getWindowEnd()))
                .put("count", alert.getTransactionCount());
    }

    /** Sessions closed per minute of their end, oldest first. */
    static ObjectNode sessions(Map<String, Long> closedPerMinute) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode minutes = event.putArray("minutes");
        closedPerMinute.forEach(
                (minute, closed) -> minutes.addObject().put("minute", minute).put("closed", closed));
        return event;
    }

    static ObjectNode health(Health h) {
        ObjectNode event = JSON.createObjectNode().put("reachable", h.reachable());
        if (!h.reachable()) {
            return event.put("error", h.error());
        }
        event.put("jobId", h.jobId())
                .put("job", h.jobName())
                .put("state", h.state())
                .put("recordsIn", h.recordsIn())
                .put("recordsOut", h.recordsOut())
                .put("inPerSecond", h.inPerSecond())
                .put("outPerSecond", h.outPerSecond())
                .put("watermark", watermark(h.watermark()))
                .put("newestEvent", h.newestEventTime() == null ? null : utc(h.newestEventTime()))
                .put("deadLetters", h.deadLetters())
                .put("lateRecords", h.lateRecords())
                .put("checkpointsCompleted", h.checkpointsCompleted())
                .put("checkpointsFailed", h.checkpointsFailed());
        if (h.watermark() != null && h.watermark() < Long.MAX_VALUE && h.newestEventTime() != null) {
            event.put("lagMillis", Math.max(0, h.newestEventTime() - h.watermark()));
        } else {
            event.putNull("lagMillis");
        }
        if (h.lastCheckpoint() == null) {
            event.putNull("lastCheckpoint");
        } else {
            event.putObject("lastCheckpoint")
                    .put("id", h.lastCheckpoint().id())
                    .put("completedAt", utc(h.lastCheckpoint().completedAtMillis()))
                    .put("durationMillis", h.lastCheckpoint().durationMillis());
        }
        return event;
    }

    /** How the server's reading of the output topics goes: {@code ok}, or the last problem. */
    static ObjectNode source(boolean ok, long unreadable, String problem) {
        return JSON.createObjectNode()
                .put("kafka", ok ? "ok" : "unavailable")
                .put("unreadable", unreadable)
                .put("problem", problem);
    }

    static String watermark(Long millis) {
        if (millis == null) {
            return null;
        }
        return millis >= Long.MAX_VALUE - 1 ? "end of input" : utc(millis);
    }

    static String utc(long epochMillis) {
        return UTC_SECONDS.format(Instant.ofEpochMilli(epochMillis));
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode f = node.get(field);
        if (f == null || !f.isTextual()) {
            throw new IllegalArgumentException("order-stats " + where + " has no text field '" + field + "'");
        }
        return f.asText();
    }

    private static Number number(JsonNode node, String field) {
        JsonNode f = node.get(field);
        if (f == null || !f.isNumber()) {
            throw new IllegalArgumentException("order-stats value has no numeric field '" + field + "'");
        }
        return f.numberValue();
    }
}
