package dev.streamingblocks.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-Javadoc examples of the example jobs, copied here exactly as written, so the Javadoc and
 * the code cannot drift apart. Each snippet's {@code env.execute(name)} runs the job against an
 * embedded broker (and registry) until every task runs and a savepoint succeeds, then stops it.
 * If a snippet changes, change it here too (the Javadoc points here).
 */
class JavadocExamplesITCase {

    // Own broker for this class: the snippets use the production topic names.
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    @TempDir
    Path savepoints;

    @Test
    void orderStatsJobJavadocExample() throws Exception {
        KAFKA.cluster().createTopic(OrderStatsJob.ORDERS_TOPIC, 2);
        KAFKA.cluster().createTopic(OrderStatsJob.ORDER_STATS_TOPIC, 1);
        KAFKA.cluster().createTopic(OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC, 1);
        String bootstrap = KAFKA.bootstrapServers();
        String url = REGISTRY.url();
        RunBriefly env = new RunBriefly(savepoints);

        // From the class Javadoc of OrderStatsJob, as written:
        new OrderStatsJob(
                        OrderStatsJob.kafkaOrders(bootstrap, Map.of("schema.registry.url", url), "order-stats"),
                        OrderStatsJob.kafkaOrderStats(bootstrap, OrderStatsJob.ORDER_STATS_TOPIC, "order-stats"))
                .attach(env);
        env.enableCheckpointing(10_000);
        env.execute("order-stats");

        assertThat(env.uids).contains("kafka-sink-order-stats.order-stats", OrderStatsJob.WINDOW_UID);
        assertThat(env.savepoint).isNotNull();
        assertThat(Files.exists(Path.of(java.net.URI.create(env.savepoint)).resolve("_metadata")))
                .isTrue();
    }

    @Test
    void fraudJobJavadocExample() throws Exception {
        KAFKA.cluster().createTopic(FraudJob.TRANSACTIONS_TOPIC, 2);
        KAFKA.cluster().createTopic(FraudJob.ALERTS_TOPIC, 1);
        KAFKA.cluster().createTopic(FraudJob.DEAD_LETTER_TOPIC, 1);
        String bootstrap = KAFKA.bootstrapServers();
        RunBriefly env = new RunBriefly(savepoints);

        // From the class Javadoc of FraudJob, as written:
        new FraudJob(FraudJob.kafkaTransactions(bootstrap, "fraud"), FraudJob.kafkaAlerts(bootstrap, "fraud"))
                .attach(env);
        env.enableCheckpointing(10_000);
        env.execute("fraud");

        assertThat(env.uids).contains("kafka-sink-fraud.alerts", FraudJob.SOURCE_NAME);
        assertThat(env.savepoint).isNotNull();
        assertThat(Files.exists(Path.of(java.net.URI.create(env.savepoint)).resolve("_metadata")))
                .isTrue();
    }

    /**
     * A local environment whose {@code execute(name)} submits the job, waits until all its tasks run
     * (a stop-with-savepoint succeeds only then, and only if every operator, the exactly-once sink
     * included, can snapshot), and stops it: the snippets' sources are unbounded.
     */
    private static final class RunBriefly extends LocalStreamEnvironment {
        private static final long TIMEOUT_SECONDS = 120;
        private final Path savepoints;
        final List<String> uids = new ArrayList<>();
        String savepoint;

        RunBriefly(Path savepoints) {
            super(configuration());
            this.savepoints = savepoints;
        }

        private static Configuration configuration() {
            Configuration conf = new Configuration();
            conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            return conf;
        }

        @Override
        public JobClient executeAsync(StreamGraph streamGraph) throws Exception {
            for (StreamNode node : streamGraph.getStreamNodes()) {
                if (node.getTransformationUID() != null) {
                    uids.add(node.getTransformationUID());
                }
            }
            return super.executeAsync(streamGraph);
        }

        @Override
        public JobExecutionResult execute(String jobName) throws Exception {
            JobClient job = executeAsync(jobName);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (savepoint == null) {
                try {
                    savepoint = job.stopWithSavepoint(
                                    false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException notYetRunning) {
                    if (job.getJobStatus().get().isGloballyTerminalState() || System.nanoTime() > deadline) {
                        // A failed job says why in its result.
                        job.getJobExecutionResult().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        throw notYetRunning;
                    }
                    TimeUnit.MILLISECONDS.sleep(100); // poll until the tasks are running
                }
            }
            return job.getJobExecutionResult().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
