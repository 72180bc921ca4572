package dev.streamingblocks.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.examples.LocalStack;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.fraud.TransactionGenerator;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.testkit.await.Await;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Monitoring as the article sets it up, for real: the fraud job on a MiniCluster with Flink's own
 * Prometheus reporter (configured as in {@code deploy/flink/config.yaml}, on a free port), scraped over
 * HTTP. The scrape has the article's five metrics and the library's own with the values the input
 * must give (one late transaction, one poison pill), and every metric the Grafana dashboard in
 * {@code deploy/grafana} queries is one the scrape has.
 */
class PrometheusMetricsITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    /** The article's "key metrics to monitor". */
    static final List<String> ARTICLE_METRICS = List.of(
            "flink_jobmanager_job_uptime",
            "flink_taskmanager_job_task_numRecordsInPerSecond",
            "flink_taskmanager_job_task_numRecordsOutPerSecond",
            "flink_taskmanager_Status_JVM_Memory_Heap_Used",
            "flink_jobmanager_job_lastCheckpointDuration");

    static final String LATE_RECORDS = "flink_taskmanager_job_task_operator_numLateRecords";
    static final String DESERIALIZATION_ERRORS =
            "flink_taskmanager_job_task_operator_deserializer_deserializationErrors";
    static final String EVENT_TIME_REJECTED = "flink_taskmanager_job_task_operator_deserializer_eventTimeRejected";
    static final String SINK_DEAD_LETTERS = "flink_taskmanager_job_task_operator_user_deadLetterRecords";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    private static final Pattern METRIC_LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
    private static final Pattern METRIC_NAME = Pattern.compile("flink_[A-Za-z0-9_]+");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theArticlesMetricsAndTheLibrarysOwnAreScrapedAndTheDashboardQueriesOnlyThese() throws Exception {
        KAFKA.cluster().createTopic(FraudJob.TRANSACTIONS_TOPIC, 1, (short) 1, Map.of("retention.ms", "-1"));
        KAFKA.cluster().createTopic(FraudJob.ALERTS_TOPIC, 1, (short) 1, Map.of());
        KAFKA.cluster().createTopic(FraudJob.DEAD_LETTER_TOPIC, 1, (short) 1, Map.of());
        KAFKA.cluster().createTopic(FraudJob.ALERTS_DEAD_LETTER_TOPIC, 1, (short) 1, Map.of());
        // A burst in minute 0, then time moves on to minute 3 so the watermark passes minute 0.
        produce(List.of(
                TransactionGenerator.transaction("a1", "alice", 1500.0, t(5)),
                TransactionGenerator.transaction("a2", "alice", 1500.0, t(10)),
                TransactionGenerator.transaction("a3", "alice", 1500.0, t(15)),
                TransactionGenerator.transaction("z1", "zoe", 10.0, t(200))));

        int port = LocalStack.freePort();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.setString("metrics.reporters", "prom");
        conf.setString(
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", Integer.toString(port));
        conf.set(MetricOptions.REPORTER_INTERVAL, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.enableCheckpointing(500);
        new FraudJob(
                        FraudJob.kafkaTransactions(
                                KAFKA.bootstrapServers(), "prometheus-it", StartingOffsets.earliest()),
                        FraudJob.kafkaAlerts(KAFKA.bootstrapServers(), "prometheus-it"))
                .attach(env);
        JobClient job = env.executeAsync("fraud");
        try {
            // The alert commits with a checkpoint once the watermark passed minute 0: then a transaction in
            // minute 0 is late, and a poison pill cannot be read.
            KAFKA.cluster().consume(FraudJob.ALERTS_TOPIC, 1, TIMEOUT);
            produce(List.of(TransactionGenerator.transaction("a4", "alice", 1500.0, t(20))));
            KAFKA.cluster()
                    .produce(List.of(new ProducerRecord<>(
                            FraudJob.TRANSACTIONS_TOPIC, "pill".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3
                            })));
            KAFKA.cluster().consume(FraudJob.DEAD_LETTER_TOPIC, 1, TIMEOUT);

            String url = "http://localhost:" + port + "/metrics";
            AtomicReference<Map<String, Double>> scraped = new AtomicReference<>(Map.of());
            Await.until(TIMEOUT, "one late record and one unreadable record in " + url, () -> {
                scraped.set(scrape(url));
                return scraped.get().getOrDefault(LATE_RECORDS, 0.0) == 1.0
                        && scraped.get().getOrDefault(DESERIALIZATION_ERRORS, 0.0) == 1.0;
            });
            Map<String, Double> metrics = scraped.get();

            assertThat(metrics.keySet()).as("metric names scraped from " + url).containsAll(ARTICLE_METRICS);
            assertThat(metrics.get("flink_jobmanager_job_uptime")).isPositive();
            assertThat(metrics.get("flink_taskmanager_Status_JVM_Memory_Heap_Used"))
                    .isPositive();
            assertThat(metrics)
                    .containsEntry(LATE_RECORDS, 1.0)
                    .containsEntry(DESERIALIZATION_ERRORS, 1.0)
                    .containsEntry(EVENT_TIME_REJECTED, 0.0)
                    .containsEntry(SINK_DEAD_LETTERS, 0.0);

            Set<String> queried = dashboardMetrics();
            assertThat(metrics.keySet())
                    .as("every metric the dashboard queries is exported")
                    .containsAll(queried);
            assertThat(queried)
                    .containsAll(ARTICLE_METRICS)
                    .contains(LATE_RECORDS, DESERIALIZATION_ERRORS, EVENT_TIME_REJECTED, SINK_DEAD_LETTERS);
        } finally {
            job.cancel().get();
        }
    }

    /** Each metric name with its value summed over all label sets. */
    private static Map<String, Double> scrape(String url) throws Exception {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> metrics = new TreeMap<>();
        for (String line : response.body().split("\n")) {
            Matcher m = METRIC_LINE.matcher(line.trim());
            if (!line.startsWith("#") && m.matches()) {
                metrics.merge(m.group(1), Double.parseDouble(m.group(3)), Double::sum);
            }
        }
        return metrics;
    }

    /** The metric names in the expressions of every panel of the shipped Grafana dashboard. */
    private static Set<String> dashboardMetrics() throws Exception {
        Path file = Path.of("").toAbsolutePath().getParent().resolve("deploy/grafana/streaming-blocks-dashboard.json");
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(file));
        Set<String> names = new TreeSet<>();
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("targets"))
                    .as("targets of panel " + panel.path("title"))
                    .isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC_NAME.matcher(target.path("expr").asText());
                boolean any = false;
                while (m.find()) {
                    names.add(m.group());
                    any = true;
                }
                assertThat(any)
                        .as("panel " + panel.path("title") + " queries a Flink metric")
                        .isTrue();
            }
        }
        return names;
    }

    private static void produce(List<Transaction> transactions) {
        SerializationSchema<Transaction> serializer = FraudSerdes.transactionSerializer();
        KAFKA.cluster()
                .produce(transactions.stream()
                        .map(tx -> new ProducerRecord<>(
                                FraudJob.TRANSACTIONS_TOPIC,
                                tx.getUserId().getBytes(StandardCharsets.UTF_8),
                                serializer.serialize(tx)))
                        .toList());
    }

    private static Instant t(long seconds) {
        return BEGINNING.plusSeconds(seconds);
    }
}
