package dev.streamingblocks.kafka.source;

import java.util.Optional;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * What {@link TypedKafkaSource#attach} adds to a job: the typed records, the dead letters, and
 * (under {@link DeserializationFailurePolicy#DEAD_LETTER}) the sink writing them to the
 * dead-letter topic.
 *
 * <pre>{@code
 * KafkaSourceStreams<Order> streams = source.attach(env);
 * streams.records().keyBy(Order::customerId)...;
 * }</pre>
 */
public final class KafkaSourceStreams<T> {

    private final SingleOutputStreamOperator<T> records;
    private final DataStream<DeadLetter> deadLetters;
    private final DataStreamSink<DeadLetter> deadLetterSink;

    KafkaSourceStreams(
            SingleOutputStreamOperator<T> records,
            DataStream<DeadLetter> deadLetters,
            DataStreamSink<DeadLetter> deadLetterSink) {
        this.records = records;
        this.deadLetters = deadLetters;
        this.deadLetterSink = deadLetterSink;
    }

    /** The deserialized records, with timestamps and watermarks assigned per partition. */
    public SingleOutputStreamOperator<T> records() {
        return records;
    }

    /**
     * The records that could not be deserialized. Only {@link DeserializationFailurePolicy#DEAD_LETTER}
     * puts anything here; it is already wired to the dead-letter topic, so use this only for extra
     * handling such as alerts.
     */
    public DataStream<DeadLetter> deadLetters() {
        return deadLetters;
    }

    /** The sink writing dead letters to the dead-letter topic, if the policy is {@code DEAD_LETTER}. */
    public Optional<DataStreamSink<DeadLetter>> deadLetterSink() {
        return Optional.ofNullable(deadLetterSink);
    }
}
