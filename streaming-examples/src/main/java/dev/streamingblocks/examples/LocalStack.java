package dev.streamingblocks.examples;

import dev.streamingblocks.examples.cdc.ProductsTable;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The local stack: on loopback, with no Docker, a real Kafka broker (KRaft), the Confluent-compatible
 * schema registry and PostgreSQL, plus a Flink MiniCluster with its web UI for each job.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.builder().setWorkDirectory(Path.of("/tmp/stack")).build().start()) {
 *     String bootstrap = stack.bootstrapServers();
 *     StreamExecutionEnvironment env = LocalStack.flinkEnvironment(new Configuration(), LocalStack.freePort());
 * }
 * }</pre>
 *
 * <p>Nothing is required. Defaults: work directory {@link #DEFAULT_WORK_DIRECTORY}, kept between
 * runs ({@link Builder#setWipe(boolean)} deletes it first), PostgreSQL on. Kafka's metadata and
 * logs ({@code kafka/}), the registry's schemas ({@code registry/schemas.jsonl}) and PostgreSQL's
 * data ({@code postgres/}) live in the work directory and survive a restart. Ports are free ones,
 * new on every start, unless set: {@code Main} sets the article's {@link #KAFKA_PORT},
 * {@link #REGISTRY_PORT} and {@link #POSTGRES_PORT}, so the article's clients and a user's configs
 * reach the stack after every restart; tests keep the free ones. A set port that is taken fails
 * {@link #start()} with a {@link PortInUseException} before anything starts.
 * PostgreSQL has the {@code products} table of {@link ProductsTable} (created with its seed rows if
 * missing), ready for {@code Main cdc} to capture.
 */
public final class LocalStack implements AutoCloseable {

    public static final Path DEFAULT_WORK_DIRECTORY =
            Path.of(System.getProperty("user.home"), ".streaming-blocks", "local-stack");

    /** How often the local web UI's metrics (and so the dashboard's job health) are refreshed. */
    public static final Duration METRICS_REFRESH = Duration.ofSeconds(1);
    /** The article's Kafka address is {@code localhost:9092}. */
    public static final int KAFKA_PORT = 9092;

    /** The article's schema registry is {@code http://localhost:8081} (also Flink's default REST port). */
    public static final int REGISTRY_PORT = 8081;

    /** PostgreSQL's usual port. */
    public static final int POSTGRES_PORT = 5432;

    private final Path workDirectory;
    private final boolean wipe;
    private final boolean postgresEnabled;
    private final int kafkaPort;
    private final int registryPort;
    private final int postgresPort;

    private EmbeddedKafkaCluster kafka;
    private EmbeddedSchemaRegistry registry;
    private EmbeddedPostgres postgres;

    private LocalStack(Builder builder) {
        this.workDirectory = builder.workDirectory.toAbsolutePath();
        this.wipe = builder.wipe;
        this.postgresEnabled = builder.postgres;
        this.kafkaPort = builder.kafkaPort;
        this.registryPort = builder.registryPort;
        this.postgresPort = builder.postgresPort;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts PostgreSQL (if enabled), the registry and Kafka; on failure stops what started.
     *
     * @throws PortInUseException if a set port is taken, before anything starts
     */
    public synchronized LocalStack start() {
        if (kafka != null) {
            throw new IllegalStateException("LocalStack is already started");
        }
        requireFree("Kafka", kafkaPort, "--kafka-port");
        requireFree("the schema registry", registryPort, "--registry-port");
        if (postgresEnabled) {
            requireFree("PostgreSQL", postgresPort, "--postgres-port");
        }
        try {
            if (wipe) {
                deleteRecursively(workDirectory);
            }
            Files.createDirectories(workDirectory.resolve("registry"));
            if (postgresEnabled) {
                Files.createDirectories(workDirectory.resolve("postgres"));
                postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(workDirectory.resolve("postgres"))
                        .setPort(postgresPort)
                        .build()
                        .start();
                try (Connection connection = postgres.connect()) {
                    ProductsTable.create(connection);
                }
            }
            registry = EmbeddedSchemaRegistry.builder()
                    .setStorageFile(workDirectory.resolve("registry").resolve("schemas.jsonl"))
                    .setPort(registryPort)
                    .build();
            registry.start();
            kafka = EmbeddedKafkaCluster.builder()
                    .setDataDirectory(workDirectory.resolve("kafka"))
                    .setPort(kafkaPort)
                    .build();
            kafka.start();
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("Could not prepare the local stack's work directory " + workDirectory, e);
        } catch (SQLException e) {
            close();
            throw new IllegalStateException(
                    "Could not create the '" + ProductsTable.TABLE + "' table in the local" + " stack's PostgreSQL", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public Path workDirectory() {
        return workDirectory;
    }

    public EmbeddedKafkaCluster kafka() {
        return started(kafka, "Kafka");
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return started(registry, "the schema registry").url();
    }

    public String jdbcUrl() {
        return started(postgres, "PostgreSQL").jdbcUrl();
    }

    public String jdbcUser() {
        return started(postgres, "PostgreSQL").user();
    }

    /** The local PostgreSQL password; for the jobs this stack runs, never printed. */
    public String jdbcPassword() {
        return started(postgres, "PostgreSQL").password();
    }

    public boolean hasPostgres() {
        return postgres != null;
    }

    /**
     * The addresses, one per line, for people and other tools. The PostgreSQL password shown is the
     * stack's own fixed local one ({@link EmbeddedPostgres#DEFAULT_PASSWORD}), which a user needs for
     * {@code psql} or a JDBC tool; the stack takes no password from the user, so none can leak here.
     */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("  Kafka bootstrap servers  ").append(bootstrapServers()).append('\n');
        out.append("  Schema registry          ").append(schemaRegistryUrl()).append('\n');
        if (hasPostgres()) {
            out.append("  PostgreSQL JDBC URL      ")
                    .append(jdbcUrl())
                    .append("  (user ")
                    .append(jdbcUser())
                    .append(", password ")
                    .append(EmbeddedPostgres.DEFAULT_PASSWORD)
                    .append(")\n");
        }
        out.append("  Work directory           ").append(workDirectory);
        return out.toString();
    }

    /**
     * A local Flink environment (a MiniCluster) with the web UI on {@code webUiPort}, generic types
     * disabled so nothing falls back to Kryo.
     */
    public static StreamExecutionEnvironment flinkEnvironment(Configuration base, int webUiPort) {
        Configuration conf = new Configuration(base);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestOptions.PORT, webUiPort);
        // The web UI and the dashboard show metrics this fresh (Flink's default is every 10 s).
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, METRICS_REFRESH);
        return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free local port for the Flink web UI", e);
        }
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (AutoCloseable c : new AutoCloseable[] {kafka, registry, postgres}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Could not stop the local stack cleanly", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Fails with what to pass instead when {@code port} (not 0) cannot be bound on loopback. */
    private static void requireFree(String what, int port, String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new PortInUseException("Port " + port + " for " + what + " is already in use (" + e.getMessage()
                    + "); stop what holds it (another local stack?), or pass " + option
                    + " PORT with a free port (0 picks one).");
        }
    }

    private static <T> T started(T component, String what) {
        if (component == null) {
            throw new IllegalStateException(what + " is not running in this LocalStack (not started, or disabled)");
        }
        return component;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A port the stack was asked to use is taken; the message says which and what to pass instead. */
    public static final class PortInUseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }

    /** Builds a {@link LocalStack}; every property is optional. */
    public static final class Builder {

        private Path workDirectory = DEFAULT_WORK_DIRECTORY;
        private boolean wipe;
        private boolean postgres = true;
        private int kafkaPort;
        private int registryPort;
        private int postgresPort;

        Builder() {}

        /** Kafka's port; default 0, a free one on every start. */
        public Builder setKafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        /** The schema registry's port; default 0, a free one on every start. */
        public Builder setRegistryPort(int port) {
            this.registryPort = port;
            return this;
        }

        /** PostgreSQL's port; default 0, a free one on every start. */
        public Builder setPostgresPort(int port) {
            this.postgresPort = port;
            return this;
        }

        public Builder setWorkDirectory(Path workDirectory) {
            this.workDirectory = workDirectory;
            return this;
        }

        /** Deletes the work directory before starting, so the stack starts empty. */
        public Builder setWipe(boolean wipe) {
            this.wipe = wipe;
            return this;
        }

        /** Whether to run PostgreSQL (about 2 s to start); on by default. */
        public Builder setPostgres(boolean postgres) {
            this.postgres = postgres;
            return this;
        }

        public LocalStack build() {
            if (workDirectory == null) {
                throw new IllegalArgumentException("workDirectory must not be null");
            }
            checkPort("kafkaPort", kafkaPort);
            checkPort("registryPort", registryPort);
            checkPort("postgresPort", postgresPort);
            if (kafkaPort != 0 && (kafkaPort == registryPort || postgres && kafkaPort == postgresPort)
                    || registryPort != 0 && postgres && registryPort == postgresPort) {
                throw new IllegalArgumentException("kafkaPort, registryPort and postgresPort must differ, but were "
                        + kafkaPort + ", " + registryPort + " and " + postgresPort);
            }
            return new LocalStack(this);
        }

        private static void checkPort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be between 0 and 65535, but was " + port);
            }
        }
    }
}
