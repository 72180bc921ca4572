package dev.streamingblocks.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.window.LateData;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Job health from Flink's REST API (the one behind the web UI): the current job, its records in and
 * out per second, watermark, newest event time, last checkpoint and the library's dead-letter and
 * late-record counters. It follows whatever job runs at the address, so a restarted job (a new id) is
 * picked up without a restart of the dashboard.
 */
final class FlinkJobHealth {

    /** Metrics summed over every vertex and subtask: records that went to a dead-letter topic. */
    static final Set<String> DEAD_LETTER_METRICS =
            Set.of(TypedKafkaSource.DESERIALIZATION_ERRORS_METRIC, TypedKafkaSink.DEAD_LETTER_RECORDS_METRIC);

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Set<String> ACTIVE = Set.of(
            "INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "FAILING", "CANCELLING", "SUSPENDED", "RECONCILING");
    private static final Set<String> NOT_STARTED = Set.of("INITIALIZING", "CREATED");

    /** One look at the job; {@code reachable == false} when the REST API did not answer. */
    record Health(
            boolean reachable,
            String error,
            String jobId,
            String jobName,
            String state,
            long recordsIn,
            long recordsOut,
            Double inPerSecond,
            Double outPerSecond,
            Long watermark,
            Long newestEventTime,
            Checkpoint lastCheckpoint,
            long checkpointsCompleted,
            long checkpointsFailed,
            long deadLetters,
            long lateRecords) {

        static Health unreachable(String error) {
            return new Health(false, error, null, null, null, 0, 0, null, null, null, null, null, 0, 0, 0, 0);
        }
    }

    record JobRef(String id, String name, String state) {}

    record Checkpoint(long id, long completedAtMillis, long durationMillis) {}

    private final String restUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();
    private String lastJobId;
    private long lastIn;
    private long lastOut;
    private long lastNanos;

    FlinkJobHealth(String restUrl) {
        this.restUrl = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
    }

    /** Never throws: a REST API that does not answer (a job restarting in a new MiniCluster) is a state. */
    Health poll() {
        try {
            Optional<JobRef> current = currentJob(get("/jobs/overview"));
            if (current.isEmpty()) {
                lastJobId = null;
                return new Health(true, null, null, null, "NO JOB", 0, 0, null, null, null, null, null, 0, 0, 0, 0);
            }
            JobRef ref = current.get();
            if (NOT_STARTED.contains(ref.state())) {
                // Flink answers questions about such a job with HTTP 500 (and logs an error): wait.
                return new Health(
                        true, null, ref.id(), ref.name(), ref.state(), 0, 0, null, null, null, null, null, 0, 0, 0, 0);
            }
            String jobPath = "/jobs/" + ref.id();
            JsonNode job = get(jobPath);
            JsonNode vertices = job.path("vertices");
            long in = vertices.size() == 0
                    ? 0
                    : vertices.get(0).path("metrics").path("write-records").asLong();
            long out = vertices.size() == 0
                    ? 0
                    : vertices.get(vertices.size() - 1)
                            .path("metrics")
                            .path("read-records")
                            .asLong();
            long now = System.nanoTime();
            Double inRate = null;
            Double outRate = null;
            if (ref.id().equals(lastJobId) && now > lastNanos) {
                inRate = perSecond(in - lastIn, now - lastNanos);
                outRate = perSecond(out - lastOut, now - lastNanos);
            }
            lastJobId = ref.id();
            lastIn = in;
            lastOut = out;
            lastNanos = now;
            Long watermark = null;
            if (vertices.size() > 0) {
                String lastVertex = jobPath + "/vertices/"
                        + vertices.get(vertices.size() - 1).path("id").asText();
                // Operator-scoped gauges: their ids carry the operator's name, so look them up first.
                List<String> perInput = new ArrayList<>();
                for (JsonNode m : get(lastVertex + "/subtasks/metrics")) {
                    String id = m.path("id").asText();
                    if (id.endsWith("." + OPERATOR_INPUT_WATERMARK)) {
                        perInput.add(URLEncoder.encode(id, StandardCharsets.UTF_8));
                    }
                }
                watermark = watermarkOf(
                        get(lastVertex + "/watermarks"),
                        perInput.isEmpty()
                                ? json.createArrayNode()
                                : get(lastVertex + "/subtasks/metrics?agg=min&get=" + String.join(",", perInput)));
            }
            long deadLetters = 0;
            long late = 0;
            Long newest = null;
            for (JsonNode vertex : vertices) {
                String metricsPath = jobPath + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
                List<String> wanted = new ArrayList<>();
                for (JsonNode m : get(metricsPath)) {
                    String id = m.path("id").asText();
                    if (isLibraryMetric(id)) {
                        wanted.add(id);
                    }
                }
                if (wanted.isEmpty()) {
                    continue;
                }
                JsonNode values = get(metricsPath + "?get="
                        + wanted.stream()
                                .map(id -> URLEncoder.encode(id, StandardCharsets.UTF_8))
                                .collect(Collectors.joining(",")));
                deadLetters += sum(values, DEAD_LETTER_METRICS);
                late += sum(values, Set.of(LateData.LATE_RECORDS_METRIC));
                Long vertexNewest = max(values, TypedKafkaSource.NEWEST_EVENT_TIME_METRIC);
                if (vertexNewest != null && (newest == null || vertexNewest > newest)) {
                    newest = vertexNewest;
                }
            }
            JsonNode checkpoints = get(jobPath + "/checkpoints");
            return new Health(
                    true,
                    null,
                    ref.id(),
                    ref.name(),
                    job.path("state").asText(ref.state()),
                    in,
                    out,
                    inRate,
                    outRate,
                    watermark,
                    newest,
                    latestCheckpoint(checkpoints),
                    checkpoints.path("counts").path("completed").asLong(),
                    checkpoints.path("counts").path("failed").asLong(),
                    deadLetters,
                    late);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.unreachable("interrupted");
        } catch (Exception e) {
            lastJobId = null;
            return Health.unreachable("Flink REST API at " + restUrl + " did not answer: " + e);
        }
    }

    /** The job to show: the newest active one, else the newest that ended. */
    static Optional<JobRef> currentJob(JsonNode overview) {
        JsonNode best = null;
        for (JsonNode job : overview.path("jobs")) {
            if (best == null
                    || rank(job) > rank(best)
                    || rank(job) == rank(best)
                            && job.path("start-time").asLong()
                                    > best.path("start-time").asLong()) {
                best = job;
            }
        }
        return Optional.ofNullable(best)
                .map(j -> new JobRef(
                        j.path("jid").asText(),
                        j.path("name").asText(),
                        j.path("state").asText()));
    }

    private static int rank(JsonNode job) {
        return ACTIVE.contains(job.path("state").asText()) ? 1 : 0;
    }

    /** The watermark gauge of each operator in a vertex's chain ({@code <operator>.currentInputWatermark}). */
    static final String OPERATOR_INPUT_WATERMARK = "currentInputWatermark";

    /**
     * The smallest {@code currentInputWatermark} over the subtasks of a {@code .../watermarks} answer
     * (values are strings there); {@code null} while there is none yet ({@code Long.MIN_VALUE}).
     */
    static Long minInputWatermark(JsonNode watermarks) {
        Long min = null;
        for (JsonNode w : watermarks) {
            if (w.path("id").asText().endsWith(".currentInputWatermark")) {
                long value = w.path("value").asLong(Long.MIN_VALUE);
                min = min == null ? value : Math.min(min, value);
            }
        }
        return min == null || min <= Long.MIN_VALUE + 1 ? null : min;
    }

    /**
     * The event time a vertex has reached. Flink's task-level {@code currentInputWatermark} of a
     * two-input vertex is the minimum of both inputs even when one of them is idle for good, as the
     * fraud detector's rules input is (it carries no event time), while the operator after it in the
     * chain sees the watermark the detector really emits. So where the chain's operators report their
     * own input watermarks ({@code operators}: per operator, the minimum over subtasks), the furthest
     * of them counts; an operator that has none yet is left out.
     */
    static Long watermarkOf(JsonNode watermarks, JsonNode operators) {
        Long furthest = null;
        for (JsonNode m : operators) {
            long value = m.path("min").asLong(Long.MIN_VALUE);
            if (value > Long.MIN_VALUE + 1) {
                furthest = furthest == null ? value : Math.max(furthest, value);
            }
        }
        return furthest != null ? furthest : minInputWatermark(watermarks);
    }

    /** The latest completed checkpoint of a {@code /jobs/<id>/checkpoints} answer, or {@code null}. */
    static Checkpoint latestCheckpoint(JsonNode checkpoints) {
        JsonNode completed = checkpoints.path("latest").path("completed");
        if (!completed.isObject()) {
            return null;
        }
        return new Checkpoint(
                completed.path("id").asLong(),
                completed.path("latest_ack_timestamp").asLong(),
                completed.path("end_to_end_duration").asLong());
    }

    /** Whether a metric id ({@code <operator scope>.<name>}) is one of the library's counters or gauges. */
    static boolean isLibraryMetric(String id) {
        String name = id.substring(id.lastIndexOf('.') + 1);
        return DEAD_LETTER_METRICS.contains(name)
                || name.equals(LateData.LATE_RECORDS_METRIC)
                || name.equals(TypedKafkaSource.NEWEST_EVENT_TIME_METRIC);
    }

    /** The sum over subtasks of the aggregated metrics whose name is one of {@code names}. */
    static long sum(JsonNode aggregated, Set<String> names) {
        long total = 0;
        for (JsonNode m : aggregated) {
            String id = m.path("id").asText();
            if (names.contains(id.substring(id.lastIndexOf('.') + 1))) {
                total += m.path("sum").asLong();
            }
        }
        return total;
    }

    /** The largest value over subtasks of the metric {@code name}; {@code null} if absent or not set yet. */
    static Long max(JsonNode aggregated, String name) {
        Long max = null;
        for (JsonNode m : aggregated) {
            String id = m.path("id").asText();
            if (id.substring(id.lastIndexOf('.') + 1).equals(name) && m.has("max")) {
                long value = m.path("max").asLong();
                if (value > Long.MIN_VALUE && (max == null || value > max)) {
                    max = value;
                }
            }
        }
        return max;
    }

    static double perSecond(long delta, long nanos) {
        return delta * 1e9 / nanos;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(restUrl + path))
                        .timeout(TIMEOUT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " for " + path);
        }
        return json.readTree(r.body());
    }
}
