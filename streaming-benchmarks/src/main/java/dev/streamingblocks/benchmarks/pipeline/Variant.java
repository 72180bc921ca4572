package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.benchmarks.harness.Running;

/**
 * One way of computing the order statistics from the input topic into an output topic. {@link
 * #start} returns as soon as the variant is running; the harness stops the clock when the output
 * is complete, then {@linkplain Running#close() closes} it.
 */
interface Variant {

    /** The name in the result table. */
    String name();

    /** Whether it runs at {@code parallelism} at all (the in-memory floor runs only at 1). */
    default boolean supports(int parallelism) {
        return true;
    }

    /**
     * Whether it is a Flink job: the harness then starts a local cluster with {@code parallelism}
     * slots before the clock ({@link RunContext#flinkEnvironment()}), as a job is submitted to a
     * running cluster, and reports the cluster's start-up apart.
     */
    default boolean runsOnFlink() {
        return false;
    }

    /**
     * What a user sets up before running it, done before the clock: topics of its own beyond the
     * input and output (the library's dead-letter topics). Nothing by default.
     */
    default void prepare(RunContext context, int parallelism, String outputTopic) throws Exception {}

    Running start(RunContext context, int parallelism, String outputTopic) throws Exception;
}
