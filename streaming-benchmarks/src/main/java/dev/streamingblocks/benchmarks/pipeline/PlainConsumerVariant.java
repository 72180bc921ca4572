package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.benchmarks.harness.Running;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroDeserializer;
import dev.streamingblocks.core.avro.testing.Order;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * (d) The bound: what a hand-written Kafka client program does with no engine at all. {@code p}
 * threads, each with its own {@link KafkaConsumer} assigned a share of the partitions (no group),
 * values decoded by the library's {@link KafkaAvroDeserializer}, aggregated in a {@link
 * MinuteStats} per thread (windows fire as the thread's watermark passes them), results written by
 * a {@link KafkaProducer} per thread in the upsert layout. Reads up to the end offsets seen at
 * start, like the bounded Flink jobs; then fires the open windows and flushes.
 */
final class PlainConsumerVariant implements Variant {

    static final String NAME = "plain KafkaConsumer loop (the bound)";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Running start(RunContext context, int parallelism, String outputTopic) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < parallelism; t++) {
            List<TopicPartition> mine = new ArrayList<>();
            for (int p = t; p < context.partitions(); p += parallelism) {
                mine.add(new TopicPartition(context.inputTopic(), p));
            }
            Thread thread = new Thread(
                    () -> {
                        try {
                            consume(context, mine, outputTopic);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        } finally {
                            done.incrementAndGet();
                        }
                    },
                    "plain-consumer-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        return new Running() {
            @Override
            public boolean finished() {
                return done.get() == threads.size();
            }

            @Override
            public Throwable failure() {
                return failure.get();
            }

            @Override
            public void close() throws InterruptedException {
                for (Thread thread : threads) {
                    thread.join(60_000);
                }
            }
        };
    }

    private static void consume(RunContext context, List<TopicPartition> partitions, String outputTopic) {
        Properties consumerProps = new Properties();
        consumerProps.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, context.stack().bootstrapServers());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        consumerProps.put(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, context.stack().registryUrl());
        consumerProps.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
        Properties producerProps = new Properties();
        producerProps.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, context.stack().bootstrapServers());
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);

        KafkaAvroDeserializer values = new KafkaAvroDeserializer();
        values.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                        context.stack().registryUrl(),
                        AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG,
                        true),
                false);
        try (KafkaConsumer<String, Object> consumer =
                        new KafkaConsumer<>(consumerProps, new StringDeserializer(), values);
                KafkaProducer<String, String> producer =
                        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> highest = new HashMap<>();
            MinuteStats stats =
                    new MinuteStats((windowStart, product, count, revenue) -> producer.send(new ProducerRecord<>(
                            outputTopic,
                            StatsJson.key(windowStart, product),
                            StatsJson.value(windowStart, product, count, revenue))));
            while (!reached(consumer, partitions, end)) {
                ConsumerRecords<String, Object> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, Object> record : records) {
                    Order order = (Order) record.value();
                    stats.add(order.getProductId(), order.getTimestamp(), order.getPrice() * order.getQuantity());
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    highest.merge(tp, order.getTimestamp(), Math::max);
                }
                if (highest.size() == partitions.size()) {
                    long lowest = highest.values().stream()
                            .mapToLong(Long::longValue)
                            .min()
                            .orElseThrow();
                    stats.advanceWatermark(lowest - MinuteStats.MAX_OUT_OF_ORDERNESS_MILLIS - 1);
                }
            }
            stats.finish();
            producer.flush();
            if (stats.late() > 0) {
                throw new IllegalStateException(stats.late() + " orders were late and dropped");
            }
        }
    }

    private static boolean reached(
            KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }
}
