package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.benchmarks.harness.BenchmarkStack;
import dev.streamingblocks.benchmarks.harness.LocalCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What every variant reads: the stack, the loaded input topic and the workload behind it.
 *
 * @param stack the broker and registry
 * @param inputTopic the orders, Avro on the Confluent wire format, keyed by product id
 * @param partitions the input topic's partitions
 * @param workload the orders in it
 * @param runId distinguishes this run's consumer groups, transactional ids and topics
 * @param flink the local Flink cluster started for a variant that {@linkplain Variant#runsOnFlink() runs on
 *     Flink}, or {@code null}
 */
record RunContext(
        BenchmarkStack stack,
        String inputTopic,
        int partitions,
        OrderWorkload workload,
        String runId,
        LocalCluster flink) {

    RunContext(BenchmarkStack stack, String inputTopic, int partitions, OrderWorkload workload, String runId) {
        this(stack, inputTopic, partitions, workload, runId, null);
    }

    /** The same context with a started local cluster for a Flink variant. */
    RunContext withFlink(LocalCluster cluster) {
        return new RunContext(stack, inputTopic, partitions, workload, runId, cluster);
    }

    /** An environment on the started cluster, with its slots as parallelism. */
    StreamExecutionEnvironment flinkEnvironment() {
        if (flink == null) {
            throw new IllegalStateException("no local cluster was started: the variant must say it runs on Flink");
        }
        return flink.environment();
    }
}
