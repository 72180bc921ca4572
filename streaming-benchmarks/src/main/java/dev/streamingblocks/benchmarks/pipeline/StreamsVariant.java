package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.benchmarks.harness.Running;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.streams.SpecificAvroSerde;
import dev.streamingblocks.core.avro.testing.Order;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * (c) The same topology in Kafka Streams 4.2: orders keyed by product ({@link SpecificAvroSerde}
 * from streaming-core on the Confluent wire format), {@code groupByKey} (the input is already keyed
 * by product, so no repartition topic), one-minute tumbling windows with {@value #GRACE_SECONDS} s of
 * grace, count and revenue in one aggregate, written in the article's upsert layout.
 *
 * <p>Settings that differ from Kafka Streams' defaults, and why:
 * <ul>
 *   <li>Event time is the order's {@code timestamp} ({@link OrderTime}), not the Kafka record's
 *       time (the time it was loaded), as in the Flink variants.</li>
 *   <li>Grace {@value #GRACE_SECONDS} s: each task's stream time comes from its own partition, whose
 *       disorder is at most the workload's jitter (3 s), so nothing is dropped on a replay.</li>
 *   <li>In-memory window stores rather than RocksDB: the Flink variants keep state on the heap, too.</li>
 *   <li>{@code commit.interval.ms} 1 s instead of 30 s: Kafka Streams emits a window's latest value
 *       (the record cache is flushed) on commit, and windows never "close" at the end of a finite
 *       input, so the output is complete one commit after the last record is processed. The output
 *       is an upsert changelog with more than one value per window; the last one counts, as for any
 *       reader of the article's upsert table.</li>
 * </ul>
 * {@code num.stream.threads} is the parallelism. At-least-once, Kafka Streams' default.
 */
final class StreamsVariant implements Variant {

    static final String NAME = "Kafka Streams 4.2 (same topology)";
    static final long GRACE_SECONDS = 5;
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Running start(RunContext context, int parallelism, String outputTopic) throws Exception {
        Path stateDir = Files.createTempDirectory("streams-bench-");
        Duration window = Duration.ofMinutes(1);
        Duration grace = Duration.ofSeconds(GRACE_SECONDS);

        Serde<Order> orders = new SpecificAvroSerde<>();
        orders.configure(context.stack().registryConfig(), false);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(
                        context.inputTopic(),
                        Consumed.with(Serdes.String(), orders).withTimestampExtractor(new OrderTime()))
                .groupByKey(Grouped.with(Serdes.String(), orders))
                .windowedBy(TimeWindows.ofSizeAndGrace(window, grace))
                .aggregate(
                        () -> CountRevenue.ZERO,
                        (product, order, acc) -> acc.add(order.getPrice() * order.getQuantity()),
                        Materialized.<String, CountRevenue>as(
                                        Stores.inMemoryWindowStore("order-stats", window.plus(grace), window, false))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(new CountRevenueSerde()))
                .toStream()
                .map((key, acc) -> KeyValue.pair(
                        StatsJson.key(key.window().start(), key.key()),
                        StatsJson.value(key.window().start(), key.key(), acc.count(), acc.revenue())))
                .to(outputTopic, Produced.with(Serdes.String(), Serdes.String()));

        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, context.runId() + "-streams-p" + parallelism);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, context.stack().bootstrapServers());
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, parallelism);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL.toMillis());
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, context.stack().registryUrl());

        KafkaStreams streams = new KafkaStreams(builder.build(), config);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        return new Running() {
            @Override
            public boolean finished() {
                return failure.get() != null || streams.state() == KafkaStreams.State.ERROR;
            }

            @Override
            public Throwable failure() {
                return failure.get();
            }

            @Override
            public void close() throws Exception {
                streams.close(Duration.ofSeconds(60));
                streams.cleanUp();
                try (Stream<Path> files = Files.walk(stateDir)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        };
    }

    /** The order's own event time; a record that is not an order keeps Kafka's timestamp. */
    static final class OrderTime implements TimestampExtractor {
        @Override
        public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
            return record.value() instanceof Order order ? order.getTimestamp() : record.timestamp();
        }
    }

    /** Count and revenue; immutable, as Kafka Streams' aggregator returns a new value. */
    record CountRevenue(long count, double revenue) {
        static final CountRevenue ZERO = new CountRevenue(0, 0);

        CountRevenue add(double orderRevenue) {
            return new CountRevenue(count + 1, revenue + orderRevenue);
        }
    }

    /** 16 bytes: the count, then the revenue's IEEE bits. */
    static final class CountRevenueSerde implements Serde<CountRevenue> {
        @Override
        public Serializer<CountRevenue> serializer() {
            return (topic, acc) -> acc == null
                    ? null
                    : ByteBuffer.allocate(16)
                            .putLong(acc.count())
                            .putDouble(acc.revenue())
                            .array();
        }

        @Override
        public Deserializer<CountRevenue> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                return new CountRevenue(buffer.getLong(), buffer.getDouble());
            };
        }

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {}
    }
}
