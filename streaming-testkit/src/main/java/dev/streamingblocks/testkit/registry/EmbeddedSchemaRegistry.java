package dev.streamingblocks.testkit.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import dev.streamingblocks.testkit.registry.internal.CommandLine;
import dev.streamingblocks.testkit.registry.internal.RegistryHttpHandler;
import dev.streamingblocks.testkit.registry.internal.SchemaStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, Confluent-compatible schema registry for local runs and tests: Confluent Schema
 * Registry's REST API (subjects, versions, global schema ids, soft and permanent deletes,
 * compatibility checks and config) for Avro schemas, served on loopback by the JDK's HTTP server.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
 *         .setStorageFile(Path.of("target/registry.jsonl"))   // optional: survive restarts
 *         .build()) {
 *     registry.start();
 *     String url = registry.url();                          // "http://127.0.0.1:54321"
 *     // hand url to "schema.registry.url" of any Confluent-compatible client
 * }
 * }</pre>
 *
 * <p>Nothing is required: by default the registry listens on an ephemeral port, keeps its state
 * in memory, uses {@link CompatibilityLevel#BACKWARD} and needs no credentials. With {@link
 * Builder#setBasicAuth} every request must carry those credentials, or is answered 401. With {@link
 * Builder#setHttps} it serves HTTPS only, with the key and certificate of a PKCS12 key store.
 *
 * <p>Differences from Confluent's registry: only AVRO schemas (other {@code schemaType}s are
 * answered 422/42201); schema references, metadata and rule sets in requests are ignored; the mode
 * is always {@code READWRITE}; there are no contexts, tags or exporters.
 *
 * <h2>Storage file format</h2>
 *
 * <p>With a storage file every change is appended as one JSON object on its own line (UTF-8) and
 * forced to disk before the client gets its answer. On {@link #start()} the lines are replayed in
 * order, so subjects, versions, global ids (new ids continue after the highest), deletes and
 * config survive a restart. A torn last line from a crash is dropped; any other unreadable line
 * fails the start naming the file and line. One running registry holds the file (an exclusive
 * file lock): a second {@link #start()} on it fails until the first is closed. The events are:
 *
 * <pre>
 * {"op":"register","subject":"orders-value","version":1,"id":1,"schema":"{...canonical Avro JSON...}"}
 * {"op":"delete_subject","subject":"orders-value","permanent":false}
 * {"op":"delete_version","subject":"orders-value","version":1,"permanent":true}
 * {"op":"config","subject":"orders-value","compatibility":"FULL"}    (subject null = global)
 * {"op":"config","subject":"orders-value","compatibility":null}      (level removed / reset)
 * </pre>
 *
 * <p>Thread-safe. {@link #close()} is idempotent.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** Port 0 lets the operating system pick a free port. */
    public static final int DEFAULT_PORT = 0;

    public static final CompatibilityLevel DEFAULT_COMPATIBILITY = CompatibilityLevel.BACKWARD;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private static final String LOOPBACK = "127.0.0.1";
    private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";
    private static final int HTTP_THREADS = 4;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final int requestedPort;
    private final Path storageFile;
    private final CompatibilityLevel defaultCompatibility;
    private final String user;
    private final String password;
    private final Path keyStore;
    private final String keyStorePassword;

    private final Object lifecycle = new Object();
    private HttpServer server;
    private ExecutorService executor;
    private SchemaStore store;
    private RegistryHttpHandler handler;
    private boolean closed;

    private EmbeddedSchemaRegistry(Builder builder) {
        this.requestedPort = builder.port;
        this.storageFile = builder.storageFile;
        this.defaultCompatibility = builder.defaultCompatibility;
        this.user = builder.user;
        this.password = builder.password;
        this.keyStore = builder.keyStore;
        this.keyStorePassword = builder.keyStorePassword;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs a registry until the process is stopped, for local runs without Confluent Platform:
     * {@code java -cp <testkit classpath> dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry
     * --port 8081 --storage-file registry.jsonl}. Basic auth credentials come from the environment
     * variable {@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=user:password}, never from arguments.
     * Prints {@code Schema registry serving at <url>} once requests are served.
     */
    public static void main(String[] args) throws InterruptedException {
        Builder builder;
        try {
            builder = CommandLine.parse(args, System.getenv());
            builder.build();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        EmbeddedSchemaRegistry registry = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            registry.close();
                            stopped.countDown();
                        },
                        "schema-registry-shutdown"));
        registry.start();
        System.out.println("Schema registry serving at " + registry.url());
        System.out.flush();
        stopped.await();
    }

    /**
     * Replays the storage file (if any), binds to loopback and returns once requests are served.
     *
     * @throws IllegalStateException if already started or closed, or the storage file is corrupt
     * @throws UncheckedIOException if the port cannot be bound or the storage file cannot be read
     */
    public void start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("EmbeddedSchemaRegistry was closed; build a new one");
            }
            if (server != null) {
                throw new IllegalStateException("EmbeddedSchemaRegistry is already started at " + url());
            }
            // Without TCP_NODELAY every answer waits ~40 ms for a delayed ACK (Nagle), which makes
            // a test suite of small requests crawl. The JDK server reads this once per JVM.
            if (System.getProperty(NODELAY_PROPERTY) == null) {
                System.setProperty(NODELAY_PROPERTY, "true");
            }
            SSLContext tls = keyStore == null ? null : sslContext(keyStore, keyStorePassword);
            ObjectMapper mapper = new ObjectMapper();
            SchemaStore newStore = new SchemaStore(storageFile, defaultCompatibility, mapper);
            RegistryHttpHandler newHandler = new RegistryHttpHandler(newStore, mapper, user, password);
            HttpServer newServer;
            try {
                InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(LOOPBACK), requestedPort);
                if (keyStore == null) {
                    newServer = HttpServer.create(address, 0);
                } else {
                    HttpsServer https = HttpsServer.create(address, 0);
                    https.setHttpsConfigurator(new HttpsConfigurator(tls));
                    newServer = https;
                }
            } catch (IOException e) {
                newStore.close();
                throw new UncheckedIOException(
                        "EmbeddedSchemaRegistry cannot listen on " + LOOPBACK + ":" + requestedPort, e);
            }
            int instance = INSTANCES.incrementAndGet();
            ExecutorService newExecutor = Executors.newFixedThreadPool(HTTP_THREADS, daemonThreads(instance));
            newServer.createContext("/", newHandler);
            newServer.setExecutor(newExecutor);
            // HttpServer.start() returns with the socket bound and accepting: requests made now are served.
            newServer.start();
            this.store = newStore;
            this.handler = newHandler;
            this.server = newServer;
            this.executor = newExecutor;
            LOG.info(
                    "Embedded schema registry serving at {} (storage: {}, basic auth: {})",
                    url(),
                    storageFile == null ? "in memory" : storageFile,
                    user == null ? "off" : "on");
        }
    }

    /** The base URL, {@code http://127.0.0.1:PORT} ({@code https://} with {@link Builder#setHttps}). */
    public String url() {
        return scheme() + "://" + LOOPBACK + ":" + port();
    }

    private String scheme() {
        return keyStore == null ? "http" : "https";
    }

    /** A TLS context serving the key store's key; errors name the file, never the password. */
    private static SSLContext sslContext(Path keyStore, String password) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "EmbeddedSchemaRegistry cannot load the PKCS12 key store " + keyStore + " ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    /** The port actually bound (the ephemeral one when the builder's port was 0). */
    public int port() {
        synchronized (lifecycle) {
            if (server == null) {
                throw new IllegalStateException("EmbeddedSchemaRegistry is not started");
            }
            return server.getAddress().getPort();
        }
    }

    /**
     * Answers the next {@code count} requests with {@code httpStatus} and a Confluent-style error
     * body {@code {"error_code":httpStatus,"message":"Injected failure ..."}}, without touching
     * the registry's state. A new call replaces what is left of an earlier one.
     */
    public void failNextRequests(int count, int httpStatus) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, was " + count);
        }
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException(
                    "httpStatus must be an error status between 400 and 599, was " + httpStatus);
        }
        running().failNextRequests(count, httpStatus);
    }

    /** HTTP requests received since {@link #start()}, including rejected and failed ones. */
    public long requestCount() {
        return running().requestCount();
    }

    /** Stops serving and releases the port and the storage file. Safe to call more than once. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (server != null) {
                server.stop(0);
                executor.shutdownNow();
                try {
                    executor.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                store.close();
                LOG.info(
                        "Embedded schema registry at {} stopped",
                        scheme() + "://" + LOOPBACK + ":" + server.getAddress().getPort());
            }
        }
    }

    @Override
    public String toString() {
        synchronized (lifecycle) {
            return "EmbeddedSchemaRegistry{url="
                    + (server == null || closed ? "not serving" : url())
                    + ", storageFile=" + (storageFile == null ? "in memory" : storageFile)
                    + ", defaultCompatibility=" + defaultCompatibility
                    + ", basicAuth=" + (user == null ? "off" : "on")
                    + (keyStore == null ? "" : ", https=on")
                    + "}";
        }
    }

    private RegistryHttpHandler running() {
        synchronized (lifecycle) {
            if (server == null || closed) {
                throw new IllegalStateException("EmbeddedSchemaRegistry is not running");
            }
            return handler;
        }
    }

    private static ThreadFactory daemonThreads(int instance) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-" + instance + "-http-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Builds an {@link EmbeddedSchemaRegistry}.
     *
     * <pre>{@code
     * EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
     *         .setPort(8081)
     *         .setDefaultCompatibility(CompatibilityLevel.FULL)
     *         .setBasicAuth("flink", password)
     *         .build();
     * }</pre>
     *
     * <p>Every property is optional: port 0 (ephemeral), in memory, BACKWARD, no auth.
     */
    public static final class Builder {

        private int port;
        private Path storageFile;
        private CompatibilityLevel defaultCompatibility;
        private String user;
        private String password;
        private Path keyStore;
        private String keyStorePassword;

        Builder() {
            this.port = DEFAULT_PORT;
            this.defaultCompatibility = DEFAULT_COMPATIBILITY;
        }

        /** The loopback port to listen on; 0 (the default) picks a free one. */
        public Builder setPort(int port) {
            this.port = port;
            return this;
        }

        /** The append-only file that makes the registry durable; absent, state lives in memory. */
        public Builder setStorageFile(Path storageFile) {
            this.storageFile = storageFile;
            return this;
        }

        /** The global compatibility level until a client changes it; BACKWARD by default. */
        public Builder setDefaultCompatibility(CompatibilityLevel defaultCompatibility) {
            this.defaultCompatibility = defaultCompatibility;
            return this;
        }

        /** Requires HTTP basic auth with these credentials on every request (401 otherwise). */
        public Builder setBasicAuth(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * Serves HTTPS only, with the key and certificate in a PKCS12 {@code keyStore} (its store and
         * key password both {@code password}); clients need the certificate in their trust store. The
         * certificate should name {@code 127.0.0.1} (a SAN {@code ip:127.0.0.1}), the host of {@link #url()}.
         */
        public Builder setHttps(Path keyStore, String password) {
            this.keyStore = keyStore;
            this.keyStorePassword = password;
            return this;
        }

        /** Validates the properties and builds a registry that is not started yet. */
        public EmbeddedSchemaRegistry build() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            if (defaultCompatibility == null) {
                throw new IllegalArgumentException("defaultCompatibility must not be null");
            }
            if (storageFile != null) {
                Path parent = storageFile.toAbsolutePath().getParent();
                if (parent == null || !Files.isDirectory(parent)) {
                    throw new IllegalArgumentException("storageFile's directory does not exist: " + parent);
                }
                if (Files.isDirectory(storageFile)) {
                    throw new IllegalArgumentException(
                            "storageFile must be a file, but is a directory: " + storageFile);
                }
            }
            if (user != null || password != null) {
                if (user == null || user.isEmpty()) {
                    throw new IllegalArgumentException("basicAuth user must not be empty");
                }
                if (user.indexOf(':') >= 0) {
                    throw new IllegalArgumentException("basicAuth user must not contain ':'");
                }
                if (password == null) {
                    throw new IllegalArgumentException("basicAuth password must not be null");
                }
            }
            if (keyStore != null || keyStorePassword != null) {
                if (keyStore == null || !Files.isRegularFile(keyStore)) {
                    throw new IllegalArgumentException("https keyStore must be an existing file, was " + keyStore);
                }
                if (keyStorePassword == null) {
                    throw new IllegalArgumentException("https keyStore password must not be null");
                }
            }
            return new EmbeddedSchemaRegistry(this);
        }
    }
}
