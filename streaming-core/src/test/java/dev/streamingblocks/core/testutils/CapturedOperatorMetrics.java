package dev.streamingblocks.core.testutils;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/**
 * The metrics an operator registers in a test harness, readable by name, so tests assert the
 * counters users see instead of asking the function under test. A harness's default environment
 * discards metrics; hand it {@link #environment} instead.
 *
 * <pre>{@code
 * try (CapturedOperatorMetrics metrics = new CapturedOperatorMetrics()) {
 *     var harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, key, Types.STRING,
 *             metrics.environment(128, 1, 0));
 *     ...
 *     assertThat(metrics.counter(LateData.LATE_RECORDS_METRIC)).isEqualTo(1L);
 * }
 * }</pre>
 */
public final class CapturedOperatorMetrics implements AutoCloseable {

    private final InterceptingOperatorMetricGroup operatorGroup = new InterceptingOperatorMetricGroup();
    private final List<MockEnvironment> environments = new ArrayList<>();

    /** A harness environment whose operator registers its metrics here; closed with this object. */
    public MockEnvironment environment(int maxParallelism, int parallelism, int subtaskIndex) {
        TaskMetricGroup taskGroup = new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(
                    OperatorID operatorId, String name, Map<String, String> additionalVariables) {
                return operatorGroup;
            }
        };
        MockEnvironment environment = new MockEnvironmentBuilder()
                .setMetricGroup(taskGroup)
                .setMaxParallelism(maxParallelism)
                .setParallelism(parallelism)
                .setSubtaskIndex(subtaskIndex)
                .build();
        environments.add(environment);
        return environment;
    }

    /** The count of the counter {@code name}; fails when the operator registered none by that name. */
    public long counter(String name) {
        Metric metric = operatorGroup.get(name);
        if (!(metric instanceof Counter counter)) {
            throw new AssertionError("the operator registered no counter '" + name + "', found " + metric);
        }
        return counter.getCount();
    }

    @Override
    public void close() throws Exception {
        for (MockEnvironment environment : environments) {
            environment.close();
        }
        environments.clear();
    }
}
