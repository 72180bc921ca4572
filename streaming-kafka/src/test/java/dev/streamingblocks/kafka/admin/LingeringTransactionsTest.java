package dev.streamingblocks.kafka.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LingeringTransactionsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return LingeringTransactions.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void help() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo(
                        "Usage: LingeringTransactions --bootstrap-servers <host:port,...> --prefix <transactional-id prefix>"
                                + " [--command-config <client.properties>] [--abort]\n"
                                + "  Lists open transactions whose transactional id starts with the prefix;\n"
                                + "  --abort aborts them (only while the job owning the prefix is stopped).\n"
                                + "  --command-config: client settings such as security.protocol and sasl.jaas.config.\n");
    }

    @Test
    void badArguments() {
        assertThat(run("--prefix", "p")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Missing --bootstrap-servers\nUsage: ");
        err.reset();
        assertThat(run("--bootstrap-servers", "h:1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Missing --prefix\nUsage: ");
        err.reset();
        assertThat(run("--bootstrap-servers", "h:1", "--prefix")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Option --prefix needs a value\nUsage: ");
        err.reset();
        assertThat(run("--bootstrap-servers", "h:1", "--prefix", "p", "--force"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Unknown option: --force\nUsage: ");
        err.reset();
        assertThat(run(
                        "--bootstrap-servers",
                        "h:1",
                        "--prefix",
                        "p",
                        "--command-config",
                        "/nonexistent/client.properties"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("Cannot read --command-config file"
                        + " /nonexistent/client.properties: java.nio.file.NoSuchFileException: /nonexistent/client.properties"
                        + System.lineSeparator());
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void emptyPrefixWouldMatchEverything() {
        assertThatThrownBy(() -> LingeringTransactions.list(null, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix must not be empty: it would match every transaction");
    }

    @Test
    void table() {
        LingeringTransaction t = new LingeringTransaction(
                "job.sink-0-7",
                TransactionState.ONGOING,
                4001,
                2,
                Optional.of(Instant.parse("2026-11-24T08:00:00.123Z")),
                List.of(new TopicPartition("out", 0), new TopicPartition("out", 1)));
        LingeringTransaction noStart = new LingeringTransaction(
                "job.sink-1-7", TransactionState.PREPARE_ABORT, 4002, 0, Optional.empty(), List.of());
        assertThat(LingeringTransactions.table(List.of(t, noStart)))
                .isEqualTo(String.format(
                                "%-40s %-20s %12s %6s %-24s %s%n",
                                "TRANSACTIONAL_ID", "STATE", "PRODUCER_ID", "EPOCH", "START_TIME", "PARTITIONS")
                        + String.format(
                                "%-40s %-20s %12s %6s %-24s %s%n",
                                "job.sink-0-7", "Ongoing", "4001", "2", "2026-11-24T08:00:00.123Z", "out-0,out-1")
                        + String.format(
                                "%-40s %-20s %12s %6s %-24s %s%n",
                                "job.sink-1-7", "PrepareAbort", "4002", "0", "-", ""));
    }

    @Test
    void outcomeSaysThatTransactionsInPrepareCommitWereCommittedNotAborted() {
        LingeringTransaction ongoing =
                new LingeringTransaction("job.sink-0-7", TransactionState.ONGOING, 1, 0, Optional.empty(), List.of());
        LingeringTransaction prepareAbort = new LingeringTransaction(
                "job.sink-1-7", TransactionState.PREPARE_ABORT, 2, 0, Optional.empty(), List.of());
        LingeringTransaction prepareCommit = new LingeringTransaction(
                "job.sink-2-7", TransactionState.PREPARE_COMMIT, 3, 0, Optional.empty(), List.of());

        assertThat(LingeringTransactions.outcome(List.of(ongoing, prepareAbort)))
                .isEqualTo("Aborted 2 transaction(s)");
        assertThat(LingeringTransactions.outcome(List.of(ongoing, prepareCommit)))
                .isEqualTo("Aborted 1 transaction(s); 1 already in PREPARE_COMMIT completed their commit instead");
    }
}
