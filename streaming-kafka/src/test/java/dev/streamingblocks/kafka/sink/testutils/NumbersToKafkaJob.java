package dev.streamingblocks.kafka.sink.testutils;

import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * An endless exactly-once job for fault tests that need a real job in a JVM of its own (to kill it
 * hard): it writes "0", "1", "2", ... at {@link #RECORDS_PER_SECOND} to one topic through
 * {@link TypedKafkaSink}, one subtask, a checkpoint (and so a commit) every
 * {@link #CHECKPOINT_INTERVAL_MS} ms. Arguments: bootstrap servers, topic, transactional id prefix.
 */
public final class NumbersToKafkaJob {

    public static final int RECORDS_PER_SECOND = 200;
    public static final long CHECKPOINT_INTERVAL_MS = 500;

    private NumbersToKafkaJob() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("Usage: NumbersToKafkaJob <bootstrap servers> <topic> <prefix>");
        }
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(CHECKPOINT_INTERVAL_MS);
        DataGeneratorSource<String> numbers = new DataGeneratorSource<>(
                Object::toString, Long.MAX_VALUE, RateLimiterStrategy.perSecond(RECORDS_PER_SECOND), Types.STRING);
        TypedKafkaSink.<String>builder()
                .setBootstrapServers(args[0])
                .setTopic(args[1])
                .setKeyExtractor(n -> n)
                .setValueSerializationSchema(new SimpleStringSchema())
                .setTransactionalIdPrefix(args[2])
                .build()
                .sinkTo(env.fromSource(numbers, WatermarkStrategy.noWatermarks(), "numbers")
                        .uid("numbers"));
        env.execute("numbers-to-kafka");
    }
}
