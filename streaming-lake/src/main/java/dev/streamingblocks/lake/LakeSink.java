package dev.streamingblocks.lake;

import dev.streamingblocks.kafka.internal.KafkaClientProperties;
import dev.streamingblocks.kafka.sink.SinkDeadLetterHeaders;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.sink.TypedKafkaSinkBuilder;
import dev.streamingblocks.lake.internal.CommittingFileSink;
import dev.streamingblocks.lake.internal.EventTimePartitionAssigner;
import dev.streamingblocks.lake.internal.LakeDeadLetter;
import dev.streamingblocks.lake.internal.LakeParquet;
import dev.streamingblocks.lake.internal.LakeRecordRouter;
import dev.streamingblocks.lake.internal.PartitionCommitOperator;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Writes Avro records to a lake: Parquet files in one directory per UTC hour of the records' event time
 * ({@code dt=YYYY-MM-DD/hour=HH}, see {@link LakePartitions}), exactly once, with small files compacted
 * and a {@value LakePartitions#SUCCESS_MARKER} marker in each partition once the watermark has closed it.
 * Built by {@link LakeSinkBuilder}; see there for the settings and docs/lake.md for the guarantees.
 *
 * <p>The sink adds to the job: a router ({@code name + }{@value #ROUTE_SUFFIX}) that dead-letters the
 * records it cannot write, Flink's {@link FileSink} with bulk Parquet writers (uid {@code name}; its
 * files are hidden until compacted), the post-commit step that compacts and marks partitions
 * ({@value #PARTITION_COMMIT_UID}, one subtask) and, with a dead-letter topic, an
 * {@link TypedKafkaSink} for the dead letters ({@code name + }{@value #DEAD_LETTER_SINK_SUFFIX}).
 * Checkpointing must be on: files are committed with checkpoints.
 */
public final class LakeSink<T> {

    /** Records later than this (after the watermark passed their partition's end) are still written. */
    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ZERO;

    /** A partition's staged data is compacted into a readable file once it reaches this size. */
    public static final MemorySize DEFAULT_TARGET_FILE_SIZE = MemorySize.ofMebiBytes(128);

    /**
     * ...or once its oldest staged file is this many checkpoints old, so an open partition's data
     * becomes readable within about this many checkpoint intervals (5 minutes at 10 s).
     */
    public static final int DEFAULT_MAX_CHECKPOINTS_BEFORE_COMPACTION = 30;

    public static final CompressionCodecName DEFAULT_COMPRESSION = CompressionCodecName.SNAPPY;

    public static final boolean DEFAULT_SUCCESS_MARKERS = true;

    /** As for {@code TypedKafkaSource}'s dead letters. */
    public static final DeliveryGuarantee DEFAULT_DEAD_LETTER_DELIVERY_GUARANTEE = DeliveryGuarantee.AT_LEAST_ONCE;

    public static final Duration DEFAULT_DEAD_LETTER_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /** Appended to the name for the uid and name of the router. */
    public static final String ROUTE_SUFFIX = "-route";

    /** The uid of the post-commit step (Flink prefixes it with the sink's uid, the name). */
    public static final String PARTITION_COMMIT_UID = "partition-commit";

    /** Appended to the name for the uid and name of the dead-letter sink. */
    public static final String DEAD_LETTER_SINK_SUFFIX = "-dead-letter-sink";

    /** Appended to the name for the transactional id prefix of an exactly-once dead-letter sink. */
    public static final String DEAD_LETTER_TRANSACTIONAL_ID_SUFFIX = "-dlq";

    /**
     * The lake's counterpart of {@link SinkDeadLetterHeaders#SINK_TOPIC}: the partition directory the
     * record was meant for (relative to the base path); absent when its event time could not be read.
     * The other headers are the {@link SinkDeadLetterHeaders}, and the value is a description
     * ({@link SinkDeadLetterHeaders#VALUE_KIND} {@value TypedKafkaSink#DEAD_LETTER_VALUE_DESCRIPTION}).
     */
    public static final String DEAD_LETTER_PATH_HEADER = "dlq.sink.path";

    private static final Set<String> DEAD_LETTER_SINK_OWNED_PROPERTIES = Set.of(
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

    private final LakeSinkBuilder<T> config;

    LakeSink(LakeSinkBuilder<T> config) {
        this.config = config;
    }

    public static <T> LakeSinkBuilder<T> builder() {
        return new LakeSinkBuilder<>();
    }

    /** The operators' name and uid prefix. */
    public String name() {
        return config.name;
    }

    /** Adds the sink to the stream's job; returns the FileSink's part (uid and name {@link #name()}). */
    public DataStreamSink<T> sinkTo(DataStream<T> stream) {
        if (stream == null) {
            throw new IllegalArgumentException("stream must not be null");
        }
        boolean deadLetters = config.deadLetterTopic != null;
        SingleOutputStreamOperator<T> routed = stream.process(
                        new LakeRecordRouter<>(
                                config.schema,
                                config.specificClass,
                                config.eventTime,
                                config.validator,
                                config.allowedLateness,
                                deadLetters),
                        stream.getType())
                .uid(config.name + ROUTE_SUFFIX)
                .name(config.name + ROUTE_SUFFIX);
        if (deadLetters) {
            deadLetterSink()
                    .sinkTo(routed.getSideOutput(LakeRecordRouter.DEAD_LETTERS))
                    .uid(config.name + DEAD_LETTER_SINK_SUFFIX)
                    .name(config.name + DEAD_LETTER_SINK_SUFFIX);
        }
        FileSink<T> files = FileSink.<T>forBulkFormat(
                        new Path(config.basePath),
                        LakeParquet.writerFactory(config.schema, config.specificClass, config.compression))
                .withBucketAssigner(new EventTimePartitionAssigner<>(config.eventTime))
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix(PartitionCommitOperator.STAGED_PREFIX)
                        .withPartSuffix("")
                        .build())
                .build();
        PartitionCommitOperator commit = new PartitionCommitOperator(
                config.basePath,
                config.schema,
                config.compression,
                config.allowedLateness,
                config.targetFileSize.getBytes(),
                config.maxCheckpointsBeforeCompaction,
                config.successMarkers);
        return routed.sinkTo(new CommittingFileSink<>(
                        files, commit, PARTITION_COMMIT_UID, config.name + "-" + PARTITION_COMMIT_UID))
                .uid(config.name)
                .name(config.name);
    }

    private TypedKafkaSink<LakeDeadLetter> deadLetterSink() {
        TypedKafkaSinkBuilder<LakeDeadLetter> builder = TypedKafkaSink.<LakeDeadLetter>builder()
                .setBootstrapServers(config.bootstrapServers)
                .setTopic(config.deadLetterTopic)
                .setValueSerializationSchema(LakeDeadLetter.VALUE)
                .setHeaderProvider(LakeDeadLetter.HEADERS)
                .setWriteElementTimestamps(false)
                .setDeliveryGuarantee(config.deadLetterDeliveryGuarantee)
                .setTransactionTimeout(config.deadLetterTransactionTimeout);
        Properties producer = KafkaClientProperties.producer(config.kafkaProperties);
        producer.forEach((key, value) -> {
            if (!DEAD_LETTER_SINK_OWNED_PROPERTIES.contains(key)) {
                builder.setProperty((String) key, String.valueOf(value));
            }
        });
        if (config.deadLetterDeliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(config.name + DEAD_LETTER_TRANSACTIONAL_ID_SUFFIX);
        }
        return builder.build();
    }

    /** No Kafka properties: they may hold credentials. */
    @Override
    public String toString() {
        return "LakeSink{name='" + config.name + "', basePath='" + config.basePath + "', schema="
                + config.schema.getFullName() + ", allowedLateness=" + config.allowedLateness
                + (config.deadLetterTopic != null ? ", deadLetterTopic='" + config.deadLetterTopic + "'" : "") + "}";
    }
}
