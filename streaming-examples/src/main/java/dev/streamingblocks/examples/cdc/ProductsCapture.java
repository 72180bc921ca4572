package dev.streamingblocks.examples.cdc;

import dev.streamingblocks.examples.sql.EnrichSql;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Captures the {@code products} table of PostgreSQL with Debezium's PostgreSQL connector
 * ({@code pgoutput}) in Debezium's embedded engine, and writes each change to one Kafka topic in
 * Debezium's JSON envelope (schemas disabled, what Flink SQL's {@code debezium-json} reads), keyed by
 * the primary key ({@code {"id":"prod-1"}}), with a tombstone after each delete.
 *
 * <pre>{@code
 * try (ProductsCapture capture = ProductsCapture.builder()
 *         .setBootstrapServers("localhost:9092").setTopic("products-cdc")
 *         .setJdbcUrl("jdbc:postgresql://localhost:5432/analytics").setUser("analytics").setPassword(password)
 *         .setOffsetsFile(Path.of("cdc/offsets.dat"))
 *         .build().start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Required: bootstrap servers, JDBC URL, user, password, offsets file. The user needs the
 * {@code REPLICATION} attribute and must own the table (Debezium creates the publication
 * {@code <name>} for it and the logical replication slot {@code <name>}). The first start takes a
 * snapshot of the table (each row an {@code r} event), then streams inserts, updates and deletes.
 *
 * <p><b>Delivery.</b> A batch of changes is written to Kafka (idempotent producer, {@code acks=all}),
 * and only when Kafka has acknowledged all of it are the batch's offsets (its position in
 * PostgreSQL's log) written to the offsets file and confirmed to the replication slot, which keeps the
 * WAL until then. So no change is lost: a failure before the acknowledgement leaves the offsets where
 * they were, and the next start streams the batch again. A clean stop ({@link #close()}, Ctrl-C)
 * repeats nothing: the next start continues after the last change written. A hard kill between
 * Kafka's acknowledgement and the offsets write repeats at most that one batch: the repeated records
 * carry the same {@code source.lsn} and {@code source.ts_ms}, so {@code LatestVersionJoin} skips them
 * by LSN and Flink SQL's versioned table rewrites a version with itself. A failed write to Kafka stops
 * the capture with the error (see {@link #failure()}); its restart continues from the offsets.
 *
 * <p>Passwords never reach logs or {@link #toString()}; Debezium prints its own settings with the
 * password masked.
 */
public final class ProductsCapture implements AutoCloseable {

    public static final String DEFAULT_TOPIC = EnrichSql.PRODUCTS_TOPIC;
    /** Names the replication slot, the publication and Debezium's engine: a lower-case SQL identifier. */
    public static final String DEFAULT_NAME = "products_capture";
    /** Debezium's topic prefix; it names the events' {@code source.name}, we write to {@link #DEFAULT_TOPIC}. */
    public static final String TOPIC_PREFIX = "shop";

    private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?/([^?]+).*");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Builder config;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong tombstones = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private KafkaProducer<byte[], byte[]> producer;
    private DebeziumEngine<ChangeEvent<String, String>> engine;
    private ExecutorService executor;
    private Future<?> running;

    private ProductsCapture(Builder config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the engine in a thread of its own; returns at once. */
    public synchronized ProductsCapture start() {
        if (engine != null) {
            throw new IllegalStateException("ProductsCapture is already started");
        }
        try {
            Files.createDirectories(config.offsetsFile.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the directory of " + config.offsetsFile, e);
        }
        Map<String, Object> producerConfig = new LinkedHashMap<>(config.kafkaProperties);
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(producerConfig);
        engine = DebeziumEngine.create(Json.class)
                .using(debeziumProperties())
                .notifying(this::handleBatch)
                .using((success, message, error) -> {
                    if (!success) {
                        failure.compareAndSet(null, error != null ? error : new IllegalStateException(message));
                    }
                })
                .build();
        executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "debezium-" + config.name));
        running = executor.submit(engine);
        return this;
    }

    /** The Debezium settings; the password is in them, so they are never printed. */
    Properties debeziumProperties() {
        Matcher url = JDBC_URL.matcher(config.jdbcUrl);
        if (!url.matches()) {
            throw new IllegalArgumentException(
                    "jdbcUrl must look like jdbc:postgresql://HOST[:PORT]/DATABASE, but was " + config.jdbcUrl);
        }
        Properties p = new Properties();
        p.setProperty("name", config.name);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty(
                "offset.storage.file.filename",
                config.offsetsFile.toAbsolutePath().toString());
        // Offsets are written after every batch that Kafka acknowledged, not on a timer.
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("database.hostname", url.group(1));
        p.setProperty("database.port", url.group(2) == null ? "5432" : url.group(2));
        p.setProperty("database.dbname", url.group(3));
        p.setProperty("database.user", config.user);
        p.setProperty("database.password", config.password);
        p.setProperty("topic.prefix", TOPIC_PREFIX);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", config.name);
        p.setProperty("publication.name", config.name);
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", "public." + ProductsTable.TABLE);
        p.setProperty("snapshot.mode", "initial");
        // NUMERIC as "12.50": exact, and readable without the schema (the default is base64 bytes).
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("tombstones.on.delete", "true");
        p.setProperty("converter.schemas.enable", "false");
        p.setProperty("key.converter.schemas.enable", "false");
        p.setProperty("value.converter.schemas.enable", "false");
        return p;
    }

    private void handleBatch(
            List<ChangeEvent<String, String>> records,
            DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
            throws InterruptedException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        for (ChangeEvent<String, String> record : records) {
            sent.add(producer.send(new ProducerRecord<>(config.topic, bytes(record.key()), bytes(record.value()))));
        }
        producer.flush();
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get();
            } catch (ExecutionException e) {
                // Nothing of this batch is marked processed, so its offsets stay where they were.
                throw new IllegalStateException(
                        "Could not write a change of '" + ProductsTable.TABLE + "' to '" + config.topic
                                + "'; the capture stops and its next start writes the batch again",
                        e.getCause());
            }
        }
        for (ChangeEvent<String, String> record : records) {
            committer.markProcessed(record);
            if (record.value() == null) {
                tombstones.incrementAndGet();
            } else {
                written.incrementAndGet();
            }
        }
        committer.markBatchFinished();
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** Change events written and acknowledged so far (tombstones not counted). */
    public long written() {
        return written.get();
    }

    /** Tombstones written and acknowledged so far. */
    public long tombstones() {
        return tombstones.get();
    }

    /** Whether the engine has stopped (after {@link #close()}, or on an error: see {@link #failure()}). */
    public boolean stopped() {
        return running != null && running.isDone();
    }

    /** Why the engine stopped on its own, if it did. */
    public Throwable failure() {
        return failure.get();
    }

    /** Stops the engine (it writes the offsets of what Kafka acknowledged), then the producer. Idempotent. */
    @Override
    public synchronized void close() {
        Exception problem = null;
        if (engine != null && !stopped()) {
            try {
                engine.close();
            } catch (IOException e) {
                problem = e;
            } catch (IllegalStateException alreadyShutDown) {
                // it stopped on its own, on an error that failure() reports
            }
        }
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(STOP_TIMEOUT);
            producer = null;
        }
        if (problem != null) {
            throw new IllegalStateException("Could not stop the Debezium engine cleanly", problem);
        }
    }

    @Override
    public String toString() {
        return "ProductsCapture{name=" + config.name + ", jdbcUrl=" + config.jdbcUrl + ", user=" + config.user
                + ", topic=" + config.topic + ", offsetsFile=" + config.offsetsFile + "}";
    }

    /** Settings of a {@link ProductsCapture}; see the class Javadoc for which are required. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic = DEFAULT_TOPIC;
        private String jdbcUrl;
        private String user;
        private String password;
        private Path offsetsFile;
        private String name = DEFAULT_NAME;
        private Map<String, String> kafkaProperties = Map.of();

        Builder() {}

        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** The Kafka topic of the change events; default {@value #DEFAULT_TOPIC}. */
        public Builder setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder setJdbcUrl(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        public Builder setUser(String user) {
            this.user = user;
            return this;
        }

        /** Never printed. */
        public Builder setPassword(String password) {
            this.password = password;
            return this;
        }

        /** Where the engine keeps its position in PostgreSQL's log; keep it to continue after a restart. */
        public Builder setOffsetsFile(Path offsetsFile) {
            this.offsetsFile = offsetsFile;
            return this;
        }

        /** The slot, publication and engine name; default {@value #DEFAULT_NAME}. */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /** Kafka client settings (security...) for the producer; values never printed. */
        public Builder setKafkaProperties(Map<String, String> kafkaProperties) {
            this.kafkaProperties = Map.copyOf(kafkaProperties);
            return this;
        }

        /** @throws IllegalArgumentException naming the first property that is missing or wrong */
        public ProductsCapture build() {
            requireText(bootstrapServers, "bootstrapServers");
            requireText(topic, "topic");
            requireText(jdbcUrl, "jdbcUrl");
            if (!JDBC_URL.matcher(jdbcUrl).matches()) {
                throw new IllegalArgumentException(
                        "jdbcUrl must look like jdbc:postgresql://HOST[:PORT]/DATABASE, but was " + jdbcUrl);
            }
            requireText(user, "user");
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("password must be set (--jdbc-password or PGPASSWORD)");
            }
            Objects.requireNonNull(offsetsFile, "offsetsFile must be set");
            if (name == null || !IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException("name must be a lower-case SQL identifier (it names the"
                        + " replication slot), but was '" + name + "'");
            }
            return new ProductsCapture(this);
        }

        private static void requireText(String value, String property) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(property + " must not be blank");
            }
        }
    }
}
