package dev.streamingblocks.core.avro.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A small Confluent-REST server over the JDK's HttpServer, backed by {@link
 * InMemorySchemaRegistryClient} for the registry logic, with hooks to inject failures, stall
 * requests, demand credentials and count requests. Stands in until the testkit's embedded registry
 * is on main.
 */
final class RegistryServerFixture implements AutoCloseable {

    record RecordedRequest(String method, String rawPath, String authorization, String contentType, String accept) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final AtomicLong requestCount = new AtomicLong();
    private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger rawLeft = new AtomicInteger();
    private volatile int rawStatus;
    private volatile String rawContentType;
    private volatile String rawBody;
    private volatile int failureStatus;
    private volatile int failureErrorCode;
    private volatile String failureMessage;
    private final AtomicInteger stallsLeft = new AtomicInteger();
    private final CountDownLatch releaseStalled = new CountDownLatch(1);
    private volatile String requiredAuthorization;

    private RegistryServerFixture(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static RegistryServerFixture start() throws IOException {
        return new RegistryServerFixture(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    static RegistryServerFixture startHttps(SSLContext sslContext, boolean needClientAuth) throws IOException {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(sslContext) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = sslContext.getDefaultSSLParameters();
                parameters.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(parameters);
            }
        });
        return new RegistryServerFixture(https);
    }

    String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    InMemorySchemaRegistryClient registry() {
        return registry;
    }

    long requestCount() {
        return requestCount.get();
    }

    List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The next {@code count} requests get {@code status} with Confluent's error body. */
    void failNextRequests(int count, int status, int errorCode, String message) {
        failureStatus = status;
        failureErrorCode = errorCode;
        failureMessage = message;
        failuresLeft.set(count);
    }

    /**
     * The next {@code count} requests get {@code status} with {@code body} as is, e.g. a proxy's
     * HTML page or a non-Avro schema.
     */
    void answerNextRequests(int count, int status, String contentType, String body) {
        rawStatus = status;
        rawContentType = contentType;
        rawBody = body;
        rawLeft.set(count);
    }

    void failNextRequests(int count, int status) {
        failNextRequests(count, status, status * 100 + 1, "Injected failure");
    }

    /** The next {@code count} requests get no answer until {@link #close()}. */
    void stallNextRequests(int count) {
        stallsLeft.set(count);
    }

    void requireBasicAuth(String user, String password) {
        requiredAuthorization =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    void requireBearer(String token) {
        requiredAuthorization = "Bearer " + token;
    }

    @Override
    public void close() {
        releaseStalled.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requestCount.incrementAndGet();
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(new RecordedRequest(
                    method,
                    rawPath + (query == null ? "" : "?" + query),
                    authorization,
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Accept")));
            if (stallsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                releaseStalled.await(30, TimeUnit.SECONDS);
                return;
            }
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                sendError(exchange, failureStatus, failureErrorCode, failureMessage);
                return;
            }
            if (rawLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                byte[] bytes = rawBody.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", rawContentType);
                exchange.sendResponseHeaders(rawStatus, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
                return;
            }
            if (requiredAuthorization != null && !requiredAuthorization.equals(authorization)) {
                sendError(exchange, 401, 401, "Unauthorized");
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                route(exchange, method, segments(rawPath), query, body);
            } catch (SchemaRegistryException e) {
                sendError(exchange, e.httpStatus(), e.errorCode(), e.getMessage());
            } catch (SchemaParseException e) {
                sendError(exchange, 422, 42201, "Invalid schema: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void route(HttpExchange ex, String method, List<String> p, String query, String body) throws IOException {
        int n = p.size();
        if (method.equals("GET")
                && n == 3
                && p.get(0).equals("schemas")
                && p.get(1).equals("ids")) {
            Schema schema = registry.getSchemaById(Integer.parseInt(p.get(2)));
            send(ex, 200, JSON.createObjectNode().put("schema", schema.toString()));
        } else if (method.equals("GET") && n == 1 && p.get(0).equals("subjects")) {
            ArrayNode array = JSON.createArrayNode();
            registry.getSubjects().forEach(array::add);
            send(ex, 200, array);
        } else if (method.equals("POST")
                && n == 3
                && p.get(0).equals("subjects")
                && p.get(2).equals("versions")) {
            int id = registry.register(p.get(1), schemaOf(body));
            send(ex, 200, JSON.createObjectNode().put("id", id));
        } else if (method.equals("POST") && n == 2 && p.get(0).equals("subjects")) {
            send(ex, 200, registered(registry.lookup(p.get(1), schemaOf(body))));
        } else if (method.equals("GET")
                && n == 3
                && p.get(0).equals("subjects")
                && p.get(2).equals("versions")) {
            ArrayNode array = JSON.createArrayNode();
            registry.getVersions(p.get(1)).forEach(array::add);
            send(ex, 200, array);
        } else if (method.equals("GET")
                && n == 4
                && p.get(0).equals("subjects")
                && p.get(2).equals("versions")) {
            RegisteredSchema r = p.get(3).equals("latest")
                    ? registry.getLatestVersion(p.get(1))
                    : registry.getVersion(p.get(1), Integer.parseInt(p.get(3)));
            send(ex, 200, registered(r));
        } else if (method.equals("DELETE") && n == 2 && p.get(0).equals("subjects")) {
            ArrayNode array = JSON.createArrayNode();
            registry.deleteSubject(p.get(1), "permanent=true".equals(query)).forEach(array::add);
            send(ex, 200, array);
        } else if (method.equals("POST") && n == 5 && p.get(0).equals("compatibility")) {
            boolean ok = registry.testCompatibility(p.get(2), schemaOf(body));
            send(ex, 200, JSON.createObjectNode().put("is_compatible", ok));
        } else if (method.equals("GET") && p.get(0).equals("config") && n <= 2) {
            CompatibilityLevel level = registry.getCompatibility(n == 2 ? p.get(1) : null);
            send(ex, 200, JSON.createObjectNode().put("compatibilityLevel", level.name()));
        } else if (method.equals("PUT") && p.get(0).equals("config") && n <= 2) {
            CompatibilityLevel level = CompatibilityLevel.valueOf(
                    JSON.readTree(body).get("compatibility").asText());
            registry.setCompatibility(n == 2 ? p.get(1) : null, level);
            send(ex, 200, JSON.createObjectNode().put("compatibility", level.name()));
        } else {
            sendError(ex, 404, 404, "HTTP 404 Not Found");
        }
    }

    private static Schema schemaOf(String body) throws IOException {
        JsonNode node = JSON.readTree(body);
        return new Schema.Parser().parse(node.get("schema").asText());
    }

    private static ObjectNode registered(RegisteredSchema r) {
        return JSON.createObjectNode()
                .put("subject", r.subject())
                .put("id", r.id())
                .put("version", r.version())
                .put("schema", r.schema().toString());
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                segments.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static void sendError(HttpExchange ex, int status, int errorCode, String message) throws IOException {
        send(ex, status, JSON.createObjectNode().put("error_code", errorCode).put("message", message));
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
