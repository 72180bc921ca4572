package dev.streamingblocks.kafka.admin;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Finds and aborts the open transactions a dead job left behind. While such a transaction is open,
 * {@code read_committed} consumers of its partitions stop at its first record until the broker times
 * it out ({@code transaction.timeout.ms}, up to 15 minutes on a stock broker).
 *
 * <pre>{@code
 * try (Admin admin = Admin.create(Map.of("bootstrap.servers", "broker:9092"))) {
 *     List<LingeringTransaction> open = LingeringTransactions.list(admin, "orders-job.enriched");
 *     LingeringTransactions.abort(Map.of("bootstrap.servers", "broker:9092"), open);
 * }
 * }</pre>
 *
 * <p>Or as a command:
 * {@code java -cp ... dev.streamingblocks.kafka.admin.LingeringTransactions
 * --bootstrap-servers broker:9092 --prefix orders-job.enriched --abort}.
 *
 * <p>Aborting fences: it starts a producer with the same transactional id, and the coordinator then
 * aborts the open transaction and bumps the epoch. Run it only when the job that owns the prefix is
 * stopped; a running job's producer would be fenced and the job would restart.
 */
public final class LingeringTransactions {

    /** States in which a transaction still holds back read_committed consumers. */
    public static final Set<TransactionState> OPEN_STATES = EnumSet.of(
            TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT,
            TransactionState.PREPARE_ABORT,
            TransactionState.PREPARE_EPOCH_FENCE);

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private LingeringTransactions() {}

    /** The open transactions whose transactional id starts with the prefix, sorted by id. */
    public static List<LingeringTransaction> list(Admin admin, String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("prefix must not be empty: it would match every transaction");
        }
        List<String> ids = get(
                        admin.listTransactions(new ListTransactionsOptions().filterStates(OPEN_STATES))
                                .all(),
                        "list transactions")
                .stream()
                .map(TransactionListing::transactionalId)
                .filter(id -> id.startsWith(prefix))
                .sorted()
                .collect(Collectors.toList());
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, TransactionDescription> descriptions =
                get(admin.describeTransactions(ids).all(), "describe transactions " + ids);
        List<LingeringTransaction> open = new ArrayList<>();
        for (String id : ids) {
            TransactionDescription d = descriptions.get(id);
            // The state may have moved on between listing and describing.
            if (d != null && OPEN_STATES.contains(d.state())) {
                List<TopicPartition> partitions = d.topicPartitions().stream()
                        .sorted(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition))
                        .collect(Collectors.toList());
                Optional<Instant> start = d.transactionStartTimeMs().isPresent()
                                && d.transactionStartTimeMs().getAsLong() >= 0
                        ? Optional.of(
                                Instant.ofEpochMilli(d.transactionStartTimeMs().getAsLong()))
                        : Optional.empty();
                open.add(new LingeringTransaction(id, d.state(), d.producerId(), d.producerEpoch(), start, partitions));
            }
        }
        return open;
    }

    /**
     * Aborts each transaction by fencing its transactional id: a producer with that id calls
     * {@code initTransactions()}, which makes the coordinator abort the open transaction. One in
     * {@code PREPARE_COMMIT} is committed instead: the coordinator had decided before the fence
     * (see {@link #outcome}).
     *
     * @param clientConfig connection settings (bootstrap servers, security); serializer and
     *                     transactional-id settings are set here
     */
    public static void abort(Map<String, Object> clientConfig, List<LingeringTransaction> transactions) {
        for (LingeringTransaction transaction : transactions) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.keySet().retainAll(ProducerConfig.configNames());
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transaction.transactionalId());
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "lingering-transactions-abort");
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
                producer.initTransactions();
            }
        }
    }

    /**
     * What fencing did to the transactions. The coordinator has already decided the outcome of one
     * in {@code PREPARE_COMMIT}: fencing completes its commit, it does not abort it, and saying
     * "aborted" would hide that its records became visible.
     */
    public static String outcome(List<LingeringTransaction> fenced) {
        long committed = fenced.stream()
                .filter(t -> t.state() == TransactionState.PREPARE_COMMIT)
                .count();
        long aborted = fenced.size() - committed;
        String line = "Aborted " + aborted + " transaction(s)";
        if (committed > 0) {
            line += "; " + committed + " already in PREPARE_COMMIT completed their commit instead";
        }
        return line;
    }

    /** The transactions as a fixed-width table with a header line. */
    public static String table(List<LingeringTransaction> transactions) {
        String format = "%-40s %-20s %12s %6s %-24s %s%n";
        StringBuilder out = new StringBuilder(
                String.format(format, "TRANSACTIONAL_ID", "STATE", "PRODUCER_ID", "EPOCH", "START_TIME", "PARTITIONS"));
        for (LingeringTransaction t : transactions) {
            out.append(String.format(
                    format,
                    t.transactionalId(),
                    t.state(),
                    t.producerId(),
                    t.producerEpoch(),
                    t.startTime().map(Instant::toString).orElse("-"),
                    t.partitions().stream().map(TopicPartition::toString).collect(Collectors.joining(","))));
        }
        return out.toString();
    }

    /** The command; exits with the code of {@link #run}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * The command's logic: 0 on success, 2 on bad arguments, 1 when Kafka fails.
     * {@code --bootstrap-servers <list> --prefix <prefix> [--command-config <file>] [--abort] [--help]}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String bootstrap = null;
        String prefix = null;
        String commandConfig = null;
        boolean abort = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help":
                    out.print(usage());
                    return 0;
                case "--abort":
                    abort = true;
                    break;
                case "--bootstrap-servers":
                case "--prefix":
                case "--command-config":
                    if (i + 1 >= args.length) {
                        err.println("Option " + args[i] + " needs a value");
                        err.print(usage());
                        return 2;
                    }
                    String option = args[i];
                    String value = args[++i];
                    if (option.equals("--prefix")) {
                        prefix = value;
                    } else if (option.equals("--bootstrap-servers")) {
                        bootstrap = value;
                    } else {
                        commandConfig = value;
                    }
                    break;
                default:
                    err.println("Unknown option: " + args[i]);
                    err.print(usage());
                    return 2;
            }
        }
        if (bootstrap == null || prefix == null || prefix.isEmpty()) {
            err.println(bootstrap == null ? "Missing --bootstrap-servers" : "Missing --prefix");
            err.print(usage());
            return 2;
        }
        Map<String, Object> config = new HashMap<>();
        if (commandConfig != null) {
            Properties fromFile = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(commandConfig), StandardCharsets.UTF_8)) {
                fromFile.load(reader);
            } catch (IOException e) {
                err.println("Cannot read --command-config file " + commandConfig + ": " + e);
                return 2;
            }
            fromFile.stringPropertyNames().forEach(name -> config.put(name, fromFile.getProperty(name)));
        }
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            List<LingeringTransaction> open = list(admin, prefix);
            out.print(table(open));
            if (abort && !open.isEmpty()) {
                abort(config, open);
                out.println(outcome(open));
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("Failed: " + e.getMessage());
            return 1;
        }
    }

    static String usage() {
        return "Usage: LingeringTransactions --bootstrap-servers <host:port,...> --prefix <transactional-id prefix>"
                + " [--command-config <client.properties>] [--abort]\n"
                + "  Lists open transactions whose transactional id starts with the prefix;\n"
                + "  --abort aborts them (only while the job owning the prefix is stopped).\n"
                + "  --command-config: client settings such as security.protocol and sasl.jaas.config.\n";
    }

    private static <V> V get(KafkaFuture<V> future, String what) {
        try {
            return future.get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Cannot " + what + ": " + cause, cause);
        }
    }
}
