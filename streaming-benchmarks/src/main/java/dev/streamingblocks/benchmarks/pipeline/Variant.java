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

    Running start(RunContext context, int parallelism, String outputTopic) throws Exception;
}
