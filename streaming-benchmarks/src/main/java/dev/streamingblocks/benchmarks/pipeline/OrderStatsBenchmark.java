package dev.streamingblocks.benchmarks.pipeline;

import dev.streamingblocks.benchmarks.harness.Args;
import dev.streamingblocks.benchmarks.harness.BarChart;
import dev.streamingblocks.benchmarks.harness.BenchmarkStack;
import dev.streamingblocks.benchmarks.harness.LocalCluster;
import dev.streamingblocks.benchmarks.harness.Machine;
import dev.streamingblocks.benchmarks.harness.Progress;
import dev.streamingblocks.benchmarks.harness.Report;
import dev.streamingblocks.benchmarks.harness.Result;
import dev.streamingblocks.benchmarks.harness.ResultTable;
import dev.streamingblocks.benchmarks.harness.Running;
import dev.streamingblocks.benchmarks.harness.TopicTail;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.core.avro.testing.Order;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Order stats throughput, Kafka in to Kafka out (issue #10, 1.1): the article's one-minute order
 * statistics computed by the library's pipeline, the article's Flink SQL, Kafka Streams, a plain
 * consumer loop (the bound) and an in-memory loop (the floor), from one pre-loaded topic of Avro
 * orders in one JVM, each checked for exact output and timed from start to its output complete.
 *
 * <p>How to run (Java 17 needs Flink's {@code --add-opens} list, the root pom's {@code
 * flink.jvm.opens}):
 * <ol>
 *   <li>{@code mvn -pl streaming-benchmarks -am package -DskipTests}</li>
 *   <li>{@code java @streaming-benchmarks/target/flink-opens.args -cp streaming-benchmarks/target/benchmarks.jar
 *       dev.streamingblocks.benchmarks.pipeline.OrderStatsBenchmark --orders 200000} (a smoke run
 *       of a minute or two; the default is {@value #DEFAULT_ORDERS} orders)</li>
 * </ol>
 * Expect progress lines while loading and running, then a Markdown table with records/s per
 * variant and parallelism and the ratios library / SQL and library / plain consumer; {@code
 * order-stats.md} and {@code order-stats.png} go to {@code --out} (default {@value #DEFAULT_OUT}).
 */
public final class OrderStatsBenchmark {

    public static final long DEFAULT_ORDERS = 5_000_000;
    public static final String DEFAULT_OUT = "docs/benchmarks";
    public static final int PARTITIONS = 2;
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(120);
    /** Orders of the untimed warm-up round, which loads each variant's classes and JIT-compiles its path. */
    public static final long DEFAULT_WARMUP_ORDERS = 100_000;
    /** Rounds over all variants; each variant's median is reported, as one run's plain loop can be 1.5x another's. */
    public static final int DEFAULT_ROUNDS = 3;

    static final String FLOOR = InMemoryVariant.NAME;

    static final Set<String> OPTIONS = new LinkedHashSet<>(List.of(
            "orders",
            "products",
            "orders-per-minute",
            "parallelism",
            "variants",
            "out",
            "stall-timeout-seconds",
            "warmup-orders",
            "rounds"));

    private OrderStatsBenchmark() {}

    public static void main(String[] args) throws Exception {
        Args options = Args.parse("order-stats-benchmark", args, OPTIONS);
        OrderWorkload workload = new OrderWorkload(
                options.longValue("orders", DEFAULT_ORDERS),
                options.intValue("products", OrderWorkload.DEFAULT_PRODUCTS),
                options.intValue("orders-per-minute", OrderWorkload.DEFAULT_ORDERS_PER_MINUTE),
                OrderWorkload.DEFAULT_SEED,
                OrderWorkload.DEFAULT_START);
        List<Integer> parallelisms = Arrays.stream(
                        options.string("parallelism", "1,2").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        Set<String> only = new LinkedHashSet<>(
                Arrays.asList(options.string("variants", "library,library-1phase,sql,streams,plain,memory")
                        .split(",")));
        Path out = Path.of(options.string("out", DEFAULT_OUT));
        Duration stall =
                Duration.ofSeconds(options.longValue("stall-timeout-seconds", DEFAULT_STALL_TIMEOUT.toSeconds()));

        Instant started = Instant.now();
        String loadAtStart = Machine.loadAverage();
        Machine machine = Machine.current();
        Progress.line("order-stats benchmark: %s; load average %s", machine.describe(), loadAtStart);
        long warmup = options.longValue("warmup-orders", DEFAULT_WARMUP_ORDERS);
        int rounds = options.intValue("rounds", DEFAULT_ROUNDS);
        Runs runs = run(workload, warmup, parallelisms, only, stall, rounds);
        ResultTable table = new ResultTable(runs.results());
        String loadAtEnd = Machine.loadAverage();

        String ratios = table.ratios(ratioDefinitions(), parallelisms)
                + "\n" + runs.clusterStartsMarkdown()
                + "\nThe same ratios with each Flink variant's cluster start-up added to its time:\n\n"
                + new ResultTable(runs.withClusterStarts()).ratios(ratioDefinitions(), parallelisms);
        BarChart.write(
                out.resolve("order-stats.png"),
                "Order stats: " + String.format(Locale.ROOT, "%,d", workload.orders())
                        + " Avro orders, Kafka in → Kafka out",
                table,
                Set.of(FLOOR));
        String report = Report.write(
                out.resolve("order-stats.md"),
                "Order stats throughput",
                machine,
                started,
                loadAtStart,
                loadAtEnd,
                "java @streaming-benchmarks/target/flink-opens.args -cp streaming-benchmarks/target/benchmarks.jar "
                        + OrderStatsBenchmark.class.getName() + " " + String.join(" ", args),
                table,
                ratios,
                "order-stats.png");
        System.out.println();
        System.out.println(report);
    }

    static List<ResultTable.Ratio> ratioDefinitions() {
        return List.of(
                new ResultTable.Ratio("library / Flink SQL", LibraryVariant.NAME, SqlVariant.NAME),
                new ResultTable.Ratio(
                        "library / plain consumer (bound)", LibraryVariant.NAME, PlainConsumerVariant.NAME),
                new ResultTable.Ratio("library / Kafka Streams", LibraryVariant.NAME, StreamsVariant.NAME),
                new ResultTable.Ratio(
                        "library / library in one phase", LibraryVariant.NAME, LibraryVariant.ONE_PHASE_NAME));
    }

    /**
     * The results of one run, and for each Flink variant (by {@link #key(String, int)}) how long its
     * local cluster took to start before its clock started.
     */
    record Runs(List<Result> results, Map<String, Duration> clusterStarts) {

        /** The results with each Flink variant's cluster start-up added to its time. */
        List<Result> withClusterStarts() {
            List<Result> added = new ArrayList<>();
            for (Result r : results) {
                Duration start = clusterStarts.get(key(r.variant(), r.parallelism()));
                added.add(
                        r.isOk() && start != null
                                ? Result.ok(
                                        r.variant(),
                                        r.parallelism(),
                                        r.records(),
                                        r.elapsed().plus(start),
                                        r.detail())
                                : r);
            }
            return added;
        }

        /** {@code | Flink variant | parallelism | cluster start-up, s |} for the variants that had one. */
        String clusterStartsMarkdown() {
            StringBuilder out = new StringBuilder(
                    "| local Flink cluster start-up, before the clock | parallelism | seconds |\n|---|---:|---:|\n");
            for (Result r : results) {
                Duration start = clusterStarts.get(key(r.variant(), r.parallelism()));
                if (start != null) {
                    out.append(String.format(
                            Locale.ROOT, "| %s | %d | %.2f |%n", r.variant(), r.parallelism(), start.toNanos() / 1e9));
                }
            }
            return out.toString();
        }
    }

    static String key(String variant, int parallelism) {
        return variant + " p" + parallelism;
    }

    /** Starts a stack, loads the workload once, and runs the selected variants at each parallelism. */
    static Runs run(
            OrderWorkload workload, long warmupOrders, List<Integer> parallelisms, Set<String> only, Duration stall)
            throws Exception {
        return run(workload, warmupOrders, parallelisms, only, stall, 1);
    }

    /**
     * As {@link #run(OrderWorkload, long, List, Set, Duration)}, {@code rounds} times over all
     * variants and parallelisms in turn (so a change of load meets them alike); each variant's
     * result is the round with its median time, or its first result that is not OK.
     */
    static Runs run(
            OrderWorkload workload,
            long warmupOrders,
            List<Integer> parallelisms,
            Set<String> only,
            Duration stall,
            int rounds)
            throws Exception {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, was " + rounds);
        }
        List<Result> results = new ArrayList<>();
        Map<String, Duration> clusterStarts = new LinkedHashMap<>();
        try (BenchmarkStack stack = BenchmarkStack.start()) {
            String runId = "bench" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
            String input = "orders-" + runId;
            List<Variant> variants = new ArrayList<>();
            if (only.contains("library")) {
                variants.add(new LibraryVariant());
            }
            if (only.contains("library-1phase")) {
                variants.add(LibraryVariant.onePhase());
            }
            if (only.contains("sql")) {
                variants.add(new SqlVariant());
            }
            if (only.contains("streams")) {
                variants.add(new StreamsVariant());
            }
            if (only.contains("plain")) {
                variants.add(new PlainConsumerVariant());
            }
            if (warmupOrders > 0) {
                // Same shape, other seed and topic: the first variant would otherwise pay for loading
                // Flink's, Kafka Streams' and the clients' classes and for the JIT on its own.
                OrderWorkload warm = new OrderWorkload(
                        warmupOrders,
                        workload.products(),
                        workload.ordersPerMinute(),
                        workload.seed() + 1,
                        workload.start());
                stack.createTopic(input + "-warmup", PARTITIONS);
                ExpectedStats warmExpected = load(stack, input + "-warmup", warm);
                RunContext warmContext = new RunContext(stack, input + "-warmup", PARTITIONS, warm, runId + "-warmup");
                for (Variant variant : variants) {
                    Result result = runVariant(warmContext, warmExpected, variant, 1, stall, new HashMap<>());
                    Progress.line("warm-up of %s: %s (not counted)", variant.name(), result.status());
                }
            }
            stack.createTopic(input, PARTITIONS);
            ExpectedStats expected = load(stack, input, workload);
            Map<String, List<Result>> byVariant = new LinkedHashMap<>();
            Map<String, List<Duration>> startsByVariant = new HashMap<>();
            for (int round = 1; round <= rounds; round++) {
                if (rounds > 1) {
                    Progress.line("round %d of %d", round, rounds);
                }
                RunContext context =
                        new RunContext(stack, input, PARTITIONS, workload, rounds > 1 ? runId + "r" + round : runId);
                for (int p : parallelisms) {
                    for (Variant variant : variants) {
                        Map<String, Duration> starts = new HashMap<>();
                        Result result = runVariant(context, expected, variant, p, stall, starts);
                        byVariant
                                .computeIfAbsent(key(variant.name(), p), k -> new ArrayList<>())
                                .add(result);
                        starts.forEach((k, v) -> startsByVariant
                                .computeIfAbsent(k, x -> new ArrayList<>())
                                .add(v));
                    }
                }
            }
            for (List<Result> attempts : byVariant.values()) {
                results.add(median(attempts));
            }
            startsByVariant.forEach(
                    (k, v) -> clusterStarts.put(k, v.stream().sorted().toList().get(v.size() / 2)));
            if (only.contains("memory")) {
                results.add(runFloor(workload, expected));
            }
        }
        return new Runs(results, clusterStarts);
    }

    /**
     * The result of the round with the median time (the upper one of an even count), its note
     * saying the spread; the first result that is not OK if there is one. One round is returned as
     * it is.
     */
    static Result median(List<Result> attempts) {
        if (attempts.size() == 1) {
            return attempts.get(0);
        }
        for (Result r : attempts) {
            if (!r.isOk()) {
                return r;
            }
        }
        List<Result> sorted =
                attempts.stream().sorted(Comparator.comparing(Result::elapsed)).toList();
        Result median = sorted.get(sorted.size() / 2);
        String times = attempts.stream()
                .map(r -> String.format(Locale.ROOT, "%.2f", r.elapsed().toNanos() / 1e9))
                .collect(Collectors.joining(", "));
        return Result.ok(
                median.variant(),
                median.parallelism(),
                median.records(),
                median.elapsed(),
                median.detail() + "; median of " + attempts.size() + " rounds (" + times + " s)");
    }

    /** Produces the workload into {@code topic} (keyed by product, Avro through the registry). */
    static ExpectedStats load(BenchmarkStack stack, String topic, OrderWorkload workload) throws Exception {
        ExpectedStats expected = new ExpectedStats(workload);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        KafkaAvroSerializer values = new KafkaAvroSerializer();
        values.configure(stack.registryConfig(), false);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        long begin = System.nanoTime();
        Progress.Throttle throttle = new Progress.Throttle(2_000);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            workload.forEach(order -> {
                expected.add(order);
                producer.send(new ProducerRecord<>(topic, order.getProductId(), order), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                long n = sent.incrementAndGet();
                throttle.maybe(() -> String.format(
                        Locale.ROOT,
                        "loading: %,d of %,d orders sent (%,.0f/s)",
                        n,
                        workload.orders(),
                        n / ((System.nanoTime() - begin) / 1e9)));
            });
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "Loading the orders failed: " + failure.get().getMessage(), failure.get());
        }
        Progress.line(
                "loaded %,d orders into '%s' (%d partitions) in %.1f s: %,d (window, product) results expected in %d windows",
                workload.orders(),
                topic,
                PARTITIONS,
                (System.nanoTime() - begin) / 1e9,
                expected.nonEmptyCells(),
                expected.windows());
        return expected;
    }

    /**
     * Runs one variant into a fresh output topic and times it to the moment its output is exact. A
     * Flink variant gets a local cluster started first, not timed; its start-up goes to {@code
     * clusterStarts}.
     */
    static Result runVariant(
            RunContext context,
            ExpectedStats expected,
            Variant variant,
            int p,
            Duration stall,
            Map<String, Duration> clusterStarts)
            throws Exception {
        long records = context.workload().orders();
        String output = "order-stats-" + context.runId() + "-"
                + Integer.toHexString(variant.name().hashCode()) + "-p" + p;
        context.stack().createTopic(output, PARTITIONS);
        StatsVerifier verifier = new StatsVerifier(expected);
        Progress.line("%s, parallelism %d: starting", variant.name(), p);
        variant.prepare(context, p, output);
        LocalCluster cluster = null;
        if (variant.runsOnFlink()) {
            long clusterBegin = System.nanoTime();
            cluster = LocalCluster.start(p);
            Duration clusterStart = Duration.ofNanos(System.nanoTime() - clusterBegin);
            clusterStarts.put(key(variant.name(), p), clusterStart);
            context = context.withFlink(cluster);
            Progress.line(
                    "%s, parallelism %d: local Flink cluster started in %.2f s (not timed); submitting",
                    variant.name(), p, clusterStart.toNanos() / 1e9);
        }
        try (LocalCluster closedLast = cluster;
                TopicTail tail = TopicTail.start(context.stack().bootstrapServers(), output, verifier::accept)) {
            long start = System.nanoTime();
            Running running = variant.start(context, p, output);
            long started = System.nanoTime();
            Result result;
            try {
                result = await(variant.name(), p, records, start, running, tail, verifier, stall);
            } finally {
                running.close();
            }
            if (result.isOk()) {
                tail.awaitCaughtUp(Duration.ofSeconds(60));
                if (!verifier.isComplete()) {
                    result = Result.wrong(
                            variant.name(), p, records, "output changed after it was complete: " + verifier.problems());
                }
            }
            Progress.line(
                    "%s, parallelism %d: %s%s",
                    variant.name(),
                    p,
                    result.status(),
                    result.isOk()
                            ? String.format(
                                    Locale.ROOT,
                                    " in %.2f s, %,.0f records/s (start returned after %.2f s, first output read at %.2f s)",
                                    result.elapsed().toNanos() / 1e9,
                                    result.recordsPerSecond(),
                                    (started - start) / 1e9,
                                    (verifier.firstRecordAtNanos() - start) / 1e9)
                            : " – " + result.detail());
            return result;
        }
    }

    private static Result await(
            String name,
            int p,
            long records,
            long start,
            Running running,
            TopicTail tail,
            StatsVerifier verifier,
            Duration stall)
            throws InterruptedException {
        Progress.Throttle throttle = new Progress.Throttle(5_000);
        long lastSeen = -1;
        long lastChange = System.nanoTime();
        while (!verifier.isComplete()) {
            Throwable failure = running.failure();
            if (failure != null) {
                return Result.failed(
                        name, p, records, failure.getClass().getSimpleName() + ": " + failure.getMessage());
            }
            if (tail.failure() != null) {
                return Result.failed(name, p, records, "its output could not be read: " + tail.failure());
            }
            if (verifier.unexpected() > 0) {
                return Result.wrong(name, p, records, verifier.problems());
            }
            if (running.finished()) {
                try {
                    tail.awaitCaughtUp(Duration.ofSeconds(60));
                } catch (IllegalStateException e) {
                    return Result.failed(name, p, records, e.getMessage());
                }
                if (!verifier.isComplete()) {
                    return Result.wrong(name, p, records, verifier.problems());
                }
                break;
            }
            long now = System.nanoTime();
            if (verifier.records() != lastSeen) {
                lastSeen = verifier.records();
                lastChange = now;
            } else if (now - lastChange > stall.toNanos()) {
                return lastSeen == 0
                        ? Result.failed(name, p, records, "no output within " + stall)
                        : Result.wrong(name, p, records, "no more output for " + stall + ": " + verifier.problems());
            }
            throttle.maybe(() -> String.format(
                    Locale.ROOT,
                    "%s, parallelism %d: %,d of %,d results exact, %,d output records, %.0f s",
                    name,
                    p,
                    verifier.matching(),
                    verifier.expectedResults(),
                    verifier.records(),
                    (System.nanoTime() - start) / 1e9));
            LockSupport.parkNanos(10_000_000L);
        }
        return Result.ok(
                name,
                p,
                records,
                Duration.ofNanos(verifier.completeAtNanos() - start),
                String.format(Locale.ROOT, "%,d output records", verifier.records()));
    }

    /** The in-memory floor: generate and decode first, run once (neither timed), then time the loop, then verify. */
    static Result runFloor(OrderWorkload workload, ExpectedStats expected) {
        Progress.line("%s: generating %,d orders into memory", FLOOR, workload.orders());
        Order[] orders = InMemoryVariant.decodedOrders(workload);
        // once untimed, so the loop is compiled when timed, as the other variants' paths are by their warm-up
        InMemoryVariant.run(orders, (windowStart, product, count, revenue) -> {});
        List<Object[]> emitted = new ArrayList<>(expected.nonEmptyCells());
        long start = System.nanoTime();
        long late = InMemoryVariant.run(
                orders,
                (windowStart, product, count, revenue) ->
                        emitted.add(new Object[] {windowStart, product, count, revenue}));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        orders = null;
        StatsVerifier verifier = new StatsVerifier(expected);
        for (Object[] row : emitted) {
            verifier.accept((Long) row[0], (String) row[1], (Long) row[2], (Double) row[3]);
        }
        Result result = late == 0 && verifier.isComplete()
                ? Result.ok(
                        FLOOR, 1, workload.orders(), elapsed, String.format(Locale.ROOT, "%,d results", emitted.size()))
                : Result.wrong(FLOOR, 1, workload.orders(), late + " late; " + verifier.problems());
        Progress.line(
                "%s: %s%s",
                FLOOR,
                result.status(),
                result.isOk()
                        ? String.format(
                                Locale.ROOT,
                                " in %.2f s, %,.0f records/s",
                                elapsed.toNanos() / 1e9,
                                result.recordsPerSecond())
                        : " – " + result.detail());
        return result;
    }
}
