package dev.streamingblocks.core.avro.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.core.avro.AvroSerdeException;
import dev.streamingblocks.core.avro.registry.internal.RegistryEndpoint;
import dev.streamingblocks.core.avro.registry.internal.RegistryMessages;
import dev.streamingblocks.core.avro.registry.internal.RegistryTls;
import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import dev.streamingblocks.registry.protocol.RegistryErrorCodes;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaRegistryClient} speaking Confluent Schema Registry's REST API over {@code
 * java.net.http}. It does not cache: wrap it in a {@link CachingSchemaRegistryClient}, or use
 * {@link SchemaRegistryClients#create}, which does both.
 *
 * <pre>{@code
 * SchemaRegistryClientConfig config = SchemaRegistryClientConfig.builder()
 *         .setUrls("https://registry-a:8081", "https://registry-b:8081")
 *         .setBasicAuthUserInfo("alice:secret")
 *         .build();
 * try (SchemaRegistryClient client = new HttpSchemaRegistryClient(config)) {
 *     int id = client.register("orders-value", Order.getClassSchema());
 * }
 * }</pre>
 *
 * <p>Failover and retries: a connection error, a timeout or a 5xx answer moves the request on to
 * the next URL at once; once every URL has failed in a round, the client waits ({@code
 * retries.wait.ms}, doubling up to {@code retries.max.wait.ms}) and starts another round, at most
 * {@code max.retries} more rounds. A URL that answered becomes the first one tried next time. A 4xx
 * answer is never retried: it becomes the matching {@link SchemaRegistryException} subclass at
 * once. When every round failed the client throws {@link SchemaRegistryUnavailableException} naming
 * the operation, the attempts and the last failure.
 *
 * <p>Credentials (basic user info, URL userinfo, bearer token) go into the {@code Authorization}
 * header only: URLs are shown without userinfo in messages, logs and {@link #toString()}.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    /** Confluent's media type for requests and answers. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final String ACCEPT =
            CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();

    private final SchemaRegistryClientConfig config;
    private final List<RegistryEndpoint> endpoints;
    private final String[] authorizations;
    private final ExecutorService executor;
    private final HttpClient http;
    // The URL that answered last: later calls start there, not at a dead one.
    private final AtomicInteger preferred = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @throws IllegalArgumentException when the trust store cannot be loaded (naming the key)
     */
    public HttpSchemaRegistryClient(SchemaRegistryClientConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        this.endpoints = config.endpoints();
        this.authorizations = new String[endpoints.size()];
        for (int i = 0; i < endpoints.size(); i++) {
            authorizations[i] = authorization(config, endpoints.get(i));
        }
        int clientId = CLIENT_IDS.incrementAndGet();
        AtomicInteger threadIds = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "schema-registry-http-" + clientId + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newCachedThreadPool(threads);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor);
        if (config.trustStoreLocation() != null || config.keyStoreLocation() != null) {
            builder.sslContext(RegistryTls.sslContext(
                    config.trustStoreLocation(),
                    config.trustStoreType(),
                    config.trustStorePassword(),
                    config.keyStoreLocation(),
                    config.keyStoreType(),
                    config.keyStorePassword(),
                    config.keyPassword()));
        }
        this.http = builder.build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Call call = Call.forSubject(
                "POST",
                "/subjects/" + encode(subject) + "/versions",
                schemaBody(schema),
                "register a schema under subject '" + subject + "'",
                subject);
        return execute(call, body -> requiredInt(call, body, "id"));
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        Call call = Call.forSubject(
                "POST",
                "/subjects/" + encode(subject),
                schemaBody(schema),
                "look up a schema under subject '" + subject + "'",
                subject);
        return execute(call, body -> {
            int id = requiredInt(call, body, "id");
            return new RegisteredSchema(subject, id, requiredInt(call, body, "version"), schema);
        });
    }

    @Override
    public Schema getSchemaById(int id) {
        Call call = new Call("GET", "/schemas/ids/" + id, null, "fetch the schema with id " + id, null, null, id);
        return execute(call, body -> parseSchema(call, body));
    }

    @Override
    public RegisteredSchema getLatestVersion(String subject) {
        return getVersion(subject, "latest", null);
    }

    @Override
    public RegisteredSchema getVersion(String subject, int version) {
        return getVersion(subject, Integer.toString(version), version);
    }

    private RegisteredSchema getVersion(String subject, String version, Integer versionNumber) {
        String what = versionNumber == null ? "the latest version" : "version " + version;
        Call call = new Call(
                "GET",
                "/subjects/" + encode(subject) + "/versions/" + version,
                null,
                "fetch " + what + " of subject '" + subject + "'",
                subject,
                versionNumber,
                null);
        return execute(call, body -> {
            int id = requiredInt(call, body, "id");
            int number = requiredInt(call, body, "version");
            return new RegisteredSchema(subject, id, number, parseSchema(call, body));
        });
    }

    @Override
    public List<Integer> getVersions(String subject) {
        Call call = Call.forSubject(
                "GET",
                "/subjects/" + encode(subject) + "/versions",
                null,
                "list the versions of subject '" + subject + "'",
                subject);
        return execute(call, body -> intList(call, body));
    }

    @Override
    public List<String> getSubjects() {
        Call call = Call.forSubject("GET", "/subjects", null, "list the subjects", null);
        return execute(call, body -> {
            if (!body.isArray()) {
                throw unexpectedBody(call, "a JSON array of subjects");
            }
            List<String> subjects = new ArrayList<>();
            body.forEach(n -> subjects.add(n.asText()));
            return List.copyOf(subjects);
        });
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        Call call = Call.forSubject(
                "POST",
                "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                schemaBody(schema),
                "test a schema's compatibility with subject '" + subject + "'",
                subject);
        try {
            return execute(call, body -> {
                JsonNode flag = body.get("is_compatible");
                if (flag == null || !flag.isBoolean()) {
                    throw unexpectedBody(call, "a boolean 'is_compatible'");
                }
                return flag.booleanValue();
            });
        } catch (SubjectNotFoundException | VersionNotFoundException e) {
            // Nothing registered yet: per the contract any valid schema could be registered.
            return true;
        }
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        if (subject == null) {
            Call call = Call.forSubject("GET", "/config", null, "fetch the global compatibility level", null);
            return execute(call, body -> level(call, body, "compatibilityLevel"));
        }
        Call call = Call.forSubject(
                "GET",
                "/config/" + encode(subject) + "?defaultToGlobal=true",
                null,
                "fetch the compatibility level of subject '" + subject + "'",
                subject);
        try {
            return execute(call, body -> level(call, body, "compatibilityLevel"));
        } catch (SchemaRegistryException e) {
            // Registries older than defaultToGlobal answer 40408 when the subject has no own level.
            if (e.errorCode() == RegistryErrorCodes.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED) {
                return getCompatibility(null);
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        if (level == null) {
            throw new IllegalArgumentException("level must not be null");
        }
        String what = subject == null
                ? "the global compatibility level"
                : "the compatibility level of subject '" + subject + "'";
        Call call = Call.forSubject(
                "PUT",
                subject == null ? "/config" : "/config/" + encode(subject),
                JSON.createObjectNode().put("compatibility", level.name()).toString(),
                "set " + what + " to " + level,
                subject);
        execute(call, answer -> level(call, answer, "compatibility"));
    }

    @Override
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        Call call = Call.forSubject(
                "DELETE",
                "/subjects/" + encode(subject) + (permanent ? "?permanent=true" : ""),
                null,
                (permanent ? "permanently delete" : "delete") + " subject '" + subject + "'",
                subject);
        return execute(call, body -> intList(call, body));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            executor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        String auth = config.hasBearerAuth() ? "bearer" : config.hasBasicAuth() ? "basic" : "none";
        return "HttpSchemaRegistryClient{urls=" + config.urls() + ", auth=" + auth + '}';
    }

    // ---- the request loop -----------------------------------------------------------------

    /** One REST call: what the messages say about it and what the error mapping needs. */
    private record Call(
            String method, String path, String body, String description, String subject, Integer version, Integer id) {

        static Call forSubject(String method, String path, String body, String description, String subject) {
            return new Call(method, path, body, description, subject, null, null);
        }

        String where(int status, int errorCode, String registryMessage) {
            return " ("
                    + method
                    + " "
                    + path
                    + " answered "
                    + status
                    + ", error "
                    + errorCode
                    + (registryMessage == null ? "" : ": " + registryMessage)
                    + ")";
        }
    }

    private <T> T execute(Call call, Function<JsonNode, T> onSuccess) {
        if (closed.get()) {
            throw new IllegalStateException("HttpSchemaRegistryClient is closed; cannot " + call.description);
        }
        int n = endpoints.size();
        int rounds = config.maxRetries() + 1;
        int start = preferred.get();
        Duration backoff = config.retryBackoff();
        int attempts = 0;
        int lastStatus = -1;
        String lastFailure = null;
        Throwable lastCause = null;
        for (int round = 1; round <= rounds; round++) {
            for (int i = 0; i < n; i++) {
                int index = (start + i) % n;
                RegistryEndpoint endpoint = endpoints.get(index);
                attempts++;
                HttpResponse<String> response;
                try {
                    response =
                            http.send(request(call, index), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    lastStatus = -1;
                    lastCause = e;
                    lastFailure = endpoint.display() + " failed with " + describe(e);
                    LOG.warn(
                            "Schema registry call to {} failed: cannot {} ({} {}): {}",
                            endpoint.display(),
                            call.description,
                            call.method,
                            call.path,
                            describe(e));
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchemaRegistryUnavailableException(
                            "Interrupted while trying to "
                                    + call.description
                                    + " ("
                                    + call.method
                                    + " "
                                    + call.path
                                    + ") at "
                                    + endpoint.display(),
                            -1,
                            e);
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    preferred.set(index);
                    return onSuccess.apply(parseJson(call, response.body(), status));
                }
                if (status >= 500) {
                    lastStatus = status;
                    lastCause = null;
                    lastFailure = endpoint.display() + " answered " + status + errorDetail(status, response.body());
                    LOG.warn(
                            "Schema registry call to {} failed: cannot {} ({} {}): answered {}",
                            endpoint.display(),
                            call.description,
                            call.method,
                            call.path,
                            status);
                    continue;
                }
                // A 4xx is the registry's verdict: another URL or a retry would say the same.
                preferred.set(index);
                throw mapError(call, status, response.body());
            }
            if (round < rounds && !backoff.isZero()) {
                sleep(call, backoff);
                backoff = backoff.multipliedBy(2);
                if (backoff.compareTo(config.maxRetryBackoff()) > 0) {
                    backoff = config.maxRetryBackoff();
                }
            }
        }
        throw new SchemaRegistryUnavailableException(
                "Schema registry unavailable: cannot "
                        + call.description
                        + " ("
                        + call.method
                        + " "
                        + call.path
                        + ") after "
                        + attempts
                        + (attempts == 1 ? " attempt" : " attempts")
                        + " on "
                        + config.urls()
                        + "; last failure: "
                        + lastFailure,
                lastStatus,
                lastCause);
    }

    private HttpRequest request(Call call, int endpointIndex) {
        URI uri = URI.create(endpoints.get(endpointIndex).display() + call.path);
        HttpRequest.Builder b =
                HttpRequest.newBuilder(uri).timeout(config.readTimeout()).header("Accept", ACCEPT);
        if (authorizations[endpointIndex] != null) {
            b.header("Authorization", authorizations[endpointIndex]);
        }
        if (call.body == null) {
            b.method(call.method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", CONTENT_TYPE);
            b.method(call.method, HttpRequest.BodyPublishers.ofString(call.body, StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private static void sleep(Call call, Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException(
                    "Interrupted while waiting to retry: cannot "
                            + call.description
                            + " ("
                            + call.method
                            + " "
                            + call.path
                            + ")",
                    -1,
                    e);
        }
    }

    private static String describe(IOException e) {
        // The JDK's messages name host and port at most: requests never carry userinfo.
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    // ---- error mapping --------------------------------------------------------------------

    private SchemaRegistryException mapError(Call call, int status, String body) {
        ErrorBody error = ErrorBody.parse(body, status);
        // Not-found answers need no registry text; rejections keep it, as it says why.
        String where = call.where(status, error.code, null);
        String because = call.where(status, error.code, error.message);
        if (status == 404 && error.code == SubjectNotFoundException.ERROR_CODE && call.subject != null) {
            return new SubjectNotFoundException(RegistryMessages.noSubject(call.subject) + where);
        }
        if (status == 404 && error.code == VersionNotFoundException.ERROR_CODE && call.subject != null) {
            String text = call.version != null
                    ? RegistryMessages.noVersion(call.subject, call.version)
                    : "Schema registry has no live version of subject '" + call.subject + "'";
            return new VersionNotFoundException(text + where);
        }
        if (status == 404 && error.code == SchemaNotFoundException.ERROR_CODE) {
            String text = call.id != null
                    ? RegistryMessages.noSchemaWithId(call.id)
                    : RegistryMessages.schemaNotUnderSubject(call.subject);
            return new SchemaNotFoundException(text + where);
        }
        if (status == IncompatibleSchemaException.HTTP_STATUS && call.subject != null) {
            return new IncompatibleSchemaException(RegistryMessages.incompatible(call.subject, null) + because);
        }
        if (status == InvalidSchemaException.HTTP_STATUS
                && error.code == InvalidSchemaException.ERROR_CODE
                && call.subject != null) {
            return new InvalidSchemaException(RegistryMessages.invalidSchema(call.subject) + because);
        }
        if (status == 401 || status == 403) {
            return new SchemaRegistryException(
                    "Schema registry refused the credentials: cannot " + call.description + because,
                    status,
                    error.code);
        }
        return new SchemaRegistryException(
                "Schema registry refused to " + call.description + because, status, error.code);
    }

    private static String errorDetail(int status, String body) {
        ErrorBody error = ErrorBody.parse(body, status);
        if (error.message == null) {
            return error.code == status ? "" : " (error " + error.code + ")";
        }
        return " (error " + error.code + (error.message == null ? "" : ": " + error.message) + ")";
    }

    /** Confluent's {@code {"error_code": 40401, "message": "..."}}, tolerating other bodies. */
    private record ErrorBody(int code, String message) {
        static ErrorBody parse(String body, int status) {
            if (body == null || body.isBlank()) {
                return new ErrorBody(status, null);
            }
            try {
                JsonNode node = JSON.readTree(body);
                JsonNode code = node.get("error_code");
                JsonNode message = node.get("message");
                return new ErrorBody(
                        code != null && code.canConvertToInt() ? code.intValue() : status,
                        message != null && message.isTextual() ? message.asText() : null);
            } catch (JsonProcessingException e) {
                // A proxy's HTML page: keep a short excerpt, it usually says what went wrong.
                String text = body.strip();
                return new ErrorBody(status, text.length() > 200 ? text.substring(0, 200) + "..." : text);
            }
        }
    }

    // ---- bodies ---------------------------------------------------------------------------

    private static String schemaBody(Schema schema) {
        if (schema == null) {
            throw new IllegalArgumentException("schema must not be null");
        }
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static JsonNode parseJson(Call call, String body, int status) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(
                    "Schema registry answered "
                            + status
                            + " with a body that is not JSON: cannot "
                            + call.description
                            + " ("
                            + call.method
                            + " "
                            + call.path
                            + ")",
                    status,
                    status,
                    e);
        }
    }

    private static SchemaRegistryException unexpectedBody(Call call, String expected) {
        return new SchemaRegistryException(
                "Schema registry's answer lacks "
                        + expected
                        + ": cannot "
                        + call.description
                        + " ("
                        + call.method
                        + " "
                        + call.path
                        + ")",
                200,
                200);
    }

    private static int requiredInt(Call call, JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw unexpectedBody(call, "an integer '" + field + "'");
        }
        return value.intValue();
    }

    private static List<Integer> intList(Call call, JsonNode body) {
        if (!body.isArray()) {
            throw unexpectedBody(call, "a JSON array of versions");
        }
        List<Integer> values = new ArrayList<>();
        for (JsonNode n : body) {
            if (!n.canConvertToInt()) {
                throw unexpectedBody(call, "a JSON array of versions");
            }
            values.add(n.intValue());
        }
        return List.copyOf(values);
    }

    private static CompatibilityLevel level(Call call, JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw unexpectedBody(call, "a compatibility level '" + field + "'");
        }
        try {
            return CompatibilityLevel.valueOf(value.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw unexpectedBody(call, "a known compatibility level '" + field + "' (got '" + value.asText() + "')");
        }
    }

    private static Schema parseSchema(Call call, JsonNode body) {
        JsonNode type = body.get("schemaType");
        if (type != null && type.isTextual() && !type.asText().equalsIgnoreCase("AVRO")) {
            throw new AvroSerdeException(
                    "Schema registry holds a " + type.asText() + " schema, not Avro: cannot " + call.description);
        }
        JsonNode text = body.get("schema");
        if (text == null || !text.isTextual()) {
            throw unexpectedBody(call, "a string 'schema'");
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new AvroSerdeException(
                    "Schema registry returned a schema that Avro cannot parse: cannot "
                            + call.description
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static String encode(String subject) {
        if (subject == null || subject.isEmpty()) {
            throw new IllegalArgumentException(
                    "subject must be a non-empty string, got " + (subject == null ? "null" : "''"));
        }
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- set-up ---------------------------------------------------------------------------

    private static String authorization(SchemaRegistryClientConfig config, RegistryEndpoint endpoint) {
        if (config.bearerToken() != null) {
            return "Bearer " + config.bearerToken();
        }
        String userInfo = config.basicAuthUserInfo() != null ? config.basicAuthUserInfo() : endpoint.userInfo();
        if (userInfo == null) {
            return null;
        }
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}
