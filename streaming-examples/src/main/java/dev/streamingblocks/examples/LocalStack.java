package dev.streamingblocks.examples;

import dev.streamingblocks.examples.cdc.ProductsTable;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
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
 * data ({@code postgres/}) live in the work directory and survive a restart; the ports are new on
 * every start. PostgreSQL has the {@code products} table of {@link ProductsTable} (created with its
 * seed rows if missing), ready for {@code Main cdc} to capture.
 */
public final class LocalStack implements AutoCloseable {

    public static final Path DEFAULT_WORK_DIRECTORY =
            Path.of(System.getProperty("user.home"), ".streaming-blocks", "local-stack");

    private final Path workDirectory;
    private final boolean wipe;
    private final boolean postgresEnabled;

    private EmbeddedKafkaCluster kafka;
    private EmbeddedSchemaRegistry registry;
    private EmbeddedPostgres postgres;

    private LocalStack(Builder builder) {
        this.workDirectory = builder.workDirectory.toAbsolutePath();
        this.wipe = builder.wipe;
        this.postgresEnabled = builder.postgres;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts PostgreSQL (if enabled), the registry and Kafka; on failure stops what started. */
    public synchronized LocalStack start() {
        if (kafka != null) {
            throw new IllegalStateException("LocalStack is already started");
        }
        try {
            if (wipe) {
                deleteRecursively(workDirectory);
            }
            Files.createDirectories(workDirectory.resolve("registry"));
            if (postgresEnabled) {
                Files.createDirectories(workDirectory.resolve("postgres"));
                postgres = EmbeddedPostgres.builder().setDataDirectory(workDirectory.resolve("postgres")).build().start();
                try (Connection connection = postgres.connect()) {
                    ProductsTable.create(connection);
                }
            }
            registry = EmbeddedSchemaRegistry.builder()
                    .setStorageFile(workDirectory.resolve("registry").resolve("schemas.jsonl"))
                    .build();
            registry.start();
            kafka = EmbeddedKafkaCluster.builder().setDataDirectory(workDirectory.resolve("kafka")).build();
            kafka.start();
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("Could not prepare the local stack's work directory " + workDirectory, e);
        } catch (SQLException e) {
            close();
            throw new IllegalStateException("Could not create the '" + ProductsTable.TABLE + "' table in the local"
                    + " stack's PostgreSQL", e);
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

    /** The addresses, one per line, for people and other tools; no password. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("  Kafka bootstrap servers  ").append(bootstrapServers()).append('\n');
        out.append("  Schema registry          ").append(schemaRegistryUrl()).append('\n');
        if (hasPostgres()) {
            out.append("  PostgreSQL JDBC URL      ").append(jdbcUrl()).append("  (user ").append(jdbcUser())
                    .append(", password EmbeddedPostgres.DEFAULT_PASSWORD)\n");
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

    /** Builds a {@link LocalStack}; every property is optional. */
    public static final class Builder {

        private Path workDirectory = DEFAULT_WORK_DIRECTORY;
        private boolean wipe;
        private boolean postgres = true;

        Builder() {}

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
            return new LocalStack(this);
        }
    }
}
