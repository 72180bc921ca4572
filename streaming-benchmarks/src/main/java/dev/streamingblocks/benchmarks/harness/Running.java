package dev.streamingblocks.benchmarks.harness;

/**
 * A started variant of a whole-pipeline benchmark: a Flink job, a Kafka Streams app, consumer
 * threads. The harness times it by its output, then closes it.
 */
public interface Running extends AutoCloseable {

    /** It ended by itself (a bounded job finished, the threads returned), or failed. */
    boolean finished();

    /** Why it failed, if it did; {@code null} otherwise. */
    Throwable failure();

    /** Stops it if it still runs and waits until it has. */
    @Override
    void close() throws Exception;
}
