package dev.streamingblocks.testkit.confluent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers only the two calls Confluent's client makes to write and read Avro: {@code POST
 * /subjects/{s}/versions} (an id per distinct schema text, from 1) and {@code GET
 * /schemas/ids/{id}}; everything else is a 404. Lets ConfluentPeer be tested without the embedded
 * registry, and records each request line so tests can count round trips.
 */
final class TwoCallRegistry implements AutoCloseable {

    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    TwoCallRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Request lines ("POST /subjects/x/versions") without query strings, in arrival order. */
    List<String> requests() {
        return new ArrayList<>(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            requests.add(method + " " + path);
            Matcher register = REGISTER.matcher(path);
            Matcher byId = BY_ID.matcher(path);
            if ("POST".equals(method) && register.matches()) {
                JsonNode body = json.readTree(exchange.getRequestBody());
                String schema = body.get("schema").asText();
                int id;
                synchronized (this) {
                    id = idsBySchema.computeIfAbsent(schema, s -> idsBySchema.size() + 1);
                    schemasById.put(id, schema);
                }
                respond(exchange, 200, json.writeValueAsString(Map.of("id", id)));
            } else if ("GET".equals(method) && byId.matches() && schemasById.containsKey(Integer.parseInt(byId.group(1)))) {
                String schema = schemasById.get(Integer.parseInt(byId.group(1)));
                respond(exchange, 200, json.writeValueAsString(Map.of("schema", schema)));
            } else {
                respond(exchange, 404, "{\"error_code\":40401,\"message\":\"not found\"}");
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
