package dev.streamingblocks.examples;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.examples.cdc.ProductsCapture;
import dev.streamingblocks.examples.cdc.ProductsTable;
import dev.streamingblocks.examples.clients.OrderConsumer;
import dev.streamingblocks.examples.clients.OrderProducer;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.internal.Args;
import dev.streamingblocks.examples.internal.ClientProperties;
import dev.streamingblocks.examples.internal.JobProgress;
import dev.streamingblocks.examples.internal.SavedJobState;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.examples.quickstart.Quickstart;
import dev.streamingblocks.examples.sessions.SessionsJob;
import dev.streamingblocks.examples.sql.EnrichSql;
import dev.streamingblocks.examples.sql.OrderStatsSql;
import dev.streamingblocks.examples.sql.SessionsSql;
import dev.streamingblocks.kafka.admin.KafkaTopics;
import dev.streamingblocks.kafka.admin.TopicSpec;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The examples' single entry point: {@code Main <command> [options]}, each command with {@code --help}.
 *
 * <pre>{@code
 * java ... dev.streamingblocks.examples.Main local-stack --wipe
 * java ... dev.streamingblocks.examples.Main fraud --bootstrap-servers localhost:40123
 * java ... dev.streamingblocks.examples.Main produce --type transactions --bootstrap-servers localhost:40123
 * }</pre>
 *
 * <p>Commands: {@code quickstart}, {@code local-stack}, {@code order-stats}, {@code order-stats-sql}, {@code fraud},
 * {@code sessions}, {@code sessions-sql}, {@code enrich}, {@code produce}, {@code consume}, {@code cdc}. The DataStream
 * jobs run against the local stack (started in this JVM) unless {@code --bootstrap-servers} is given, and
 * then against that infrastructure; the SQL jobs ({@code dev.streamingblocks.examples.sql}) take the
 * addresses as options (see their {@code --help}).
 */
public final class Main {

    static final String USAGE = """
            Usage: Main <command> [options]    (Main <command> --help for its options)

            Commands:
              quickstart    the README's first command: embedded stack, generated orders, order-stats, verified results
              local-stack   start Kafka, the schema registry and PostgreSQL on loopback; print addresses; run until Ctrl-C
              order-stats   orders (Avro) -> per-product counts and revenue per minute -> 'order-stats' (upsert JSON)
              order-stats-sql  the same in the article's Flink SQL (avro-confluent in, upsert-kafka out)
              fraud         transactions -> the article's fraud rule -> 'fraud-alerts', exactly once
              sessions      page views (JSON) -> 30-minute sessions -> PostgreSQL user_sessions
              sessions-sql  the article's SQL (jdbc connector) -> PostgreSQL user_sessions
              enrich        orders joined with the versioned products table as of their event time -> 'orders-enriched'
              cdc           capture PostgreSQL's products table with Debezium into 'products-cdc' (Debezium JSON)
              produce       generate orders, transactions (with fraud bursts) or page views into Kafka
              consume       read Avro orders with manual offset commits""";

    static final Set<String> STACK_OPTIONS = Set.of("--work-dir");
    static final Set<String> JOB_OPTIONS = union(Set.of("--bootstrap-servers", "--schema-registry-url", "--jdbc-url",
            "--jdbc-user", "--jdbc-password", "--checkpoint-interval", "--checkpoint-dir", "--parallelism",
            "--group-id", "--work-dir", "--web-ui-port"), ClientProperties.KAFKA_OPTIONS,
            ClientProperties.REGISTRY_OPTIONS);

    static final String JOB_HELP = """
              --bootstrap-servers HOST:PORT   Kafka to use; without it a local stack starts in this JVM
              --schema-registry-url URL       registry for Avro orders (default: the local stack's)
              --jdbc-url URL                  PostgreSQL for sessions (default: the local stack's)
              --jdbc-user USER                PostgreSQL user; --jdbc-password or the PGPASSWORD variable for its password
              --checkpoint-interval DURATION  e.g. 10s (default 10s); results commit with each checkpoint
              --checkpoint-dir URI            durable checkpoint storage, e.g. file:///tmp/cp (default: JobManager memory)
              --parallelism N                 default 2
              --group-id ID                   Kafka consumer group (default: the command name)
            %s
            %s
              --web-ui-port PORT              run in a local MiniCluster with the Flink web UI on PORT
                                              (default with the local stack: a free port, printed)
              --work-dir DIR                  the local stack's data directory; a local job also keeps its
                                              checkpoints and savepoints there (jobs/<command>/)
              --wipe                          delete the local stack's data first
              --from-scratch                  ignore the saved state of an earlier run: empty windows and
                                              sessions, reading from the earliest offsets again
              --help                          this text

            A job running locally stops with a savepoint on Ctrl-C and, started again with the same
            command, resumes from its newest savepoint or checkpoint, so no window loses what it read."""
            .formatted(ClientProperties.KAFKA_HELP, ClientProperties.REGISTRY_HELP);

    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

    /** Partitions of the topics a job creates on the local stack. */
    static final int LOCAL_PARTITIONS = 3;

    /** How long Ctrl-C waits for the savepoint, and then for the local stack to stop. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(USAGE);
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "quickstart" -> Quickstart.main(rest);
                case "local-stack" -> localStack(rest);
                case "order-stats", "fraud", "sessions" -> job(args[0], rest);
                case "order-stats-sql" -> OrderStatsSql.main(rest);
                case "sessions-sql" -> SessionsSql.main(rest);
                case "enrich" -> EnrichSql.main(rest);
                case "produce" -> produce(rest);
                case "consume" -> consume(rest);
                case "cdc" -> cdc(rest);
                default -> throw new IllegalArgumentException("Unknown command '" + args[0] + "'\n\n" + USAGE);
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    static void localStack(String[] rawArgs) throws InterruptedException {
        Args args = Args.parse("local-stack", rawArgs, STACK_OPTIONS, Set.of("--wipe", "--no-postgres"));
        if (args.has("--help")) {
            System.out.println("""
                    Usage: Main local-stack [options]
                    Starts on loopback, with no Docker, a Kafka broker (KRaft), the Confluent-compatible schema
                    registry and PostgreSQL; prints their addresses and runs until Ctrl-C. Kafka's topics, the
                    registry's schemas and PostgreSQL's tables survive restarts in the work directory.
                      --work-dir DIR   data directory (default %s)
                      --wipe           delete the data directory first
                      --no-postgres    do not start PostgreSQL
                      --help           this text""".formatted(LocalStack.DEFAULT_WORK_DIRECTORY));
            return;
        }
        LocalStack stack = stackBuilder(args).setPostgres(!args.has("--no-postgres")).build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        System.out.println("Local stack is up:");
        System.out.println(stack.describe());
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    static void job(String command, String[] rawArgs) throws Exception {
        Args args = Args.parse(command, rawArgs, JOB_OPTIONS, Set.of("--wipe", "--from-scratch"),
                ClientProperties.REPEATABLE);
        if (args.has("--help")) {
            System.out.println("Usage: Main " + command + " [options]\n" + JOB_HELP);
            return;
        }
        int parallelism = (int) args.getLong("--parallelism", 2, 1);
        Duration checkpointInterval = args.getDuration("--checkpoint-interval", Duration.ofSeconds(10));
        String groupId = args.get("--group-id", command);
        Map<String, String> kafkaProperties = ClientProperties.kafka(args);
        Map<String, String> registryProperties = ClientProperties.registry(args);
        LocalStack stack = null;
        try {
            String bootstrap;
            String registryUrl;
            String jdbcUrl;
            String jdbcUser;
            String jdbcPassword;
            Integer webUiPort = args.get("--web-ui-port").map(Integer::parseInt).orElse(null);
            if (args.has("--bootstrap-servers")) {
                bootstrap = args.get("--bootstrap-servers").orElseThrow();
                registryUrl = args.get("--schema-registry-url").orElse(null);
                jdbcUrl = args.get("--jdbc-url").orElse(null);
                jdbcUser = args.get("--jdbc-user").orElse(null);
                jdbcPassword = args.get("--jdbc-password").orElse(System.getenv("PGPASSWORD"));
            } else {
                stack = stackBuilder(args).setPostgres(command.equals("sessions")).build().start();
                bootstrap = stack.bootstrapServers();
                registryUrl = args.get("--schema-registry-url").orElse(stack.schemaRegistryUrl());
                jdbcUrl = stack.hasPostgres() ? stack.jdbcUrl() : null;
                jdbcUser = stack.hasPostgres() ? stack.jdbcUser() : null;
                jdbcPassword = stack.hasPostgres() ? stack.jdbcPassword() : null;
                createTopics(stack, command);
                if (webUiPort == null) {
                    webUiPort = LocalStack.freePort();
                }
                System.out.println("Local stack for " + command + ":");
                System.out.println(stack.describe());
                System.out.println("  Flink web UI             http://localhost:" + webUiPort);
                System.out.println("Feed it with: Main produce --type "
                        + (command.equals("order-stats") ? "orders --schema-registry-url " + registryUrl
                                : command.equals("fraud") ? "transactions" : "page-views")
                        + " --bootstrap-servers " + bootstrap);
            }
            Configuration conf = new Configuration();
            conf.set(PipelineOptions.GENERIC_TYPES, false);
            // Under `flink run` the cluster owns checkpoints and savepoints (`flink stop`, `flink run -s`).
            boolean local = webUiPort != null
                    || StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment;
            boolean fromScratch = args.has("--from-scratch");
            SavedJobState saved = null;
            if (local) {
                saved = SavedJobState.of(workDirectory(args), command);
                Optional<Path> resumeFrom = saved.configure(conf, fromScratch);
                System.out.println(resumeFrom
                        .map(path -> "Resuming " + command + " from " + path
                                + " (--from-scratch starts without it)")
                        .orElse(fromScratch ? "Starting " + command + " from scratch: saved state deleted,"
                                + " reading from the earliest offsets"
                                : "Starting " + command + " without saved state; it is kept in "
                                        + saved.directory()));
            }
            args.get("--checkpoint-dir").ifPresent(dir -> conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir));
            StreamExecutionEnvironment env = webUiPort != null
                    ? LocalStack.flinkEnvironment(conf, webUiPort)
                    : StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(parallelism);
            env.enableCheckpointing(checkpointInterval.toMillis());
            StartingOffsets start = fromScratch ? StartingOffsets.earliest() : TypedKafkaSource.DEFAULT_STARTING_OFFSETS;
            switch (command) {
                case "order-stats" -> new OrderStatsJob(
                        OrderStatsJob.kafkaOrders(bootstrap, registryConfig(command, registryUrl, registryProperties),
                                groupId, start, kafkaProperties),
                        OrderStatsJob.kafkaOrderStats(bootstrap, OrderStatsJob.ORDER_STATS_TOPIC,
                                OrderStatsJob.ORDER_STATS_DEAD_LETTER_TOPIC, command, kafkaProperties))
                        .attach(env);
                case "fraud" -> new FraudJob(FraudJob.kafkaTransactions(bootstrap, groupId, start, kafkaProperties),
                        FraudJob.kafkaAlerts(bootstrap, FraudJob.ALERTS_TOPIC, FraudJob.ALERTS_DEAD_LETTER_TOPIC,
                                command, kafkaProperties)).attach(env);
                default -> new SessionsJob(SessionsJob.kafkaPageViews(bootstrap, groupId, start, kafkaProperties),
                        SessionsJob.postgresSessions(required(command, "--jdbc-url", jdbcUrl),
                                required(command, "--jdbc-user", jdbcUser),
                                required(command, "--jdbc-password (or PGPASSWORD)", jdbcPassword),
                                PostgresSessionSink.DEFAULT_TABLE)).attach(env);
            }
            if (!local) {
                env.execute(command);
            } else {
                runLocally(env, command, webUiPort, PROGRESS_INTERVAL, saved);
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    /**
     * Runs a job on the local MiniCluster until it ends or the JVM is asked to stop (Ctrl-C, SIGTERM):
     * then it stops the job with a savepoint in {@code saved}, which the next start resumes from. With a
     * web UI it prints a progress line (records in and out per second, the current watermark) every
     * {@code interval}, so a user sees what an unbounded job is doing; on a real cluster the web UI and
     * metrics do that instead.
     */
    static void runLocally(StreamExecutionEnvironment env, String command, Integer webUiPort, Duration interval,
            SavedJobState saved) throws Exception {
        JobClient job = env.executeAsync(command);
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        CountDownLatch cleanedUp = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread stopper = new Thread(() -> {
            stopping.set(true);
            stopWithSavepoint(job, result, saved, cleanedUp);
        }, command + "-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            JobProgress progress = webUiPort == null ? null
                    : new JobProgress("http://localhost:" + webUiPort, job.getJobID().toString());
            long start = System.nanoTime();
            System.out.println("Job " + command + " (" + job.getJobID() + ") is running; Ctrl-C stops it with a"
                    + " savepoint.");
            while (!result.isDone()) {
                try {
                    result.get(interval.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    String line = progress == null ? "" : progress.line();
                    if (!line.isEmpty()) {
                        System.out.printf(Locale.ROOT, "[%6.0fs] %s | %s%n",
                                (System.nanoTime() - start) / 1e9, command, line);
                    }
                }
            }
            result.get();
        } catch (ExecutionException e) {
            if (!stopping.get()) {
                throw e;
            }
        } finally {
            if (!stopping.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopper);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs and waits for the latch below
                }
            }
            cleanedUp.countDown();
        }
    }

    private static void stopWithSavepoint(JobClient job, CompletableFuture<JobExecutionResult> result,
            SavedJobState saved, CountDownLatch cleanedUp) {
        if (result.isDone()) {
            return;
        }
        System.out.println("Stopping " + job.getJobID() + " with a savepoint in " + saved.savepoints() + " ...");
        try {
            String path = job.stopWithSavepoint(false, saved.savepoints().toUri().toString(),
                            SavepointFormatType.CANONICAL)
                    .get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            System.out.println("Stopped with a savepoint at " + path + "; the same command resumes from it.");
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            System.out.println("Could not take a savepoint (" + cause + "); the next start resumes from the"
                    + " newest retained checkpoint in " + saved.checkpoints());
        }
        try {
            // Let the main thread close the local stack before the JVM halts.
            cleanedUp.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void produce(String[] rawArgs) throws InterruptedException {
        Args args = Args.parse("produce", rawArgs, union(Set.of("--bootstrap-servers", "--schema-registry-url", "--type",
                "--topic", "--count", "--rate", "--seed", "--fraud-every"), ClientProperties.KAFKA_OPTIONS,
                ClientProperties.REGISTRY_OPTIONS), Set.of(), ClientProperties.REPEATABLE);
        if (args.has("--help")) {
            System.out.println("""
                    Usage: Main produce --bootstrap-servers HOST:PORT [options]
                    Sends deterministic generated records with a delivery report for each.
                      --type orders|transactions|page-views   what to generate (default orders)
                      --schema-registry-url URL   required for orders (Avro, Confluent wire format)
                      --topic NAME     default: orders, transactions or page-views
                      --count N        how many (default %d); 0 runs until Ctrl-C
                      --rate N         records per second (default: as fast as possible)
                      --seed S         the same seed gives the same records (default %d)
                      --fraud-every N  transactions: a burst of 3 over $1000 every N records (default 100; 0 never)
                    %s
                    %s
                      --help           this text""".formatted(OrderProducer.DEFAULT_COUNT, OrderProducer.DEFAULT_SEED,
                    ClientProperties.KAFKA_HELP, ClientProperties.REGISTRY_HELP));
            return;
        }
        OrderProducer.Kind kind = OrderProducer.Kind.parse(args.get("--type", "orders"));
        OrderProducer.builder()
                .setBootstrapServers(required("produce", "--bootstrap-servers", args.get("--bootstrap-servers").orElse(null)))
                .setSchemaRegistryUrl(args.get("--schema-registry-url").orElse(null))
                .setKind(kind)
                .setTopic(args.get("--topic").orElse(null))
                .setCount(args.getLong("--count", OrderProducer.DEFAULT_COUNT, 0))
                .setRatePerSecond(args.getLong("--rate", 0, 0))
                .setSeed(args.getLong("--seed", OrderProducer.DEFAULT_SEED, Long.MIN_VALUE))
                .setFraudEvery((int) args.getLong("--fraud-every", 100, 0))
                .setKafkaProperties(ClientProperties.kafka(args))
                .setSchemaRegistryProperties(ClientProperties.registry(args))
                .build()
                .run(System.out);
    }

    static void consume(String[] rawArgs) {
        Args args = Args.parse("consume", rawArgs, union(Set.of("--bootstrap-servers", "--schema-registry-url", "--topic",
                "--group-id", "--max", "--idle-timeout"), ClientProperties.KAFKA_OPTIONS,
                ClientProperties.REGISTRY_OPTIONS), Set.of(), ClientProperties.REPEATABLE);
        if (args.has("--help")) {
            System.out.println("""
                    Usage: Main consume --bootstrap-servers HOST:PORT --schema-registry-url URL [options]
                    Reads Avro orders, printing each, committing offsets after each processed batch.
                      --topic NAME            default orders
                      --group-id ID           default order-reader
                      --max N                 stop after at least N orders (default 0: no limit)
                      --idle-timeout DURATION stop after this long without records (default 30s)
                    %s
                    %s
                      --help                  this text""".formatted(ClientProperties.KAFKA_HELP,
                    ClientProperties.REGISTRY_HELP));
            return;
        }
        new OrderConsumer(
                required("consume", "--bootstrap-servers", args.get("--bootstrap-servers").orElse(null)),
                required("consume", "--schema-registry-url", args.get("--schema-registry-url").orElse(null)),
                args.get("--topic", OrderStatsJob.ORDERS_TOPIC),
                args.get("--group-id", "order-reader"),
                ClientProperties.kafka(args),
                ClientProperties.registry(args))
                .consume(args.getLong("--max", 0, 0), args.getDuration("--idle-timeout", Duration.ofSeconds(30)),
                        System.out);
    }

    static void cdc(String[] rawArgs) throws InterruptedException {
        Args args = Args.parse("cdc", rawArgs, union(Set.of("--bootstrap-servers", "--jdbc-url", "--jdbc-user",
                "--jdbc-password", "--topic", "--name", "--work-dir"), ClientProperties.KAFKA_OPTIONS), Set.of(),
                ClientProperties.REPEATABLE);
        if (args.has("--help")) {
            System.out.println("""
                    Usage: Main cdc --bootstrap-servers HOST:PORT --jdbc-url URL --jdbc-user USER [options]
                    Captures PostgreSQL's '%s' table with Debezium (pgoutput; initial snapshot, then every
                    insert, update and delete) into a Kafka topic in Debezium's JSON envelope, keyed by id.
                    Runs until Ctrl-C, which stops it cleanly; started again it continues where it stopped.
                      --jdbc-password PASSWORD  or the PGPASSWORD variable (preferred); never printed
                      --topic NAME     default %s
                      --name NAME      replication slot and publication (default %s)
                      --work-dir DIR   keeps the capture's offsets in DIR/cdc/ (default %s)
                    %s
                      --help           this text""".formatted(ProductsTable.TABLE, ProductsCapture.DEFAULT_TOPIC,
                    ProductsCapture.DEFAULT_NAME, LocalStack.DEFAULT_WORK_DIRECTORY, ClientProperties.KAFKA_HELP));
            return;
        }
        String bootstrap = required("cdc", "--bootstrap-servers", args.get("--bootstrap-servers").orElse(null));
        String topic = args.get("--topic", ProductsCapture.DEFAULT_TOPIC);
        String name = args.get("--name", ProductsCapture.DEFAULT_NAME);
        Map<String, String> kafkaProperties = ClientProperties.kafka(args);
        KafkaTopics.Builder admin = KafkaTopics.builder().setBootstrapServers(bootstrap);
        kafkaProperties.forEach(admin::setProperty);
        try (KafkaTopics topics = admin.build()) {
            // One partition keeps every product's changes in commit order; the history is the versioned table.
            topics.ensureTopics(List.of(TopicSpec.builder(topic).setPartitions(1).setConfig("retention.ms", "-1")
                    .build()));
        }
        Path offsets = workDirectory(args).resolve("cdc").resolve(name + ".offsets");
        ProductsCapture capture = ProductsCapture.builder()
                .setBootstrapServers(bootstrap)
                .setTopic(topic)
                .setJdbcUrl(required("cdc", "--jdbc-url", args.get("--jdbc-url").orElse(null)))
                .setUser(required("cdc", "--jdbc-user", args.get("--jdbc-user").orElse(null)))
                .setPassword(required("cdc", "--jdbc-password (or PGPASSWORD)",
                        args.get("--jdbc-password").orElse(System.getenv("PGPASSWORD"))))
                .setName(name)
                .setOffsetsFile(offsets)
                .setKafkaProperties(kafkaProperties)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            capture.close();
            System.out.println("Capture stopped; offsets kept in " + offsets);
            stopped.countDown();
        }, "cdc-shutdown"));
        capture.start();
        System.out.println("Capturing '" + ProductsTable.TABLE + "' into '" + topic + "' (offsets in " + offsets
                + "); Ctrl-C stops it.");
        long start = System.nanoTime();
        while (!stopped.await(PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
            if (capture.stopped() && capture.failure() != null) {
                System.err.println("The capture failed: " + capture.failure());
                System.exit(1);
            }
            System.out.printf(Locale.ROOT, "[%6.0fs] cdc | changes written %d, tombstones %d%n",
                    (System.nanoTime() - start) / 1e9, capture.written(), capture.tombstones());
        }
    }

    private static LocalStack.Builder stackBuilder(Args args) {
        return LocalStack.builder().setWorkDirectory(workDirectory(args)).setWipe(args.has("--wipe"));
    }

    private static Path workDirectory(Args args) {
        return args.get("--work-dir").map(Path::of).orElse(LocalStack.DEFAULT_WORK_DIRECTORY);
    }

    /** Idempotent: the local stack keeps its topics between runs. */
    private static void createTopics(LocalStack stack, String command) {
        List<String> names = switch (command) {
            case "order-stats" -> List.of(OrderStatsJob.ORDERS_TOPIC, OrderStatsJob.ORDER_STATS_TOPIC,
                    OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC, OrderStatsJob.ORDER_STATS_DEAD_LETTER_TOPIC);
            case "fraud" -> List.of(FraudJob.TRANSACTIONS_TOPIC, FraudJob.ALERTS_TOPIC, FraudJob.DEAD_LETTER_TOPIC,
                    FraudJob.ALERTS_DEAD_LETTER_TOPIC);
            default -> List.of(SessionsJob.PAGE_VIEWS_TOPIC, SessionsJob.DEAD_LETTER_TOPIC);
        };
        try (KafkaTopics topics = KafkaTopics.builder().setBootstrapServers(stack.bootstrapServers()).build()) {
            topics.ensureTopics(names.stream()
                    .map(name -> TopicSpec.builder(name).setPartitions(LOCAL_PARTITIONS)
                            .setConfig("retention.ms", "-1").build())
                    .toList());
        }
    }

    private static Map<String, String> registryConfig(String command, String registryUrl,
            Map<String, String> registryProperties) {
        Map<String, String> config = new LinkedHashMap<>(registryProperties);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, required(command, "--schema-registry-url", registryUrl));
        return config;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }

    private static String required(String command, String option, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(command + ": " + option + " is required; try " + command + " --help");
        }
        return value;
    }
}
