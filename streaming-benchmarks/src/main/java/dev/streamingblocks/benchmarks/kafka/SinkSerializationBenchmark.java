package dev.streamingblocks.benchmarks.kafka;

import dev.streamingblocks.kafka.sink.internal.GuardedRecordSerializationSchema;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.TopicSelector;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The exactly-once Kafka sink's per-record work: element to {@code ProducerRecord}, one order-stats
 * row per operation in the upsert-kafka JSON layout of the order-stats example, in two variants
 * measured in one run:
 *
 * <ul>
 *   <li>{@code raw}, the floor: topic, key schema, value schema and {@code new ProducerRecord}, as
 *       {@code GuardedRecordSerializationSchema.serialize} did before the dead-letter work of issue #9
 *       (written out here, not the old class);
 *   <li>{@code guarded}: the real {@link GuardedRecordSerializationSchema}, configured as
 *       {@code TypedKafkaSinkBuilder.build()} configures it with a dead-letter topic (failures
 *       caught, each record's size estimated against {@code max.request.size}).
 * </ul>
 *
 * <p>{@code sizeEstimateOnly} measures the size estimate alone on the row's bytes.
 *
 * <p>Both use the same key and value schemas of the same layout; each trial fails if the guarded
 * variant sent a record to the dead-letter topic. Figures and the exact command: {@code docs/benchmarks.md}.
 *
 * <pre>{@code
 * mvn -B -pl streaming-benchmarks -am package -DskipTests
 * java -jar streaming-benchmarks/target/benchmarks.jar SinkSerializationBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s \
 *     -prof gc -prof dev.streamingblocks.benchmarks.avro.ProcessCpuTimeProfiler
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SinkSerializationBenchmark {

    static final String TOPIC = "order-stats";
    static final String DEAD_LETTER_TOPIC = TOPIC + "-dlq";

    /** The floor: the pre-#9 serialize(), inline. */
    @State(Scope.Thread)
    public static class Raw {
        final SinkOrderStats element = SinkOrderStats.articleMinute();
        final Long timestamp = element.windowEnd().toEpochMilli() - 1;
        final TopicSelector<SinkOrderStats> topicSelector = e -> TOPIC;
        final SerializationSchema<SinkOrderStats> keySchema = SinkOrderStats.UPSERT_LAYOUT.keySerializationSchema();
        final SerializationSchema<SinkOrderStats> valueSchema = SinkOrderStats.UPSERT_LAYOUT.valueSerializationSchema();

        @Setup(Level.Trial)
        public void open() throws Exception {
            CountingContext context = new CountingContext();
            keySchema.open(context);
            valueSchema.open(context);
        }

        ProducerRecord<byte[], byte[]> serialize() {
            String topic = topicSelector.apply(element);
            if (topic == null || topic.isEmpty()) {
                throw new IllegalArgumentException("The topic selector returned no topic");
            }
            byte[] key = keySchema.serialize(element);
            byte[] value = valueSchema.serialize(element);
            Long recordTimestamp = timestamp == null || timestamp < 0 ? null : timestamp;
            return new ProducerRecord<>(topic, null, recordTimestamp, key, value, null);
        }
    }

    /** The real class, as the sink builder sets it up with setDeadLetterTopic(...). */
    @State(Scope.Thread)
    public static class Guarded {
        final SinkOrderStats element = SinkOrderStats.articleMinute();
        final Long timestamp = element.windowEnd().toEpochMilli() - 1;
        final CountingContext context = new CountingContext();
        GuardedRecordSerializationSchema<SinkOrderStats> schema;

        @Setup(Level.Trial)
        public void open(Raw raw) throws Exception {
            Properties producer = new Properties();
            producer.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
            TopicSelector<SinkOrderStats> topicSelector = e -> TOPIC;
            // No transaction timeout: the start-up broker check is off, as with setVerifyBrokerOnStart(false).
            schema = new GuardedRecordSerializationSchema<SinkOrderStats>(
                            topicSelector,
                            SinkOrderStats.UPSERT_LAYOUT.keySerializationSchema(),
                            SinkOrderStats.UPSERT_LAYOUT.valueSerializationSchema(),
                            null,
                            null,
                            producer,
                            Duration.ofSeconds(30))
                    .withRecordHandling(
                            DEAD_LETTER_TOPIC, GuardedRecordSerializationSchema.maxRequestSize(producer), true);
            schema.open(context, null);
            requireSame(raw.serialize(), serialize());
        }

        ProducerRecord<byte[], byte[]> serialize() {
            return schema.serialize(element, null, timestamp);
        }

        @TearDown(Level.Trial)
        public void requireNoDeadLetters() {
            context.requireAllZero("guarded");
        }
    }

    /**
     * Only the size estimate the guarded variant adds, on the row's key and value bytes (no headers),
     * as GuardedRecordSerializationSchema calls it: its absolute cost, which the serializers' load noise hides.
     */
    @State(Scope.Thread)
    public static class Estimate {
        private static final Header[] NO_HEADERS = new Header[0];
        byte[] key;
        byte[] value;

        @Setup(Level.Trial)
        public void serializeOnce(Raw raw) {
            ProducerRecord<byte[], byte[]> record = raw.serialize();
            key = record.key();
            value = record.value();
        }

        int estimate() {
            return AbstractRecords.estimateSizeInBytesUpperBound(
                    RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value, NO_HEADERS);
        }
    }

    @Benchmark
    public int sizeEstimateOnly(Estimate estimate) {
        return estimate.estimate();
    }

    @Benchmark
    public ProducerRecord<byte[], byte[]> raw(Raw raw) {
        return raw.serialize();
    }

    @Benchmark
    public ProducerRecord<byte[], byte[]> guarded(Guarded guarded) {
        return guarded.serialize();
    }

    private static void requireSame(ProducerRecord<byte[], byte[]> raw, ProducerRecord<byte[], byte[]> guarded) {
        if (!TOPIC.equals(guarded.topic())
                || !Arrays.equals(raw.key(), guarded.key())
                || !Arrays.equals(raw.value(), guarded.value())
                || !raw.timestamp().equals(guarded.timestamp())
                || guarded.headers().toArray().length != 0) {
            throw new IllegalStateException("the guarded record differs from the raw one: " + guarded);
        }
    }
}
