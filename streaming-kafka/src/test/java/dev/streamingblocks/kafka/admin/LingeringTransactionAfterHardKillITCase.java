package dev.streamingblocks.kafka.admin;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.sink.testutils.Committed;
import dev.streamingblocks.kafka.sink.testutils.NumbersToKafkaJob;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real exactly-once Flink job ({@link NumbersToKafkaJob}, in a JVM of its own) is killed hard
 * (SIGKILL: no abort, no close) while it writes. It proves:
 *
 * <ol>
 *   <li>the job left an open transaction with records on the log, and a {@code read_committed}
 *       consumer is stuck behind it: the partition's last stable offset stays at the open
 *       transaction's first offset (from {@code describeProducers}) although later committed
 *       records (written after the kill) exist, and reading to that end yields none of them;
 *   <li>{@code LingeringTransactions} (the command, by the job's transactional id prefix) finds and
 *       aborts it;
 *   <li>the consumer is released (last stable offset = log end) and reads exactly what was
 *       committed before the kill ("0" .. "n-1", each once, in order), then the later records;
 *       none of the aborted transaction's records is visible.
 * </ol>
 */
class LingeringTransactionAfterHardKillITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @Test
    void aHardKilledJobsOpenTransactionBlocksReadCommittedUntilLingeringTransactionsAbortsIt(@TempDir Path tmp)
            throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("hard-kill");
        KAFKA.cluster().createTopic(topic, 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        String prefix = TypedKafkaSink.suggestTransactionalIdPrefix("hard-kill", topic);

        Path log = tmp.resolve("child.log");
        Process child = startChild(log, KAFKA.bootstrapServers(), topic, prefix);
        try {
            // Wait for committed output and, above it, records of an open transaction.
            awaitOffsets(partition, child, log);
        } finally {
            child.destroyForcibly(); // SIGKILL: the writer cannot abort its transaction
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child JVM gone").isTrue();
        }

        List<LingeringTransaction> open;
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            open = LingeringTransactions.list(admin, prefix);
        }
        assertThat(open).as("open transactions of the killed job").isNotEmpty();
        assertThat(open).allSatisfy(t -> assertThat(t.partitions()).containsExactly(partition));

        // What read_committed sees now: the job's commits before the kill.
        List<String> committedBeforeKill = values(Committed.readAll(KAFKA.cluster(), topic, TIMEOUT));
        assertThat(committedBeforeKill).isNotEmpty();
        assertThat(committedBeforeKill).containsExactlyElementsOf(numbers(0, committedBeforeKill.size()));
        long stuckAt = lastStable(partition);
        assertThat(stuckAt).isEqualTo(openTransactionStart(partition));

        // Records committed after the open transaction: written, yet invisible to read_committed.
        List<String> later = List.of("after-kill-1", "after-kill-2");
        KAFKA.cluster()
                .produce(later.stream()
                        .map(v -> new ProducerRecord<byte[], byte[]>(topic, 0, null, v.getBytes(UTF_8)))
                        .collect(Collectors.toList()));
        List<String> onTheLog = values(readUncommitted(partition));
        assertThat(onTheLog).endsWith(later.toArray(String[]::new));
        List<String> openRecords = onTheLog.subList(committedBeforeKill.size(), onTheLog.size() - later.size());
        assertThat(openRecords).as("records of the open transaction(s)").isNotEmpty();
        assertThat(lastStable(partition)).as("read_committed end offset").isEqualTo(stuckAt);
        assertThat(values(Committed.readAll(KAFKA.cluster(), topic, TIMEOUT)))
                .as("stuck")
                .containsExactlyElementsOf(committedBeforeKill);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LingeringTransactions.run(
                new String[] {"--bootstrap-servers", KAFKA.bootstrapServers(), "--prefix", prefix, "--abort"},
                new PrintStream(out, true, UTF_8),
                new PrintStream(err, true, UTF_8));
        assertThat(err.toString(UTF_8)).isEmpty();
        assertThat(exit).isZero();
        assertThat(out.toString(UTF_8))
                .isEqualTo(LingeringTransactions.table(open)
                        + LingeringTransactions.outcome(open)
                        + System.lineSeparator());

        // Released: everything committed before the kill is still there, then the later records.
        // A transaction the coordinator had already decided to commit (PREPARE_COMMIT, a kill within
        // milliseconds of a commit) completes its commit instead: its records are the next numbers.
        long completed = open.stream()
                .filter(t -> t.state() == TransactionState.PREPARE_COMMIT)
                .count();
        List<String> released = values(Committed.readAll(KAFKA.cluster(), topic, TIMEOUT));
        assertThat(lastStable(partition)).isEqualTo(logEnd(partition));
        List<String> expected = new ArrayList<>(committedBeforeKill);
        if (completed > 0) {
            int n = released.size() - committedBeforeKill.size() - later.size();
            expected.addAll(numbers(committedBeforeKill.size(), n));
        } else {
            assertThat(open).extracting(LingeringTransaction::state).containsOnly(TransactionState.ONGOING);
        }
        expected.addAll(later);
        assertThat(released).containsExactlyElementsOf(expected);
        if (completed == 0) {
            assertThat(released).doesNotContainAnyElementsOf(openRecords);
        }
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            assertThat(LingeringTransactions.list(admin, prefix)).isEmpty();
        }
    }

    private static Process startChild(Path log, String bootstrap, String topic, String prefix) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        for (String jvmArg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (jvmArg.startsWith("--add-opens") || jvmArg.startsWith("--add-exports")) {
                command.add(jvmArg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(NumbersToKafkaJob.class.getName());
        command.addAll(List.of(bootstrap, topic, prefix));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void awaitOffsets(TopicPartition partition, Process child, Path log) throws Exception {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (true) {
            long stable = lastStable(partition);
            // 100 committed records: a few checkpoints have completed.
            if (stable >= 100 && logEnd(partition) > stable) {
                return;
            }
            if (!child.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("The child job wrote no committed and open records (last stable offset "
                        + stable + ", log end " + logEnd(partition) + "); its output:\n" + Files.readString(log));
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling interval of a condition
        }
    }

    /** The end offset a read_committed consumer sees: the last stable offset. */
    private static long lastStable(TopicPartition partition) {
        try (KafkaConsumer<byte[], byte[]> consumer = KAFKA.cluster().createConsumer(Map.of())) {
            return consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
        }
    }

    private static long logEnd(TopicPartition partition) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                KAFKA.cluster().createConsumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"))) {
            return consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
        }
    }

    /** The first offset of the oldest open transaction on the partition, from the broker's producer state. */
    private static long openTransactionStart(TopicPartition partition) throws Exception {
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            return admin
                    .describeProducers(List.of(partition))
                    .partitionResult(partition)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .activeProducers()
                    .stream()
                    .filter(p -> p.currentTransactionStartOffset().isPresent())
                    .mapToLong(p -> p.currentTransactionStartOffset().getAsLong())
                    .min()
                    .orElseThrow(() -> new AssertionError("no open transaction on " + partition));
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readUncommitted(TopicPartition partition) {
        long end = logEnd(partition);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                KAFKA.cluster().createConsumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (consumer.position(partition) < end) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("Could not read " + partition + " up to " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), UTF_8)).collect(Collectors.toList());
    }

    private static List<String> numbers(int from, int count) {
        List<String> numbers = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            numbers.add(Integer.toString(i));
        }
        return numbers;
    }
}
