package dev.streamingblocks.benchmarks.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * The open() context a Flink task would pass, with counters kept so a trial can check afterwards
 * that no record took a failure path (dead letter, rejected event time) while measured.
 */
final class CountingContext
        implements SerializationSchema.InitializationContext, DeserializationSchema.InitializationContext {

    private final Map<String, Counter> counters = new HashMap<>();
    private final MetricGroup group = new UnregisteredMetricsGroup() {
        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(name, n -> new SimpleCounter());
        }
    };

    @Override
    public MetricGroup getMetricGroup() {
        return group;
    }

    @Override
    public UserCodeClassLoader getUserCodeClassLoader() {
        return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
    }

    /** Fails naming the counters that moved. */
    void requireAllZero(String variant) {
        counters.forEach((name, counter) -> {
            if (counter.getCount() != 0) {
                throw new IllegalStateException(variant + ": counter " + name + " is " + counter.getCount()
                        + " after the trial; the measured path was not the good-record path");
            }
        });
    }
}
