package dev.streamingblocks.benchmarks.harness;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink environment for one benchmarked job: a MiniCluster in this JVM, started when the job is
 * submitted and stopped when it ends, with exactly {@code parallelism} slots. Each job gets a fresh
 * one, so no variant inherits another's warm state; its start-up (about a second) is part of the
 * variant's time, as it is part of any real job's.
 */
public final class LocalFlink {

    private LocalFlink() {}

    /** A local environment with {@code parallelism} slots and default parallelism. */
    public static StreamExecutionEnvironment environment(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        // no web UI or fixed port: several benchmark JVMs may run on one machine
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.setParallelism(parallelism);
        return env;
    }
}
