package dev.streamingblocks.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A live progress line for a running job, read from the Flink REST API that serves the web UI:
 * records in and out, in total and per second since the last line, (the first vertex's output, the last vertex's input) and the
 * current input watermark of the last vertex (the smallest over its subtasks).
 */
public final class JobProgress {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String jobUrl;
    private long lastIn = -1;
    private long lastOut = -1;
    private long lastNanos;

    public JobProgress(String restUrl, String jobId) {
        this.jobUrl = restUrl + "/jobs/" + jobId;
    }

    /** The line, or an empty string when the REST API does not answer (the job has ended). */
    public String line() {
        try {
            JsonNode vertices = get(jobUrl).path("vertices");
            if (vertices.size() == 0) {
                return "";
            }
            JsonNode first = vertices.get(0);
            JsonNode last = vertices.get(vertices.size() - 1);
            long in = first.path("metrics").path("write-records").asLong();
            long out = last.path("metrics").path("read-records").asLong();
            long now = System.nanoTime();
            String inRate = "-";
            String outRate = "-";
            if (lastIn >= 0) {
                double seconds = (now - lastNanos) / 1e9;
                inRate = String.format(Locale.ROOT, "%,.0f", (in - lastIn) / seconds);
                outRate = String.format(Locale.ROOT, "%,.0f", (out - lastOut) / seconds);
            }
            String rates = String.format(Locale.ROOT, "records in %,d (%s/s) out %,d (%s/s)", in, inRate, out, outRate);
            lastIn = in;
            lastOut = out;
            lastNanos = now;
            long watermark = Long.MAX_VALUE;
            for (JsonNode w : get(jobUrl + "/vertices/" + last.path("id").asText() + "/watermarks")) {
                if (w.path("id").asText().endsWith("currentInputWatermark")) {
                    watermark = Math.min(watermark, w.path("value").asLong());
                }
            }
            String shown = watermark == Long.MAX_VALUE || watermark <= Long.MIN_VALUE + 1
                    ? "none yet"
                    : watermark >= Long.MAX_VALUE - 1
                            ? "end of input"
                            : Instant.ofEpochMilli(watermark).toString();
            return rates + " | watermark " + shown;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return "";
        }
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + " from " + url);
        }
        return json.readTree(r.body());
    }
}
