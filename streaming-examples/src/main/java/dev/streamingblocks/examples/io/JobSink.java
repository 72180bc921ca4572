package dev.streamingblocks.examples.io;

import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where a job's output goes; the counterpart of {@link JobSource}.
 *
 * <pre>{@code
 * JobSink<Alert> alerts = stream -> exactlyOnceKafkaSink.sinkTo(stream);
 * }</pre>
 */
@FunctionalInterface
public interface JobSink<T> {

    void attach(DataStream<T> stream);
}
