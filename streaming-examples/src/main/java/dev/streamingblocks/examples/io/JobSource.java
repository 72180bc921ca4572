package dev.streamingblocks.examples.io;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where a job's input comes from. Jobs take it as a constructor argument (as in flink-training), so
 * {@code main} wires the production Kafka source and tests a bounded one.
 *
 * <pre>{@code
 * JobSource<Order> orders = env -> typedKafkaSource.attach(env).records();
 * }</pre>
 *
 * <p>The stream must already carry event timestamps and watermarks, assigned in the source.
 */
@FunctionalInterface
public interface JobSource<T> {

    DataStream<T> attach(StreamExecutionEnvironment env);
}
