package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.benchmarks.harness.BenchmarkStack;

/**
 * What every variant reads: the stack, the loaded input topic and the workload behind it.
 *
 * @param stack the broker and registry
 * @param inputTopic the orders, Avro on the Confluent wire format, keyed by product id
 * @param partitions the input topic's partitions
 * @param workload the orders in it
 * @param runId distinguishes this run's consumer groups, transactional ids and topics
 */
record RunContext(BenchmarkStack stack, String inputTopic, int partitions, OrderWorkload workload, String runId) {}
