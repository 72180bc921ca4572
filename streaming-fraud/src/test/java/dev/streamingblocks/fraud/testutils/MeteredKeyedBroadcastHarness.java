package dev.streamingblocks.fraud.testutils;

import dev.streamingblocks.core.testutils.CapturedOperatorMetrics;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/**
 * A keyed-broadcast operator in a test harness whose metrics tests can read: Flink's {@code
 * KeyedBroadcastOperatorTestHarness} discards them, as it builds its own environment. Same calls
 * ({@code processElement}, {@code processBroadcastElement}, the two watermarks), plus {@link
 * #counter}. Call {@code setup()}/{@code initializeState(...)}/{@code open()} as with Flink's
 * harnesses; {@link #close()} also releases the environment.
 */
public final class MeteredKeyedBroadcastHarness<K, IN1, IN2, OUT> extends AbstractStreamOperatorTestHarness<OUT> {

    private final CoBroadcastWithKeyedOperator<K, IN1, IN2, OUT> operator;
    private final CapturedOperatorMetrics metrics;

    private MeteredKeyedBroadcastHarness(
            CoBroadcastWithKeyedOperator<K, IN1, IN2, OUT> operator,
            KeySelector<IN1, K> keySelector,
            TypeInformation<K> keyType,
            CapturedOperatorMetrics metrics,
            int maxParallelism,
            int parallelism,
            int subtaskIndex)
            throws Exception {
        super(operator, metrics.environment(maxParallelism, parallelism, subtaskIndex));
        this.operator = operator;
        this.metrics = metrics;
        config.setStatePartitioner(0, keySelector);
        config.setStateKeySerializer(keyType.createSerializer(executionConfig.getSerializerConfig()));
        config.serializeAllConfigs();
    }

    public static <K, IN1, IN2, OUT> MeteredKeyedBroadcastHarness<K, IN1, IN2, OUT> create(
            CoBroadcastWithKeyedOperator<K, IN1, IN2, OUT> operator,
            KeySelector<IN1, K> keySelector,
            TypeInformation<K> keyType,
            int maxParallelism,
            int parallelism,
            int subtaskIndex)
            throws Exception {
        return new MeteredKeyedBroadcastHarness<>(
                operator,
                keySelector,
                keyType,
                new CapturedOperatorMetrics(),
                maxParallelism,
                parallelism,
                subtaskIndex);
    }

    public void processElement(IN1 value, long timestamp) throws Exception {
        processElement(new StreamRecord<>(value, timestamp));
    }

    public void processElement(StreamRecord<IN1> record) throws Exception {
        operator.setKeyContextElement1(record);
        operator.processElement1(record);
    }

    public void processBroadcastElement(IN2 value, long timestamp) throws Exception {
        operator.processElement2(new StreamRecord<>(value, timestamp));
    }

    public void processWatermark(long timestamp) throws Exception {
        operator.processWatermark1(new Watermark(timestamp));
    }

    public void processBroadcastWatermark(long timestamp) throws Exception {
        operator.processWatermark2(new Watermark(timestamp));
    }

    /** The count of the operator's counter {@code name}, as a user's dashboard reads it. */
    public long counter(String name) {
        return metrics.counter(name);
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            metrics.close();
        }
    }
}
