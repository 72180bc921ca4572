package dev.streamingblocks.benchmarks.latency;

import dev.streamingblocks.benchmarks.harness.BenchmarkStack;
import dev.streamingblocks.benchmarks.harness.Progress;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Everything a whole-pipeline benchmark runs against, in this JVM: the harness's
 * {@link BenchmarkStack} (the testkit's embedded Kafka broker and schema registry), and one Flink
 * MiniCluster that every job of the run is submitted to
 * (through its REST endpoint, as a client would), so its REST API can be read for checkpoint
 * sizes and record counts, and checkpoints can be triggered at a chosen moment.
 */
public final class PipelineStack implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchmarkStack servers;
    private final MiniCluster flink;
    private final URI rest;
    private final Path checkpoints;
    private final int slots;

    private PipelineStack(BenchmarkStack servers, MiniCluster flink, URI rest, Path checkpoints, int slots) {
        this.servers = servers;
        this.flink = flink;
        this.rest = rest;
        this.checkpoints = checkpoints;
        this.slots = slots;
    }

    /** Starts the broker, the registry and a MiniCluster of one TaskManager with {@code slots} slots. */
    public static PipelineStack start(int slots) throws Exception {
        long begin = System.nanoTime();
        BenchmarkStack servers = BenchmarkStack.start();
        Path checkpoints = Files.createTempDirectory("bench-checkpoints");
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        // the REST API's per-vertex record counts come from this fetcher; its default is 10 s
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(500));
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        flink.start();
        URI rest = flink.getRestAddress().get(30, TimeUnit.SECONDS);
        Progress.line(
                "stack: Flink MiniCluster %s with %d slots (stack started in %d ms)",
                rest, slots, (System.nanoTime() - begin) / 1_000_000);
        return new PipelineStack(servers, flink, rest, checkpoints, slots);
    }

    public String bootstrapServers() {
        return servers.bootstrapServers();
    }

    public EmbeddedKafkaCluster kafka() {
        return servers.kafka();
    }

    /** The serdes' registry settings: just the URL. */
    public Map<String, Object> registryConfig() {
        return servers.registryConfig();
    }

    public int slots() {
        return slots;
    }

    /** A topic that keeps its records whatever their timestamps (generated data may be old). */
    public void createTopic(String topic, int partitions) {
        servers.createTopic(topic, partitions);
    }

    /** A client environment that submits to this stack's MiniCluster. */
    public StreamExecutionEnvironment environment(int parallelism) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort(), new Configuration());
        env.setParallelism(parallelism);
        return env;
    }

    /** GET on the MiniCluster's REST API, e.g. {@code /jobs/<id>}. */
    public JsonNode rest(String path) {
        try (InputStream in = new URL(rest + path).openStream()) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + rest + path + " failed", e);
        }
    }

    /** The largest {@code read-records} of any of the job's vertices (records one operator received). */
    public long maxRecordsReceived(JobID job) {
        long max = 0;
        for (JsonNode vertex : rest("/jobs/" + job).path("vertices")) {
            max = Math.max(max, vertex.path("metrics").path("read-records").asLong());
        }
        return max;
    }

    /** Triggers a checkpoint of {@code job} and returns the bytes its directory holds on disk. */
    public long checkpointBytes(JobID job) throws Exception {
        String pointer = flink.triggerCheckpoint(job).get(120, TimeUnit.SECONDS);
        return directoryBytes(Path.of(URI.create(pointer.startsWith("file:") ? pointer : "file://" + pointer)));
    }

    static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(file -> {
                        try {
                            return Files.size(file);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            flink.close();
        } finally {
            try {
                servers.close();
            } finally {
                try (Stream<Path> files = Files.walk(checkpoints)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(path -> path.toFile().delete());
                }
            }
        }
    }
}
