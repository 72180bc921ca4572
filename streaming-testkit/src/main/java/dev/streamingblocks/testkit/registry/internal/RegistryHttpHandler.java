package dev.streamingblocks.testkit.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import dev.streamingblocks.registry.protocol.RegistryErrorCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Confluent Schema Registry's REST API over a {@link SchemaStore}: routing, JSON shapes,
 * content types, basic auth, the request counter and injected failures.
 */
public final class RegistryHttpHandler implements HttpHandler {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpHandler.class);

    /** Request media types Confluent's registry consumes; anything else is 415. */
    private static final Set<String> ACCEPTED_REQUEST_TYPES =
            Set.of(CONTENT_TYPE, "application/vnd.schemaregistry+json", "application/json", "application/octet-stream");

    private static final String AVRO = "AVRO";

    private final SchemaStore store;
    private final ObjectMapper mapper;
    /** The whole expected {@code Authorization} header value; null when auth is off. */
    private final byte[] expectedAuthorization;

    private final AtomicLong requestCount = new AtomicLong();
    private final Object faultLock = new Object();
    private int faultsLeft;
    private int faultStatus;

    public RegistryHttpHandler(SchemaStore store, ObjectMapper mapper, String user, String password) {
        this.store = store;
        this.mapper = mapper;
        this.expectedAuthorization = user == null
                ? null
                : ("Basic "
                                + Base64.getEncoder()
                                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.UTF_8);
    }

    public long requestCount() {
        return requestCount.get();
    }

    public void failNextRequests(int count, int httpStatus) {
        synchronized (faultLock) {
            faultsLeft = count;
            faultStatus = httpStatus;
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requestCount.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Response response;
            try {
                response = answer(exchange, body);
            } catch (RegistryError e) {
                response = error(e.httpStatus(), e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error(
                        "Schema registry failed on {} {}",
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(),
                        e);
                response =
                        error(500, 500, "Internal Server Error: " + e.getClass().getSimpleName());
            }
            LOG.debug(
                    "{} {} ({}) -> {}",
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    response.status());
            byte[] bytes = mapper.writeValueAsBytes(response.body());
            exchange.getResponseHeaders().set("Content-Type", responseType(exchange));
            if (response.status() == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"SchemaRegistry\"");
            }
            exchange.sendResponseHeaders(response.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private record Response(int status, Object body) {}

    private Response answer(HttpExchange exchange, byte[] body) {
        Response injected = injectedFailure();
        if (injected != null) {
            return injected;
        }
        if (expectedAuthorization != null && !authorized(exchange)) {
            return error(401, 401, "Unauthorized");
        }
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        if ((method.equals("POST") || method.equals("PUT")) && !acceptedContentType(exchange)) {
            return error(415, 415, "HTTP 415 Unsupported Media Type");
        }
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        return route(method, path, query, body);
    }

    private Response route(String method, List<String> p, Map<String, String> query, byte[] body) {
        int n = p.size();
        if (n == 0) {
            return only(method, "GET", () -> mapper.createObjectNode());
        }
        switch (p.get(0)) {
            case "subjects":
                if (n == 1) {
                    return only(
                            method,
                            "GET",
                            () -> deletedOnly(query)
                                    ? without(store.subjects(true), store.subjects(false))
                                    : store.subjects(flag(query, "deleted")));
                }
                String subject = p.get(1);
                if (n == 2) {
                    return switch (method) {
                        case "POST" -> ok(lookup(subject, body, flag(query, "deleted")));
                        case "DELETE" -> ok(store.deleteSubject(subject, flag(query, "permanent")));
                        default -> methodNotAllowed();
                    };
                }
                if (!p.get(2).equals("versions")) {
                    return notFound();
                }
                if (n == 3) {
                    return switch (method) {
                        case "GET" ->
                            ok(
                                    deletedOnly(query)
                                            ? without(store.versions(subject, true), liveVersionsOrNone(subject))
                                            : store.versions(subject, flag(query, "deleted")));
                        case "POST" -> ok(register(subject, body));
                        default -> methodNotAllowed();
                    };
                }
                String version = p.get(3);
                if (n == 4) {
                    return switch (method) {
                        case "GET" -> ok(versionJson(store.version(subject, version, flag(query, "deleted"))));
                        case "DELETE" -> ok(store.deleteVersion(subject, version, flag(query, "permanent")));
                        default -> methodNotAllowed();
                    };
                }
                if (n == 5 && p.get(4).equals("schema")) {
                    return only(
                            method,
                            "GET",
                            () -> rawSchema(store.version(subject, version, flag(query, "deleted"))
                                    .schema()));
                }
                if (n == 5 && p.get(4).equals("referencedby")) {
                    // Schema references are not supported, so nothing ever refers to a version.
                    return only(method, "GET", () -> {
                        store.version(subject, version, true);
                        return List.of();
                    });
                }
                return notFound();
            case "schemas":
                return schemas(method, p, query);
            case "compatibility":
                if ((n == 4 || n == 5)
                        && p.get(1).equals("subjects")
                        && p.get(3).equals("versions")) {
                    String versionSpec = n == 5 ? p.get(4) : null;
                    return only(method, "POST", () -> compatibility(p.get(2), versionSpec, body, query));
                }
                return notFound();
            case "config":
                if (n <= 2) {
                    return config(method, n == 2 ? p.get(1) : null, body, query);
                }
                return notFound();
            case "mode":
                if (n <= 2) {
                    return only(method, "GET", () -> mapper.createObjectNode().put("mode", "READWRITE"));
                }
                return notFound();
            default:
                return notFound();
        }
    }

    private Response schemas(String method, List<String> p, Map<String, String> query) {
        int n = p.size();
        if (n == 1) {
            return only(method, "GET", () -> listSchemas(query));
        }
        if (n == 2 && p.get(1).equals("types")) {
            return only(method, "GET", () -> List.of(AVRO));
        }
        if (n < 3 || n > 4 || !p.get(1).equals("ids")) {
            return notFound();
        }
        int id;
        try {
            id = Integer.parseInt(p.get(2));
        } catch (NumberFormatException e) {
            // Confluent (JAX-RS) answers a non-numeric path parameter with a plain 404.
            return notFound();
        }
        if (n == 3) {
            return only(method, "GET", () -> mapper.createObjectNode().put("schema", store.schemaById(id)));
        }
        return switch (p.get(3)) {
            case "schema" -> only(method, "GET", () -> rawSchema(store.schemaById(id)));
            case "versions" ->
                only(method, "GET", () -> {
                    ArrayNode result = mapper.createArrayNode();
                    for (SchemaStore.SubjectVersion v : store.versionsById(id, flag(query, "deleted"))) {
                        result.addObject().put("subject", v.subject()).put("version", v.version());
                    }
                    return result;
                });
            case "subjects" ->
                only(method, "GET", () -> {
                    List<String> result = new ArrayList<>();
                    for (SchemaStore.SubjectVersion v : store.versionsById(id, flag(query, "deleted"))) {
                        if (!result.contains(v.subject())) {
                            result.add(v.subject());
                        }
                    }
                    return result;
                });
            default -> notFound();
        };
    }

    /** {@code GET /schemas}: versions of subjects matching {@code subjectPrefix}, by subject. */
    private ArrayNode listSchemas(Map<String, String> query) {
        String prefix = query.getOrDefault("subjectPrefix", "");
        boolean includeDeleted = flag(query, "deleted");
        boolean latestOnly = flag(query, "latestOnly");
        List<SchemaStore.SubjectVersion> matching = store.listVersions(prefix, includeDeleted, latestOnly);
        int offset = Math.max(0, intParam(query, "offset", 0));
        int limit = intParam(query, "limit", -1);
        ArrayNode result = mapper.createArrayNode();
        for (int i = offset; i < matching.size() && (limit < 0 || i < offset + limit); i++) {
            result.add(versionJson(matching.get(i)));
        }
        return result;
    }

    private static int intParam(Map<String, String> query, String name, int fallback) {
        try {
            return query.containsKey(name) ? Integer.parseInt(query.get(name)) : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private ObjectNode register(String subject, byte[] body) {
        int id = store.register(subject, schemaText(body));
        return mapper.createObjectNode().put("id", id);
    }

    private ObjectNode lookup(String subject, byte[] body, boolean includeDeleted) {
        return versionJson(store.lookup(subject, schemaText(body), includeDeleted));
    }

    private ObjectNode compatibility(String subject, String versionSpec, byte[] body, Map<String, String> query) {
        SchemaStore.CompatibilityCheck check = store.testCompatibility(subject, versionSpec, schemaText(body));
        ObjectNode result = mapper.createObjectNode().put("is_compatible", check.compatible());
        if (flag(query, "verbose")) {
            ArrayNode messages = result.putArray("messages");
            check.messages().forEach(messages::add);
        }
        return result;
    }

    private Response config(String method, String subject, byte[] body, Map<String, String> query) {
        switch (method) {
            case "GET": {
                CompatibilityLevel level = subject == null
                        ? store.globalLevel()
                        : store.subjectLevel(subject, flag(query, "defaultToGlobal"));
                return ok(mapper.createObjectNode().put("compatibilityLevel", level.name()));
            }
            case "PUT": {
                JsonNode request = json(body);
                JsonNode compatibility = request.get("compatibility");
                String name = compatibility == null || compatibility.isNull() ? null : compatibility.asText();
                CompatibilityLevel level = store.setLevel(subject, name);
                return ok(mapper.createObjectNode().put("compatibility", level.name()));
            }
            case "DELETE": {
                CompatibilityLevel previous = store.deleteLevel(subject);
                return ok(mapper.createObjectNode().put("compatibilityLevel", previous.name()));
            }
            default:
                return methodNotAllowed();
        }
    }

    private ObjectNode versionJson(SchemaStore.SubjectVersion version) {
        ObjectNode node = mapper.createObjectNode();
        node.put("subject", version.subject());
        node.put("version", version.version());
        node.put("id", version.id());
        node.put("schema", version.schema());
        return node;
    }

    private JsonNode rawSchema(String schema) {
        try {
            return mapper.readTree(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored schema is not JSON", e);
        }
    }

    /** The {@code schema} field of a registration-style body; only AVRO is accepted. */
    private String schemaText(byte[] body) {
        JsonNode request = json(body);
        JsonNode type = request.get("schemaType");
        if (type != null && !type.isNull() && !AVRO.equalsIgnoreCase(type.asText())) {
            throw new RegistryError(
                    RegistryErrorCodes.httpStatus(RegistryErrorCodes.INVALID_SCHEMA),
                    RegistryErrorCodes.INVALID_SCHEMA,
                    "Invalid schema type '" + type.asText() + "': this registry holds only AVRO schemas");
        }
        JsonNode schema = request.get("schema");
        return schema == null || schema.isNull() ? null : schema.asText();
    }

    private JsonNode json(byte[] body) {
        if (body.length == 0) {
            throw new RegistryError(400, 400, "The request has no JSON body");
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw new RegistryError(400, 400, "The request body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new RegistryError(400, 400, "The request body is not valid JSON: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- plumbing

    private Response injectedFailure() {
        synchronized (faultLock) {
            if (faultsLeft <= 0) {
                return null;
            }
            faultsLeft--;
            return error(faultStatus, faultStatus, "Injected failure (EmbeddedSchemaRegistry.failNextRequests)");
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null
                && MessageDigest.isEqual(expectedAuthorization, header.trim().getBytes(StandardCharsets.UTF_8));
    }

    /** Confluent's type unless the client accepts only plain JSON, as JAX-RS would negotiate. */
    private static String responseType(HttpExchange exchange) {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept == null
                || accept.contains("application/vnd.schemaregistry")
                || accept.contains("*/*")
                || !accept.contains("application/json")) {
            return CONTENT_TYPE;
        }
        return "application/json";
    }

    private static boolean acceptedContentType(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Content-Type");
        if (header == null) {
            return true;
        }
        String mediaType = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return ACCEPTED_REQUEST_TYPES.contains(mediaType);
    }

    private interface Body {
        Object get();
    }

    private Response only(String method, String allowed, Body body) {
        return method.equals(allowed) ? ok(body.get()) : methodNotAllowed();
    }

    private static Response ok(Object body) {
        return new Response(200, body);
    }

    private Response notFound() {
        return error(404, 404, "HTTP 404 Not Found");
    }

    private Response methodNotAllowed() {
        return error(405, 405, "HTTP 405 Method Not Allowed");
    }

    private Response error(int status, int errorCode, String message) {
        ObjectNode body = mapper.createObjectNode();
        body.put("error_code", errorCode);
        body.put("message", message);
        return new Response(status, body);
    }

    private static boolean deletedOnly(Map<String, String> query) {
        return flag(query, "deletedOnly");
    }

    private List<Integer> liveVersionsOrNone(String subject) {
        try {
            return store.versions(subject, false);
        } catch (RegistryError e) {
            return List.of();
        }
    }

    private static <T> List<T> without(List<T> all, List<T> excluded) {
        List<T> result = new ArrayList<>(all);
        result.removeAll(excluded);
        return result;
    }

    private static boolean flag(Map<String, String> query, String name) {
        return Boolean.parseBoolean(query.get(name));
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(percentDecode(raw));
            }
        }
        return segments;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
            query.put(key, value);
        }
        return query;
    }

    /** Decodes %XX escapes as UTF-8; unlike URLDecoder it keeps '+' (legal in subject names). */
    private static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < raw.length()) {
            if (raw.charAt(i) == '%' && isHex(raw, i + 1) && isHex(raw, i + 2)) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 3;
            } else {
                int codePoint = raw.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(String s, int index) {
        return index < s.length() && Character.digit(s.charAt(index), 16) >= 0;
    }
}
