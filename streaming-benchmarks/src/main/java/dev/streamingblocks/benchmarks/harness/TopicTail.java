package dev.streamingblocks.benchmarks.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a variant's output topic from the beginning while the variant runs, on its own thread,
 * and hands every record to a handler. The benchmark's clock stops when the handler has seen the
 * complete output, not when the variant says it is done, so every variant is timed to the same
 * point: its output readable by a consumer.
 *
 * <pre>{@code
 * try (TopicTail tail = TopicTail.start(bootstrap, "order-stats-lib", record -> verifier.accept(record))) {
 *     ... run the variant, wait for the verifier ...
 *     tail.awaitCaughtUp(Duration.ofSeconds(30)); // then nothing was written after completion unseen
 * }
 * }</pre>
 */
public final class TopicTail implements AutoCloseable {

    /** Receives each record of the topic, in partition order, on the tail's thread. */
    @FunctionalInterface
    public interface Handler {
        void accept(ConsumerRecord<byte[], byte[]> record) throws Exception;
    }

    private final String bootstrapServers;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong records = new AtomicLong();
    private volatile Map<TopicPartition, Long> positions = Map.of();
    private volatile boolean running = true;

    private TopicTail(String bootstrapServers, String topic, Handler handler) {
        this.bootstrapServers = bootstrapServers;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30))
                .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(() -> loop(handler), "tail-" + topic);
        thread.setDaemon(true);
    }

    /** Starts reading {@code topic} (which must exist) from its first offset. */
    public static TopicTail start(String bootstrapServers, String topic, Handler handler) {
        TopicTail tail = new TopicTail(bootstrapServers, topic, handler);
        tail.thread.start();
        return tail;
    }

    private void loop(Handler handler) {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    handler.accept(record);
                    records.incrementAndGet();
                }
                Map<TopicPartition, Long> now = new HashMap<>();
                for (TopicPartition p : partitions) {
                    now.put(p, consumer.position(p));
                }
                positions = now;
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Records handed to the handler so far. */
    public long records() {
        return records.get();
    }

    /** The handler's or the consumer's failure, if the tail stopped because of one. */
    public Throwable failure() {
        return failure.get();
    }

    /**
     * Waits until the tail has handled every record the topic holds now (its end offsets as of this
     * call): after a variant has finished, this makes sure its last writes were seen.
     */
    public void awaitCaughtUp(Duration timeout) throws InterruptedException {
        Map<TopicPartition, Long> end;
        try (KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            end = probe.endOffsets(partitions, Duration.ofSeconds(30));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<TopicPartition, Long> seen = positions;
            boolean caughtUp = end.entrySet().stream().allMatch(e -> seen.getOrDefault(e.getKey(), 0L) >= e.getValue());
            if (caughtUp) {
                return;
            }
            if (failure.get() != null) {
                throw new IllegalStateException(
                        "The tail of " + partitions + " failed: " + failure.get(), failure.get());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("The tail of " + partitions + " did not reach " + end + " within "
                        + timeout + "; it is at " + seen);
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
