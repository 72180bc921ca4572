package dev.streamingblocks.kafka.sink.testutils;

import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads what a read_committed consumer can see of a topic, up to its end (last stable) offsets. */
public final class Committed {

    private Committed() {}

    /**
     * Every committed record of the topic, partition by partition in offset order. Reads up to the
     * end offsets a read_committed consumer reports, so it neither stops early nor waits for more.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            EmbeddedKafkaCluster kafka, String topic, Duration timeout) {
        awaitMarkersWritten(kafka, timeout);
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.createConsumer(Map.of())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Instant deadline = Instant.now().plus(timeout);
            while (!reachedEnd(consumer, partitions, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("Could not read topic '" + topic + "' up to " + end + " within " + timeout
                            + "; read " + records.size() + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            records.sort((a, b) -> a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return records;
        }
    }

    /**
     * Waits until no transaction is between its end and its markers. The coordinator writes a
     * transaction's commit (or abort) markers to its partitions after {@code commitTransaction()} has
     * returned, so right after a job ends the last stable offset can still stand before its last
     * transaction, and a read up to it would miss committed records. Transactions that are still open
     * (a lingering one, on purpose in some tests) are not waited for.
     */
    private static void awaitMarkersWritten(EmbeddedKafkaCluster kafka, Duration timeout) {
        ListTransactionsOptions ending = new ListTransactionsOptions()
                .filterStates(List.of(
                        TransactionState.PREPARE_COMMIT,
                        TransactionState.PREPARE_ABORT,
                        TransactionState.PREPARE_EPOCH_FENCE));
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = kafka.createAdmin()) {
            while (!admin.listTransactions(ending)
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("Transactions still writing their markers after " + timeout);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for transaction markers", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Could not list the cluster's transactions", e);
        }
    }

    private static boolean reachedEnd(
            KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < end.get(partition)) {
                return false;
            }
        }
        return true;
    }
}
