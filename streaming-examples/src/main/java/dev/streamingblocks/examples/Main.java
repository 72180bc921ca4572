package dev.streamingblocks.examples;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.examples.cdc.ProductsCapture;
import dev.streamingblocks.examples.cdc.ProductsTable;
import dev.streamingblocks.examples.clients.OrderConsumer;
import dev.streamingblocks.examples.clients.OrderProducer;
import dev.streamingblocks.examples.clients.RuleProducer;
import dev.streamingblocks.examples.dashboard.Dashboard;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.internal.Args;
import dev.streamingblocks.examples.internal.ClientProperties;
import dev.streamingblocks.examples.internal.JobProgress;
import dev.streamingblocks.examples.internal.SavedJobState;
import dev.streamingblocks.examples.io.JobSink;
import dev.streamingblocks.examples.lake.LakeJobs;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.examples.quickstart.Quickstart;
import dev.streamingblocks.examples.sessions.SessionsJob;
import dev.streamingblocks.examples.sql.EnrichSql;
import dev.streamingblocks.examples.sql.OrderStatsSql;
import dev.streamingblocks.examples.sql.SessionsSql;
import dev.streamingblocks.examples.streams.LargeOrdersApp;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.kafka.admin.KafkaTopics;
import dev.streamingblocks.kafka.admin.TopicSpec;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import java.io.IOException;
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
 * {@code orders-to-lake},
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
              fraud         transactions -> the article's fraud rule -> 'fraud-alerts', exactly once (--lake: also Parquet)
              orders-to-lake  orders -> Parquet in <work-dir>/lake/orders/dt=.../hour=..., exactly once, hourly _SUCCESS
              sessions      page views (JSON) -> 30-minute sessions -> PostgreSQL user_sessions
              sessions-sql  the article's SQL (jdbc connector) -> PostgreSQL user_sessions
              enrich        orders joined with the versioned products table as of their event time -> 'orders-enriched'
              cdc           capture PostgreSQL's products table with Debezium into 'products-cdc' (Debezium JSON)
              produce       generate orders, transactions (with fraud bursts) or page views into Kafka
              consume       read Avro orders with manual offset commits
              large-orders  Kafka Streams: orders with revenue >= $1000 -> 'large-orders' (library Avro serdes)""";

    static final Set<String> PORT_OPTIONS = Set.of("--kafka-port", "--registry-port", "--postgres-port");
    static final Set<String> STACK_OPTIONS = union(Set.of("--work-dir"), PORT_OPTIONS);
    static final Set<String> JOB_OPTIONS = union(
            Set.of(
                    "--bootstrap-servers",
                    "--schema-registry-url",
                    "--jdbc-url",
                    "--jdbc-user",
                    "--jdbc-password",
                    "--checkpoint-interval",
                    "--checkpoint-dir",
                    "--parallelism",
                    "--group-id",
                    "--work-dir",
                    "--web-ui-port",
                    "--dashboard-port",
                    "--model",
                    "--model-threshold",
                    "--format",
                    "--rules",
                    "--rules-topic",
                    "--evaluation"),
            PORT_OPTIONS,
            ClientProperties.KAFKA_OPTIONS,
            ClientProperties.REGISTRY_OPTIONS);

    static final String PORT_HELP =
            """
              --kafka-port PORT               the local stack's Kafka port (default %d; 0 picks a free one)
              --registry-port PORT            the local stack's schema registry port (default %d; 0: free)
              --postgres-port PORT            the local stack's PostgreSQL port (default %d; 0: free)""".formatted(LocalStack.KAFKA_PORT, LocalStack.REGISTRY_PORT, LocalStack.POSTGRES_PORT);

    static final String JOB_HELP =
            """
              --bootstrap-servers HOST:PORT   Kafka to use; without it a local stack starts in this JVM
              --schema-registry-url URL       registry for Avro orders (default: the local stack's)
              --jdbc-url URL                  PostgreSQL for sessions (default: the local stack's)
              --jdbc-user USER                PostgreSQL user; --jdbc-password or the PGPASSWORD variable for its password
              --checkpoint-interval DURATION  e.g. 10s (default 10s); results commit with each checkpoint
              --checkpoint-dir URI            durable checkpoint storage, e.g. file:///tmp/cp (default: JobManager memory)
              --parallelism N                 default 2
              --group-id ID                   Kafka consumer group (default: the command name)
              --format confluent|avro         fraud: Confluent wire format with the registry (default) or plain Avro
              --rules tumbling,sliding        fraud: the article's rules to start with (default both)
              --rules-topic NAME|none         fraud: rule changes at run time (default fraud-rules; bad records and
                                              refused rules go to fraud-rules-dlq)
              --model FILE.onnx|builtin       fraud: also score every transaction with this ONNX model (builtin:
                                              the shipped one) and alert MODEL_SCORE with score and version
              --model-threshold P             fraud: alert when the model's score is over P (default 0.5)
              --evaluation at-watermark|on-arrival
                                              fraud: evaluate when the watermark passes a transaction (default;
                                              a user's may arrive out of order) or as it arrives (alerts about
                                              5 s sooner; a user's transactions must arrive in order)
            %s
            %s
              --web-ui-port PORT              the local MiniCluster's Flink web UI and REST port
                                              (default: a free port, printed; never the registry's 8081)
              --dashboard-port PORT           the live dashboard's port when running locally (default: a free
                                              port, printed); a fixed one lets an open page survive a restart
            %s
              --work-dir DIR                  the local stack's data directory; a local job also keeps its
                                              checkpoints and savepoints there (jobs/<command>/)
              --wipe                          delete the local stack's data first
              --lake                          fraud: also write the alerts as Parquet to <work-dir>/lake/fraud_alerts
              --from-scratch                  ignore the saved state of an earlier run: empty windows and
                                              sessions, reading from the earliest offsets again
              --help                          this text

            A job running locally stops with a savepoint on Ctrl-C and, started again with the same
            command, resumes from its newest savepoint or checkpoint, so no window loses what it read.""".formatted(ClientProperties.KAFKA_HELP, ClientProperties.REGISTRY_HELP, PORT_HELP);

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
                case "order-stats", "fraud", "sessions", "orders-to-lake" -> job(args[0], rest);
                case "order-stats-sql" -> OrderStatsSql.main(rest);
                case "sessions-sql" -> SessionsSql.main(rest);
                case "enrich" -> EnrichSql.main(rest);
                case "large-orders" -> LargeOrdersApp.main(rest);
                case "produce" -> produce(rest);
                case "consume" -> consume(rest);
                case "cdc" -> cdc(rest);
                default -> throw new IllegalArgumentException("Unknown command '" + args[0] + "'\n\n" + USAGE);
            }
        } catch (IllegalArgumentException | LocalStack.PortInUseException e) {
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
                    registry and PostgreSQL on the article's addresses (localhost:9092, http://localhost:8081,
                    localhost:5432); prints them and runs until Ctrl-C. Kafka's topics, the registry's schemas
                    and PostgreSQL's tables survive restarts in the work directory.
                      --work-dir DIR   data directory (default %s)
                      --wipe           delete the data directory first
                      --no-postgres    do not start PostgreSQL
                    %s
                      --help           this text""".formatted(LocalStack.DEFAULT_WORK_DIRECTORY, PORT_HELP));
            return;
        }
        LocalStack stack = stackBuilder(args)
                .setPostgres(!args.has("--no-postgres"))
                .build()
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stack.close();
                            stopped.countDown();
                        },
                        "local-stack-shutdown"));
        System.out.println("Local stack is up:");
        System.out.println(stack.describe());
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    static void job(String command, String[] rawArgs) throws Exception {
        Args args = Args.parse(
                command,
                rawArgs,
                JOB_OPTIONS,
                Set.of("--wipe", "--from-scratch", "--lake"),
                ClientProperties.REPEATABLE);
        if (args.has("--help")) {
            System.out.println("Usage: Main " + command + " [options]\n" + JOB_HELP);
            return;
        }
        if (!command.equals("fraud") && (args.has("--model") || args.has("--model-threshold"))) {
            throw new IllegalArgumentException(command + ": --model and --model-threshold are options of fraud only");
        }
        for (String fraudOnly : List.of("--format", "--rules", "--rules-topic", "--evaluation")) {
            if (args.has(fraudOnly) && !command.equals("fraud")) {
                throw new IllegalArgumentException(command + ": " + fraudOnly + " is an option of fraud only");
            }
        }
        if (command.equals("fraud")) {
            // Checked before anything starts or is written.
            fraudConfluentFormat(args);
            fraudRules(args.get("--rules", "tumbling,sliding"));
            fraudEvaluation(args.get("--evaluation", "at-watermark"));
        }
        int parallelism = (int) args.getLong("--parallelism", 2, 1);
        Duration checkpointInterval = args.getDuration("--checkpoint-interval", Duration.ofSeconds(10));
        String groupId = args.get("--group-id", command);
        Map<String, String> kafkaProperties = ClientProperties.kafka(args);
        Map<String, String> registryProperties = ClientProperties.registry(args);
        LocalStack stack = null;
        Dashboard dashboard = null;
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
                long registryPort = args.getLong("--registry-port", LocalStack.REGISTRY_PORT, 0);
                if (webUiPort != null && webUiPort == registryPort) {
                    throw new IllegalArgumentException(command + ": --web-ui-port " + webUiPort
                            + " is the local stack's schema registry port; choose another (Flink's usual 8081 is"
                            + " the registry's here)");
                }
                stack = stackBuilder(args)
                        .setPostgres(command.equals("sessions"))
                        .build()
                        .start();
                bootstrap = stack.bootstrapServers();
                registryUrl = args.get("--schema-registry-url").orElse(stack.schemaRegistryUrl());
                jdbcUrl = stack.hasPostgres() ? stack.jdbcUrl() : null;
                jdbcUser = stack.hasPostgres() ? stack.jdbcUser() : null;
                jdbcPassword = stack.hasPostgres() ? stack.jdbcPassword() : null;
                createTopics(stack, command);
            }
            // Under `flink run` the cluster owns checkpoints and savepoints (`flink stop`, `flink run -s`).
            boolean local = webUiPort != null
                    || StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment;
            if (local && webUiPort == null) {
                // Also against existing infrastructure: the progress line reads the MiniCluster's REST API.
                webUiPort = LocalStack.freePort();
            }
            System.out.println(startupSummary(command, stack, bootstrap, registryUrl, jdbcUrl, webUiPort));
            if (local) {
                dashboard = dashboard(args, bootstrap, kafkaProperties, webUiPort, jdbcUrl, jdbcUser, jdbcPassword);
                System.out.println("Dashboard: " + dashboard.url());
            }
            Configuration conf = new Configuration();
            conf.set(PipelineOptions.GENERIC_TYPES, false);
            boolean fromScratch = args.has("--from-scratch");
            SavedJobState saved = null;
            if (local) {
                saved = SavedJobState.of(workDirectory(args), command);
                Optional<Path> resumeFrom = saved.configure(conf, fromScratch);
                System.out.println(resumeFrom
                        .map(path -> "Resuming " + command + " from " + path + " (--from-scratch starts without it)")
                        .orElse(
                                fromScratch
                                        ? "Starting " + command + " from scratch: saved state deleted,"
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
            StartingOffsets start =
                    fromScratch ? StartingOffsets.earliest() : TypedKafkaSource.DEFAULT_STARTING_OFFSETS;
            switch (command) {
                case "order-stats" ->
                    new OrderStatsJob(
                                    OrderStatsJob.kafkaOrders(
                                            bootstrap,
                                            registryConfig(command, registryUrl, registryProperties),
                                            groupId,
                                            start,
                                            kafkaProperties),
                                    OrderStatsJob.kafkaOrderStats(
                                            bootstrap,
                                            OrderStatsJob.ORDER_STATS_TOPIC,
                                            OrderStatsJob.ORDER_STATS_DEAD_LETTER_TOPIC,
                                            command,
                                            kafkaProperties))
                            .attach(env);
                case "fraud" -> {
                    Map<String, String> registry = fraudConfluentFormat(args)
                            ? registryConfig(command, registryUrl, registryProperties)
                            : null;
                    String rulesTopic = args.get("--rules-topic", FraudJob.RULES_TOPIC);
                    JobSink<Alert> kafka = FraudJob.kafkaAlerts(
                            bootstrap,
                            FraudJob.ALERTS_TOPIC,
                            FraudJob.ALERTS_DEAD_LETTER_TOPIC,
                            command,
                            kafkaProperties,
                            registry);
                    JobSink<Alert> lake = args.has("--lake")
                            ? LakeJobs.lakeAlerts(lakeDirectory(args), bootstrap, kafkaProperties)
                            : stream -> {};
                    FraudJob fraud = new FraudJob(
                            FraudJob.kafkaTransactions(bootstrap, groupId, start, kafkaProperties, registry),
                            rulesTopic.equals("none")
                                    ? null
                                    : FraudJob.kafkaRuleUpdates(
                                            bootstrap, rulesTopic, groupId, kafkaProperties, registry),
                            stream -> {
                                kafka.attach(stream);
                                lake.attach(stream);
                            },
                            fraudRules(args.get("--rules", "tumbling,sliding")));
                    fraud.withEvaluation(fraudEvaluation(args.get("--evaluation", "at-watermark")));
                    fraud.withSideOutputs(FraudJob.kafkaSideOutputs(
                            bootstrap,
                            rulesTopic.equals("none") ? null : rulesTopic,
                            command,
                            kafkaProperties,
                            registry));
                    double threshold = args.get("--model-threshold")
                            .map(Double::parseDouble)
                            .orElse(FraudJob.DEFAULT_MODEL_THRESHOLD);
                    args.get("--model")
                            .ifPresent(model -> fraud.withModelRule(
                                    model.equals("builtin")
                                            ? FraudJob.shippedModelRule(threshold)
                                            : FraudJob.modelRule(java.nio.file.Path.of(model), threshold)));
                    fraud.attach(env);
                }
                case "orders-to-lake" ->
                    LakeJobs.ordersToLake(
                            env,
                            OrderStatsJob.kafkaOrders(
                                    bootstrap,
                                    registryConfig(command, registryUrl, registryProperties),
                                    groupId,
                                    start,
                                    kafkaProperties),
                            LakeJobs.lakeOrders(lakeDirectory(args), bootstrap, kafkaProperties));
                default ->
                    new SessionsJob(
                                    SessionsJob.kafkaPageViews(bootstrap, groupId, start, kafkaProperties),
                                    SessionsJob.postgresSessions(
                                            required(command, "--jdbc-url", jdbcUrl),
                                            required(command, "--jdbc-user", jdbcUser),
                                            required(command, "--jdbc-password (or PGPASSWORD)", jdbcPassword),
                                            PostgresSessionSink.DEFAULT_TABLE))
                            .attach(env);
            }
            if (command.equals("orders-to-lake") || args.has("--lake")) {
                boolean orders = command.equals("orders-to-lake");
                System.out.println("Writing Parquet under " + lakeDirectory(args) + "; query it with DuckDB: SELECT"
                        + (orders ? " count(*), sum(price * quantity)" : " alert_type, count(*)")
                        + " FROM read_parquet('"
                        + lakeDirectory(args).resolve(orders ? LakeJobs.ORDERS_TABLE : LakeJobs.FRAUD_ALERTS_TABLE)
                        + "/**/*.parquet', hive_partitioning = true)" + (orders ? "" : " GROUP BY alert_type"));
            }
            if (!local) {
                env.execute(command);
            } else {
                runLocally(env, command, webUiPort, PROGRESS_INTERVAL, saved);
            }
        } finally {
            if (dashboard != null) {
                dashboard.close();
            }
            if (stack != null) {
                stack.close();
            }
        }
    }

    /** The live page of the job's committed output and health (dev.streamingblocks.examples.dashboard). */
    private static Dashboard dashboard(
            Args args,
            String bootstrap,
            Map<String, String> kafkaProperties,
            int webUiPort,
            String jdbcUrl,
            String jdbcUser,
            String jdbcPassword)
            throws IOException {
        Dashboard.Builder builder = Dashboard.builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProperties(kafkaProperties)
                .setFlinkRestUrl("http://localhost:" + webUiPort)
                .setPort((int) args.getLong("--dashboard-port", 0, 0));
        if (jdbcUrl != null) {
            builder.setSessionsDatabase(jdbcUrl, jdbcUser, jdbcPassword, PostgresSessionSink.DEFAULT_TABLE);
        }
        return builder.build().start();
    }

    /**
     * What a user needs to watch and feed the job: the addresses it uses (the local stack's, or the
     * given ones), the Flink web UI of a local run, and the command that produces its input. The same
     * on the local stack and on existing infrastructure, so neither run is silent.
     */
    static String startupSummary(
            String command, LocalStack stack, String bootstrap, String registryUrl, String jdbcUrl, Integer webUiPort) {
        StringBuilder out = new StringBuilder();
        if (stack != null) {
            out.append("Local stack for ")
                    .append(command)
                    .append(":\n")
                    .append(stack.describe())
                    .append('\n');
        } else {
            out.append(command).append(" on existing infrastructure:\n");
            out.append("  Kafka bootstrap servers  ").append(bootstrap).append('\n');
            if (!command.equals("sessions") && registryUrl != null) {
                out.append("  Schema registry          ").append(registryUrl).append('\n');
            }
            if (command.equals("sessions") && jdbcUrl != null) {
                out.append("  PostgreSQL JDBC URL      ").append(jdbcUrl).append('\n');
            }
        }
        if (webUiPort != null) {
            out.append("  Flink web UI             http://localhost:")
                    .append(webUiPort)
                    .append('\n');
        }
        boolean orders = command.equals("order-stats") || command.equals("orders-to-lake");
        String type = orders ? "orders" : command.equals("fraud") ? "transactions" : "page-views";
        out.append("Feed it with: Main produce --type ").append(type);
        if (orders || command.equals("fraud") && registryUrl != null) {
            out.append(" --schema-registry-url ").append(registryUrl);
        }
        return out.append(" --bootstrap-servers ").append(bootstrap).toString();
    }

    /**
     * Runs a job on the local MiniCluster until it ends or the JVM is asked to stop (Ctrl-C, SIGTERM):
     * then it stops the job with a savepoint in {@code saved}, which the next start resumes from. With a
     * web UI it prints a progress line (records in and out per second, the current watermark) every
     * {@code interval}, so a user sees what an unbounded job is doing; on a real cluster the web UI and
     * metrics do that instead.
     */
    static void runLocally(
            StreamExecutionEnvironment env, String command, Integer webUiPort, Duration interval, SavedJobState saved)
            throws Exception {
        JobClient job = env.executeAsync(command);
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        CountDownLatch cleanedUp = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread stopper = new Thread(
                () -> {
                    stopping.set(true);
                    stopWithSavepoint(job, result, saved, cleanedUp);
                },
                command + "-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            JobProgress progress = webUiPort == null
                    ? null
                    : new JobProgress(
                            "http://localhost:" + webUiPort, job.getJobID().toString());
            long start = System.nanoTime();
            System.out.println(
                    "Job " + command + " (" + job.getJobID() + ") is running; Ctrl-C stops it with a" + " savepoint.");
            while (!result.isDone()) {
                try {
                    result.get(interval.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    String line = progress == null ? "" : progress.line();
                    if (!line.isEmpty()) {
                        System.out.printf(
                                Locale.ROOT, "[%6.0fs] %s | %s%n", (System.nanoTime() - start) / 1e9, command, line);
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

    private static void stopWithSavepoint(
            JobClient job,
            CompletableFuture<JobExecutionResult> result,
            SavedJobState saved,
            CountDownLatch cleanedUp) {
        if (result.isDone()) {
            return;
        }
        System.out.println("Stopping " + job.getJobID() + " with a savepoint in " + saved.savepoints() + " ...");
        try {
            String path = job.stopWithSavepoint(
                            false, saved.savepoints().toUri().toString(), SavepointFormatType.CANONICAL)
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
        Args args = Args.parse(
                "produce",
                rawArgs,
                union(
                        Set.of(
                                "--bootstrap-servers",
                                "--schema-registry-url",
                                "--type",
                                "--topic",
                                "--count",
                                "--rate",
                                "--seed",
                                "--fraud-every",
                                "--format",
                                "--rule",
                                "--delete-rule"),
                        ClientProperties.KAFKA_OPTIONS,
                        ClientProperties.REGISTRY_OPTIONS),
                Set.of(),
                ClientProperties.REPEATABLE);
        if (args.has("--help")) {
            System.out.println("""
                    Usage: Main produce --bootstrap-servers HOST:PORT [options]
                    Sends deterministic generated records with a delivery report for each.
                      --type orders|transactions|page-views|rules   what to generate (default orders)
                      --schema-registry-url URL   required for orders, transactions and rules in the
                                       Confluent wire format (the default --format confluent; avro: plain)
                      --rule JSON      rules: one fraud rule in Avro's JSON encoding, every field, e.g.
                                       {"rule_id":"vip","alert_type":"VIP","window_kind":"SLIDING",
                                        "amount_threshold":5000.0,"min_count":2,"window_millis":300000,"deleted":false}
                      --delete-rule ID rules: remove the rule with this id
                      --topic NAME     default: orders, transactions or page-views
                      --count N        how many (default %d); 0 runs until Ctrl-C
                      --rate N         records per second (default: as fast as possible)
                      --seed S         the same seed gives the same records (default %d)
                      --fraud-every N  transactions: a burst of 3 over $1000 every N records (default 100; 0 never)
                    %s
                    %s
                      --help           this text""".formatted(
                            OrderProducer.DEFAULT_COUNT,
                            OrderProducer.DEFAULT_SEED,
                            ClientProperties.KAFKA_HELP,
                            ClientProperties.REGISTRY_HELP));
            return;
        }
        if (args.get("--type", "orders").equals("rules")) {
            RuleProducer.send(
                    required(
                            "produce",
                            "--bootstrap-servers",
                            args.get("--bootstrap-servers").orElse(null)),
                    fraudConfluentFormat(args)
                            ? required(
                                    "produce",
                                    "--schema-registry-url",
                                    args.get("--schema-registry-url").orElse(null))
                            : null,
                    args.get("--topic", FraudJob.RULES_TOPIC),
                    args.get("--rule").orElse(null),
                    args.get("--delete-rule").orElse(null),
                    ClientProperties.kafka(args),
                    ClientProperties.registry(args),
                    System.out);
            return;
        }
        OrderProducer.Kind kind = OrderProducer.Kind.parse(args.get("--type", "orders"));
        if (kind == OrderProducer.Kind.TRANSACTIONS && fraudConfluentFormat(args)) {
            required(
                    "produce",
                    "--schema-registry-url (or --format avro)",
                    args.get("--schema-registry-url").orElse(null));
        }
        OrderProducer.builder()
                .setBootstrapServers(required(
                        "produce",
                        "--bootstrap-servers",
                        args.get("--bootstrap-servers").orElse(null)))
                .setSchemaRegistryUrl(
                        kind == OrderProducer.Kind.TRANSACTIONS && !fraudConfluentFormat(args)
                                ? null
                                : args.get("--schema-registry-url").orElse(null))
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
        Args args = Args.parse(
                "consume",
                rawArgs,
                union(
                        Set.of(
                                "--bootstrap-servers",
                                "--schema-registry-url",
                                "--topic",
                                "--group-id",
                                "--max",
                                "--idle-timeout"),
                        ClientProperties.KAFKA_OPTIONS,
                        ClientProperties.REGISTRY_OPTIONS),
                Set.of(),
                ClientProperties.REPEATABLE);
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
                      --help                  this text""".formatted(ClientProperties.KAFKA_HELP, ClientProperties.REGISTRY_HELP));
            return;
        }
        new OrderConsumer(
                        required(
                                "consume",
                                "--bootstrap-servers",
                                args.get("--bootstrap-servers").orElse(null)),
                        required(
                                "consume",
                                "--schema-registry-url",
                                args.get("--schema-registry-url").orElse(null)),
                        args.get("--topic", OrderStatsJob.ORDERS_TOPIC),
                        args.get("--group-id", "order-reader"),
                        ClientProperties.kafka(args),
                        ClientProperties.registry(args))
                .consume(
                        args.getLong("--max", 0, 0),
                        args.getDuration("--idle-timeout", Duration.ofSeconds(30)),
                        System.out);
    }

    static void cdc(String[] rawArgs) throws InterruptedException {
        Args args = Args.parse(
                "cdc",
                rawArgs,
                union(
                        Set.of(
                                "--bootstrap-servers",
                                "--jdbc-url",
                                "--jdbc-user",
                                "--jdbc-password",
                                "--topic",
                                "--name",
                                "--work-dir"),
                        ClientProperties.KAFKA_OPTIONS),
                Set.of(),
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
                      --help           this text""".formatted(
                            ProductsTable.TABLE,
                            ProductsCapture.DEFAULT_TOPIC,
                            ProductsCapture.DEFAULT_NAME,
                            LocalStack.DEFAULT_WORK_DIRECTORY,
                            ClientProperties.KAFKA_HELP));
            return;
        }
        String bootstrap = required(
                "cdc", "--bootstrap-servers", args.get("--bootstrap-servers").orElse(null));
        String topic = args.get("--topic", ProductsCapture.DEFAULT_TOPIC);
        String name = args.get("--name", ProductsCapture.DEFAULT_NAME);
        Map<String, String> kafkaProperties = ClientProperties.kafka(args);
        KafkaTopics.Builder admin = KafkaTopics.builder().setBootstrapServers(bootstrap);
        kafkaProperties.forEach(admin::setProperty);
        try (KafkaTopics topics = admin.build()) {
            // One partition keeps every product's changes in commit order; the history is the versioned table.
            topics.ensureTopics(List.of(TopicSpec.builder(topic)
                    .setPartitions(1)
                    .setConfig("retention.ms", "-1")
                    .build()));
        }
        Path offsets = workDirectory(args).resolve("cdc").resolve(name + ".offsets");
        ProductsCapture capture = ProductsCapture.builder()
                .setBootstrapServers(bootstrap)
                .setTopic(topic)
                .setJdbcUrl(required("cdc", "--jdbc-url", args.get("--jdbc-url").orElse(null)))
                .setUser(required("cdc", "--jdbc-user", args.get("--jdbc-user").orElse(null)))
                .setPassword(required(
                        "cdc",
                        "--jdbc-password (or PGPASSWORD)",
                        args.get("--jdbc-password").orElse(System.getenv("PGPASSWORD"))))
                .setName(name)
                .setOffsetsFile(offsets)
                .setKafkaProperties(kafkaProperties)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            capture.close();
                            System.out.println("Capture stopped; offsets kept in " + offsets);
                            stopped.countDown();
                        },
                        "cdc-shutdown"));
        capture.start();
        System.out.println("Capturing '" + ProductsTable.TABLE + "' into '" + topic + "' (offsets in " + offsets
                + "); Ctrl-C stops it.");
        long start = System.nanoTime();
        while (!stopped.await(PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
            if (capture.stopped() && capture.failure() != null) {
                System.err.println("The capture failed: " + capture.failure());
                System.exit(1);
            }
            System.out.printf(
                    Locale.ROOT,
                    "[%6.0fs] cdc | changes written %d, tombstones %d%n",
                    (System.nanoTime() - start) / 1e9,
                    capture.written(),
                    capture.tombstones());
        }
    }

    private static LocalStack.Builder stackBuilder(Args args) {
        return LocalStack.builder()
                .setWorkDirectory(workDirectory(args))
                .setWipe(args.has("--wipe"))
                .setKafkaPort((int) args.getLong("--kafka-port", LocalStack.KAFKA_PORT, 0))
                .setRegistryPort((int) args.getLong("--registry-port", LocalStack.REGISTRY_PORT, 0))
                .setPostgresPort((int) args.getLong("--postgres-port", LocalStack.POSTGRES_PORT, 0));
    }

    /** {@code <work-dir>/lake}: one directory per table. */
    private static Path lakeDirectory(Args args) {
        return workDirectory(args).resolve(LakeJobs.LAKE_DIRECTORY);
    }

    private static Path workDirectory(Args args) {
        return args.get("--work-dir").map(Path::of).orElse(LocalStack.DEFAULT_WORK_DIRECTORY);
    }

    /** Idempotent: the local stack keeps its topics between runs. */
    private static void createTopics(LocalStack stack, String command) {
        List<String> names = switch (command) {
            case "order-stats" ->
                List.of(
                        OrderStatsJob.ORDERS_TOPIC,
                        OrderStatsJob.ORDER_STATS_TOPIC,
                        OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC,
                        OrderStatsJob.ORDER_STATS_DEAD_LETTER_TOPIC);
            case "fraud" ->
                List.of(
                        FraudJob.TRANSACTIONS_TOPIC,
                        FraudJob.ALERTS_TOPIC,
                        FraudJob.DEAD_LETTER_TOPIC,
                        FraudJob.ALERTS_DEAD_LETTER_TOPIC,
                        FraudJob.RULES_TOPIC,
                        FraudJob.RULES_DEAD_LETTER_TOPIC,
                        FraudJob.LATE_TRANSACTIONS_TOPIC,
                        LakeJobs.FRAUD_ALERTS_DEAD_LETTER_TOPIC);
            case "orders-to-lake" ->
                List.of(
                        OrderStatsJob.ORDERS_TOPIC,
                        OrderStatsJob.ORDERS_DEAD_LETTER_TOPIC,
                        LakeJobs.ORDERS_DEAD_LETTER_TOPIC);
            default -> List.of(SessionsJob.PAGE_VIEWS_TOPIC, SessionsJob.DEAD_LETTER_TOPIC);
        };
        try (KafkaTopics topics = KafkaTopics.builder()
                .setBootstrapServers(stack.bootstrapServers())
                .build()) {
            topics.ensureTopics(names.stream()
                    .map(name -> TopicSpec.builder(name)
                            .setPartitions(LOCAL_PARTITIONS)
                            .setConfig("retention.ms", "-1")
                            .build())
                    .toList());
        }
    }

    static boolean fraudConfluentFormat(Args args) {
        String format = args.get("--format", "confluent");
        if (!format.equals("confluent") && !format.equals("avro")) {
            throw new IllegalArgumentException(
                    args.command() + ": --format must be confluent or avro, was '" + format + "'");
        }
        return format.equals("confluent");
    }

    static FraudDetection.Evaluation fraudEvaluation(String name) {
        return switch (name.trim()) {
            case "at-watermark" -> FraudDetection.Evaluation.AT_WATERMARK;
            case "on-arrival" -> FraudDetection.Evaluation.ON_ARRIVAL;
            default ->
                throw new IllegalArgumentException(
                        "fraud: --evaluation takes at-watermark or on-arrival, was '" + name + "'");
        };
    }

    static List<FraudRule> fraudRules(String names) {
        List<FraudRule> rules = new java.util.ArrayList<>();
        for (String name : names.split(",")) {
            rules.add(
                    switch (name.trim()) {
                        case "tumbling" -> FraudRules.articleRule();
                        case "sliding" -> FraudRules.articleSlidingRule();
                        default ->
                            throw new IllegalArgumentException("fraud: --rules takes tumbling and/or sliding"
                                    + " (comma-separated), was '" + names + "'");
                    });
        }
        return rules;
    }

    private static Map<String, String> registryConfig(
            String command, String registryUrl, Map<String, String> registryProperties) {
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
