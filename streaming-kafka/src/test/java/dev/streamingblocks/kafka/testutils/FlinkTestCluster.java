package dev.streamingblocks.kafka.testutils;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

/**
 * The MiniCluster the ITCases share, one per test class: one task manager with
 * {@value #SLOTS} slots, generic types disabled (a type that would fall back to Kryo fails the
 * job) and no restarts (a finished job is one that never failed). Shipped in streaming-kafka's
 * test-jar, as flink-connector-kafka ships its {@code testutils}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MiniClusterExtension FLINK = FlinkTestCluster.extension();
 * ...
 * List<Order> out = FlinkTestCluster.collect(source.attach(FlinkTestCluster.env(2)).records(), "job");
 * }</pre>
 */
public final class FlinkTestCluster {

    /** Slots of the one task manager, so jobs of parallelism 2 run. */
    public static final int SLOTS = 2;

    private FlinkTestCluster() {}

    /** Generic types disabled, no restarts. */
    public static Configuration configuration() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return config;
    }

    /** A MiniCluster with {@link #configuration()}; register it as a static extension. */
    public static MiniClusterExtension extension() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(configuration())
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(SLOTS)
                .build());
    }

    /** An environment on the registered MiniCluster, with {@link #configuration()}. */
    public static StreamExecutionEnvironment env(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration());
        env.setParallelism(parallelism);
        return env;
    }

    /** Runs the (bounded) job and returns everything the stream emitted. */
    public static <T> List<T> collect(DataStream<T> stream, String jobName) throws Exception {
        List<T> out = new ArrayList<>();
        try (CloseableIterator<T> it = stream.executeAndCollect(jobName)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
