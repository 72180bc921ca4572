package dev.streamingblocks.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A live web page for the example jobs: order stats per minute for the top products, the latest fraud
 * alerts, sessions closed per minute and the job's health, pushed to the browser as server-sent events.
 *
 * <pre>{@code
 * try (Dashboard dashboard = Dashboard.builder().setBootstrapServers(bootstrap)
 *         .setFlinkRestUrl("http://localhost:8081").build().start()) {
 *     System.out.println("Dashboard " + dashboard.url());
 * }
 * }</pre>
 *
 * <p>Required: the bootstrap servers. The server reads the output topics ({@code order-stats},
 * {@code fraud-alerts}) from the beginning with a {@code read_committed} consumer, so the page shows only
 * what the jobs committed; sessions come from the PostgreSQL table the sessions job commits to (when a
 * database is set) and health from Flink's REST API (when its URL is set). The page never talks to Kafka:
 * it holds one {@code EventSource} connection, which the browser re-opens when it breaks, and every
 * (re)connection starts with the whole current state. A record the server cannot read is counted and
 * named on the page (topic, partition, offset), never silently dropped. Only the JDK's HTTP server; the
 * page is plain HTML, CSS and JavaScript from this jar, so it works offline.
 */
public final class Dashboard implements AutoCloseable {

    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(1);
    /** How long the browser waits before reconnecting. */
    static final Duration RETRY = Duration.ofSeconds(1);

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** Minutes of order stats kept; older windows leave the page. */
    static final int MINUTES_KEPT = 60;

    static final int ALERTS_KEPT = 20;
    /** Frames a slow browser may have pending before it is dropped (it reconnects and gets a snapshot). */
    static final int MAX_PENDING_FRAMES = 10_000;

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final Map<String, String> RESOURCES =
            Map.of("/", "index.html", "/dashboard.js", "dashboard.js", "/dashboard.css", "dashboard.css");
    private static final String CLOSE = "close";

    private final Builder config;
    private final TreeMap<String, ObjectNode> orderStats = new TreeMap<>();
    private final Deque<ObjectNode> alerts = new ArrayDeque<>();
    private final List<Client> clients = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private ObjectNode sessions = DashboardEvents.sessions(Map.of());
    private ObjectNode health;
    private ObjectNode source = DashboardEvents.source(true, 0, null);
    private long unreadable;
    private String lastProblem;
    private HttpServer server;
    private ExecutorService requests;
    private ScheduledExecutorService pollers;
    private Thread kafkaReader;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    private Dashboard(Builder builder) {
        this.config = builder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port (loopback only) and starts reading; returns this. */
    public synchronized Dashboard start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port), 0);
        requests = Executors.newCachedThreadPool(daemon("dashboard-http"));
        server.setExecutor(requests);
        server.createContext("/", this::serveResource);
        server.createContext("/events", this::serveEvents);
        server.start();
        kafkaReader = daemon("dashboard-kafka").newThread(this::readOutputTopics);
        kafkaReader.start();
        pollers = Executors.newSingleThreadScheduledExecutor(daemon("dashboard-poll"));
        long every = config.refreshInterval.toMillis();
        if (config.flinkRestUrl != null) {
            FlinkJobHealth flink = new FlinkJobHealth(config.flinkRestUrl);
            pollers.scheduleWithFixedDelay(
                    () -> publishHealth(DashboardEvents.health(flink.poll())), 0, every, TimeUnit.MILLISECONDS);
        }
        if (config.jdbcUrl != null) {
            pollers.scheduleWithFixedDelay(this::pollSessions, 0, every, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** The page's address, e.g. {@code http://localhost:41234/}. */
    public String url() {
        return "http://localhost:" + port() + "/";
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("The dashboard is not started");
        }
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        closed.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        synchronized (this) {
            clients.forEach(client -> client.frames.offer(CLOSE));
            clients.clear();
            if (pollers != null) {
                pollers.shutdownNow();
            }
            if (server != null) {
                server.stop(0);
            }
            if (requests != null) {
                requests.shutdownNow();
            }
        }
        if (kafkaReader != null) {
            try {
                kafkaReader.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- state, changed only under this lock so a new client's snapshot and the live frames never overlap

    synchronized void publishOrderStats(ObjectNode row) {
        String key =
                row.path("windowStart").asText() + "|" + row.path("productId").asText();
        if (row.path("deleted").asBoolean()) {
            orderStats.remove(key);
        } else {
            orderStats.put(key, row);
        }
        while (orderStats.keySet().stream()
                        .map(k -> k.substring(0, k.indexOf('|')))
                        .distinct()
                        .count()
                > MINUTES_KEPT) {
            orderStats.pollFirstEntry();
        }
        broadcast(DashboardEvents.ORDER_STATS, row);
    }

    synchronized void publishAlert(ObjectNode alert) {
        alerts.addLast(alert);
        while (alerts.size() > ALERTS_KEPT) {
            alerts.removeFirst();
        }
        broadcast(DashboardEvents.ALERT, alert);
    }

    synchronized void publishSessions(ObjectNode perMinute) {
        if (!perMinute.equals(sessions)) {
            sessions = perMinute;
            broadcast(DashboardEvents.SESSIONS, perMinute);
        }
    }

    synchronized void publishHealth(ObjectNode h) {
        health = h;
        broadcast(DashboardEvents.HEALTH, h);
    }

    synchronized void publishSource(ObjectNode s) {
        if (!s.equals(source)) {
            source = s;
            broadcast(DashboardEvents.SOURCE, s);
        }
    }

    private void broadcast(String event, JsonNode data) {
        String frame = ServerSentEvents.event(event, data.toString());
        clients.removeIf(client -> {
            if (client.frames.size() >= MAX_PENDING_FRAMES) {
                client.frames.offer(CLOSE);
                return true;
            }
            client.frames.offer(frame);
            return false;
        });
    }

    private synchronized Client register() {
        Client client = new Client();
        client.frames.offer(ServerSentEvents.event(DashboardEvents.RESET, "{}"));
        orderStats
                .values()
                .forEach(row ->
                        client.frames.offer(ServerSentEvents.event(DashboardEvents.ORDER_STATS, row.toString())));
        alerts.forEach(alert -> client.frames.offer(ServerSentEvents.event(DashboardEvents.ALERT, alert.toString())));
        client.frames.offer(ServerSentEvents.event(DashboardEvents.SESSIONS, sessions.toString()));
        client.frames.offer(ServerSentEvents.event(DashboardEvents.SOURCE, source.toString()));
        if (health != null) {
            client.frames.offer(ServerSentEvents.event(DashboardEvents.HEALTH, health.toString()));
        }
        clients.add(client);
        return client;
    }

    private synchronized void unregister(Client client) {
        clients.remove(client);
    }

    private static final class Client {
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    }

    // ---- HTTP

    private void serveEvents(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        Client client = register();
        try (OutputStream out = exchange.getResponseBody()) {
            write(out, ServerSentEvents.retry(RETRY));
            while (closed.getCount() > 0) {
                String frame = client.frames.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (frame == CLOSE) {
                    break;
                }
                write(out, frame == null ? ServerSentEvents.comment("keep-alive") : frame);
            }
        } catch (IOException browserWentAway) {
            // it reconnects if it wants to, and gets a fresh snapshot
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            unregister(client);
            exchange.close();
        }
    }

    private static void write(OutputStream out, String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void serveResource(HttpExchange exchange) throws IOException {
        String name = RESOURCES.get(exchange.getRequestURI().getPath());
        try (exchange) {
            if (name == null || !exchange.getRequestMethod().equals("GET")) {
                byte[] body = "Not found".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            byte[] body;
            try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "The dashboard resource /dashboard/" + name + " is missing from the class path");
                }
                body = in.readAllBytes();
            }
            String type = name.endsWith(".html") ? "text/html" : name.endsWith(".js") ? "text/javascript" : "text/css";
            exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    // ---- readers of what the jobs committed

    private void readOutputTopics() {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Looking for a topic must not create it: the job (or the quick start) creates it with its own settings.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "dashboard");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        DeserializationSchema<Alert> alertSchema = FraudSerdes.alertDeserializer();
        Set<TopicPartition> assigned = Set.of();
        long nextRefresh = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            consumer = c;
            while (closed.getCount() > 0) {
                try {
                    if (System.nanoTime() - nextRefresh >= 0) {
                        // Topics may appear after the dashboard starts (a job creates them): look again now and then.
                        assigned = assignNewPartitions(c, assigned);
                        nextRefresh = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    }
                    if (assigned.isEmpty()) {
                        closed.await(config.refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(250))) {
                        handle(r, alertSchema);
                    }
                    publishSource(DashboardEvents.source(true, unreadable, problem()));
                } catch (WakeupException e) {
                    return;
                } catch (KafkaException e) {
                    publishSource(DashboardEvents.source(false, unreadable, "Kafka: " + e.getMessage()));
                    nextRefresh = System.nanoTime();
                    closed.await(config.refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer = null;
        }
    }

    private Set<TopicPartition> assignNewPartitions(KafkaConsumer<byte[], byte[]> c, Set<TopicPartition> assigned) {
        Set<TopicPartition> all = new HashSet<>(assigned);
        for (String topic : List.of(config.orderStatsTopic, config.alertsTopic)) {
            for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(5))) {
                all.add(new TopicPartition(topic, p.partition()));
            }
        }
        if (all.size() > assigned.size()) {
            List<TopicPartition> added =
                    all.stream().filter(tp -> !assigned.contains(tp)).toList();
            c.assign(all);
            c.seekToBeginning(added);
        }
        return Set.copyOf(all);
    }

    private synchronized String problem() {
        return lastProblem;
    }

    private void handle(ConsumerRecord<byte[], byte[]> r, DeserializationSchema<Alert> alertSchema) {
        try {
            if (r.topic().equals(config.orderStatsTopic)) {
                publishOrderStats(DashboardEvents.orderStats(r.key(), r.value()));
            } else {
                if (r.value() == null) {
                    throw new IllegalArgumentException("an alert record has no value");
                }
                publishAlert(DashboardEvents.alert(alertSchema.deserialize(r.value())));
            }
        } catch (Exception e) {
            synchronized (this) {
                unreadable++;
                lastProblem = "Could not read " + r.topic() + "/" + r.partition() + "@" + r.offset() + ": " + e;
            }
        }
    }

    private void pollSessions() {
        String sql = "SELECT to_char(date_trunc('minute', session_end), 'YYYY-MM-DD HH24:MI') AS minute,"
                + " count(*) AS closed FROM " + config.sessionsTable
                + " GROUP BY 1 ORDER BY 1 DESC LIMIT " + MINUTES_KEPT;
        try (Connection db = DriverManager.getConnection(config.jdbcUrl, config.jdbcUser, config.jdbcPassword);
                Statement st = db.createStatement();
                ResultSet rows = st.executeQuery(sql)) {
            TreeMap<String, Long> perMinute = new TreeMap<>();
            while (rows.next()) {
                perMinute.put(rows.getString("minute"), rows.getLong("closed"));
            }
            publishSessions(DashboardEvents.sessions(perMinute));
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) { // the job has not created the table yet: nothing closed
                synchronized (this) {
                    lastProblem = "Could not read " + config.sessionsTable + ": " + e.getMessage();
                }
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Builds a {@link Dashboard}; only the bootstrap servers are required. */
    public static final class Builder {

        private String bootstrapServers;
        private Map<String, String> kafkaProperties = Map.of();
        private String orderStatsTopic = OrderStatsJob.ORDER_STATS_TOPIC;
        private String alertsTopic = FraudJob.ALERTS_TOPIC;
        private String flinkRestUrl;
        private String jdbcUrl;
        private String jdbcUser;
        private String jdbcPassword;
        private String sessionsTable = PostgresSessionSink.DEFAULT_TABLE;
        private int port;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;

        Builder() {}

        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** The user's Kafka client settings (security...), as for the jobs. */
        public Builder setKafkaProperties(Map<String, String> kafkaProperties) {
            this.kafkaProperties = Map.copyOf(kafkaProperties);
            return this;
        }

        public Builder setOrderStatsTopic(String topic) {
            this.orderStatsTopic = topic;
            return this;
        }

        public Builder setAlertsTopic(String topic) {
            this.alertsTopic = topic;
            return this;
        }

        /** Flink's REST API (the web UI's address); without it the page has no job health. */
        public Builder setFlinkRestUrl(String url) {
            this.flinkRestUrl = url;
            return this;
        }

        /** The database the sessions job writes to; without it the page has no sessions. */
        public Builder setSessionsDatabase(String jdbcUrl, String user, String password, String table) {
            this.jdbcUrl = jdbcUrl;
            this.jdbcUser = user;
            this.jdbcPassword = password;
            this.sessionsTable = table;
            return this;
        }

        /** 0 (the default) takes a free port; see {@link Dashboard#url()}. */
        public Builder setPort(int port) {
            this.port = port;
            return this;
        }

        /** How often job health and sessions are read. */
        public Builder setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
            return this;
        }

        public Dashboard build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must be set");
            }
            if (orderStatsTopic == null
                    || orderStatsTopic.isBlank()
                    || alertsTopic == null
                    || alertsTopic.isBlank()
                    || orderStatsTopic.equals(alertsTopic)) {
                throw new IllegalArgumentException("orderStatsTopic and alertsTopic must be set and differ, were '"
                        + orderStatsTopic + "' and '" + alertsTopic + "'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (a free one) to 65535, was " + port);
            }
            if (refreshInterval == null || refreshInterval.isZero() || refreshInterval.isNegative()) {
                throw new IllegalArgumentException("refreshInterval must be positive, was " + refreshInterval);
            }
            if (jdbcUrl != null
                    && (sessionsTable == null
                            || !TABLE_NAME.matcher(sessionsTable).matches())) {
                throw new IllegalArgumentException(
                        "sessions table must be a plain SQL name, was '" + sessionsTable + "'");
            }
            return new Dashboard(this);
        }
    }
}
