package dev.streamingblocks.examples.sql;

import java.time.Duration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/** What every SQL example's {@code main} sets up the same way. */
final class SqlJobs {

    /** Sinks (upsert-kafka, JDBC) flush on checkpoints, so results appear at this pace. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    private SqlJobs() {}

    /** The environment of whatever runs the job (a cluster, or a local one), checkpointing. */
    static StreamTableEnvironment createTableEnvironment(String jobName) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis());
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().set(PipelineOptions.NAME, jobName);
        return tEnv;
    }
}
