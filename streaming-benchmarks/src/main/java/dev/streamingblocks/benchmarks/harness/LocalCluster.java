package dev.streamingblocks.benchmarks.harness;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A local Flink cluster (a MiniCluster in this JVM, one TaskManager with {@code slots} slots) that is
 * started before a job is submitted to it, as a job is submitted to a running session cluster. A
 * benchmark can so time a job apart from the cluster's own start-up (about 0.6 s here, most of it
 * Flink's RPC system, the same for every job) and report that start-up on its own.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.start(2)) {
 *     StreamExecutionEnvironment env = cluster.environment();
 *     ... build the job ...
 *     JobClient job = env.executeAsync("name");
 * }
 * }</pre>
 *
 * {@link LocalFlink#environment(int)} is the other way: a fresh cluster started by the submission.
 */
public final class LocalCluster implements AutoCloseable {

    private static final String EXECUTOR_NAME = "streaming-blocks-benchmark-local-cluster";

    private final MiniCluster cluster;
    private final int slots;

    private LocalCluster(MiniCluster cluster, int slots) {
        this.cluster = cluster;
        this.slots = slots;
    }

    /** Starts a cluster with {@code slots} slots and returns once it accepts jobs. */
    public static LocalCluster start(int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        // no fixed port: several benchmark JVMs may run on one machine
        conf.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        return new LocalCluster(cluster, slots);
    }

    /** An environment whose jobs run on this cluster, with all of its slots as default parallelism. */
    public StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(DeploymentOptions.TARGET, EXECUTOR_NAME);
        conf.set(DeploymentOptions.ATTACHED, true);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, slots);
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(
                new Submitter(), conf, Thread.currentThread().getContextClassLoader());
        env.setParallelism(slots);
        return env;
    }

    /** Stops the cluster and every job still on it. */
    @Override
    public void close() throws Exception {
        cluster.close();
    }

    /** Submits each pipeline's stream graph to the running cluster, as the local executor does to its own. */
    private final class Submitter implements PipelineExecutorServiceLoader, PipelineExecutorFactory, PipelineExecutor {

        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return this;
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(EXECUTOR_NAME);
        }

        @Override
        public String getName() {
            return EXECUTOR_NAME;
        }

        @Override
        public boolean isCompatibleWith(Configuration configuration) {
            return EXECUTOR_NAME.equals(configuration.get(DeploymentOptions.TARGET));
        }

        @Override
        public PipelineExecutor getExecutor(Configuration configuration) {
            return this;
        }

        @Override
        public CompletableFuture<JobClient> execute(
                Pipeline pipeline, Configuration configuration, ClassLoader userCodeClassloader) throws Exception {
            StreamGraph graph = PipelineExecutorUtils.getStreamGraph(pipeline, configuration);
            graph.serializeUserDefinedInstances();
            return cluster.submitJob(graph)
                    .thenApply(submitted -> new MiniClusterJobClient(
                            submitted.getJobID(),
                            cluster,
                            userCodeClassloader,
                            MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
        }
    }
}
