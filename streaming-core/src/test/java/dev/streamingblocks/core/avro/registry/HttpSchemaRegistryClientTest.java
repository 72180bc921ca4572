package dev.streamingblocks.core.avro.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.AvroSerdeException;
import dev.streamingblocks.core.avro.registry.RegistryServerFixture.RecordedRequest;
import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import dev.streamingblocks.testkit.logging.LogCapture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpSchemaRegistryClientTest {

    static final Schema V1 = InMemorySchemaRegistryClientTest.V1;
    static final Schema V2 = InMemorySchemaRegistryClientTest.V2;
    static final Schema V3_REQUIRED = InMemorySchemaRegistryClientTest.V3_REQUIRED;

    private RegistryServerFixture server;

    @BeforeEach
    void startServer() throws IOException {
        server = RegistryServerFixture.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static SchemaRegistryClientConfig.Builder config(String... urls) {
        return SchemaRegistryClientConfig.builder()
                .setUrls(urls)
                .setRetryBackoff(Duration.ofMillis(5))
                .setMaxRetryBackoff(Duration.ofMillis(20))
                .setConnectTimeout(Duration.ofSeconds(5))
                .setReadTimeout(Duration.ofSeconds(10));
    }

    private static HttpSchemaRegistryClient client(SchemaRegistryClientConfig config) {
        return new HttpSchemaRegistryClient(config);
    }

    /** A loopback port nothing listens on: connecting is refused at once. */
    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void speaksConfluentsRestApi() {
        try (HttpSchemaRegistryClient client = client(config(server.url()).build())) {
            int id1 = client.register("orders value/1", V1);
            assertThat(client.register("orders value/1", V1)).isEqualTo(id1);
            int id2 = client.register("orders value/1", V2);

            assertThat(client.getSchemaById(id1)).isEqualTo(V1);
            assertThat(client.lookup("orders value/1", V2))
                    .isEqualTo(new RegisteredSchema("orders value/1", id2, 2, V2));
            assertThat(client.getLatestVersion("orders value/1"))
                    .isEqualTo(new RegisteredSchema("orders value/1", id2, 2, V2));
            assertThat(client.getVersion("orders value/1", 1))
                    .isEqualTo(new RegisteredSchema("orders value/1", id1, 1, V1));
            assertThat(client.getVersions("orders value/1")).containsExactly(1, 2);
            assertThat(client.getSubjects()).containsExactly("orders value/1");
            assertThat(client.testCompatibility("orders value/1", V3_REQUIRED)).isFalse();
            assertThat(client.testCompatibility("orders value/1", V2)).isTrue();
            assertThat(client.testCompatibility("no-such-subject", V3_REQUIRED)).isTrue();

            assertThat(client.getCompatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);
            client.setCompatibility("orders value/1", CompatibilityLevel.FULL);
            assertThat(client.getCompatibility("orders value/1")).isEqualTo(CompatibilityLevel.FULL);
            assertThat(client.getCompatibility("other")).isEqualTo(CompatibilityLevel.BACKWARD);
            client.setCompatibility(null, CompatibilityLevel.NONE);
            assertThat(client.getCompatibility(null)).isEqualTo(CompatibilityLevel.NONE);

            assertThat(client.deleteSubject("orders value/1", false)).containsExactly(1, 2);
            assertThat(client.deleteSubject("orders value/1", true)).containsExactly(1, 2);
            assertThat(client.getSubjects()).isEmpty();
        }
        List<RecordedRequest> requests = server.requests();
        assertThat(requests.get(0))
                .isEqualTo(new RecordedRequest(
                        "POST",
                        "/subjects/orders%20value%2F1/versions",
                        null,
                        "application/vnd.schemaregistry.v1+json",
                        "application/vnd.schemaregistry.v1+json,"
                                + " application/vnd.schemaregistry+json; qs=0.9,"
                                + " application/json; qs=0.5"));
        assertThat(requests.stream().map(r -> r.method() + " " + r.rawPath()))
                .containsExactly(
                        "POST /subjects/orders%20value%2F1/versions",
                        "POST /subjects/orders%20value%2F1/versions",
                        "POST /subjects/orders%20value%2F1/versions",
                        "GET /schemas/ids/" + 1,
                        "POST /subjects/orders%20value%2F1",
                        "GET /subjects/orders%20value%2F1/versions/latest",
                        "GET /subjects/orders%20value%2F1/versions/1",
                        "GET /subjects/orders%20value%2F1/versions",
                        "GET /subjects",
                        "POST /compatibility/subjects/orders%20value%2F1/versions/latest",
                        "POST /compatibility/subjects/orders%20value%2F1/versions/latest",
                        "POST /compatibility/subjects/no-such-subject/versions/latest",
                        "GET /config",
                        "PUT /config/orders%20value%2F1",
                        "GET /config/orders%20value%2F1?defaultToGlobal=true",
                        "GET /config/other?defaultToGlobal=true",
                        "PUT /config",
                        "GET /config",
                        "DELETE /subjects/orders%20value%2F1",
                        "DELETE /subjects/orders%20value%2F1?permanent=true",
                        "GET /subjects");
    }

    @Test
    void errorAnswersBecomeTheMatchingExceptions() {
        try (HttpSchemaRegistryClient client = client(config(server.url()).build())) {
            client.register("orders-value", V1);

            assertThatThrownBy(() -> client.getSchemaById(42))
                    .isExactlyInstanceOf(SchemaNotFoundException.class)
                    .hasMessage("Schema registry has no schema with id 42 (GET /schemas/ids/42 answered"
                            + " 404, error 40403)");
            assertThatThrownBy(() -> client.lookup("missing-value", V1))
                    .isExactlyInstanceOf(SubjectNotFoundException.class)
                    .hasMessage("Schema registry has no subject 'missing-value' (POST"
                            + " /subjects/missing-value answered 404, error 40401)");
            assertThatThrownBy(() -> client.lookup("orders-value", V2))
                    .isExactlyInstanceOf(SchemaNotFoundException.class)
                    .hasMessage("Schema registry holds no such schema under subject 'orders-value'"
                            + " (POST /subjects/orders-value answered 404, error 40403)");
            assertThatThrownBy(() -> client.getVersion("orders-value", 9))
                    .isExactlyInstanceOf(VersionNotFoundException.class)
                    .hasMessage("Schema registry has no version 9 of subject 'orders-value' (GET"
                            + " /subjects/orders-value/versions/9 answered 404, error 40402)");
            assertThatThrownBy(() -> client.register("orders-value", V3_REQUIRED))
                    .isExactlyInstanceOf(IncompatibleSchemaException.class)
                    .hasMessage("Schema registry rejected the schema for subject 'orders-value' as"
                            + " incompatible (POST /subjects/orders-value/versions answered"
                            + " 409, error 409: Schema registry rejected the schema for subject"
                            + " 'orders-value' as incompatible under compatibility level"
                            + " BACKWARD: the new schema cannot read data written with version"
                            + " 1)")
                    .satisfies(e -> {
                        SchemaRegistryException sre = (SchemaRegistryException) e;
                        assertThat(sre.httpStatus()).isEqualTo(409);
                        assertThat(sre.errorCode()).isEqualTo(409);
                    });

            server.failNextRequests(1, 422, 42201, "Invalid schema: no type");
            assertThatThrownBy(() -> client.register("orders-value", V2))
                    .isExactlyInstanceOf(InvalidSchemaException.class)
                    .hasMessage("Schema registry rejected the schema for subject 'orders-value' as"
                            + " invalid (POST /subjects/orders-value/versions answered 422,"
                            + " error 42201: Invalid schema: no type)");

            server.failNextRequests(1, 422, 42203, "Invalid compatibility level");
            assertThatThrownBy(() -> client.setCompatibility("orders-value", CompatibilityLevel.FULL))
                    .isExactlyInstanceOf(SchemaRegistryException.class)
                    .hasMessage("Schema registry refused to set the compatibility level of subject"
                            + " 'orders-value' to FULL (PUT /config/orders-value answered 422,"
                            + " error 42203: Invalid compatibility level)")
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode())
                            .isEqualTo(42203));
        }
    }

    @Test
    void answersThatAreNotTheRegistrysJsonAreNamedNotMisread() {
        try (HttpSchemaRegistryClient client =
                client(config(server.url()).setMaxRetries(1).build())) {
            server.answerNextRequests(
                    1,
                    200,
                    "application/vnd.schemaregistry.v1+json",
                    "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
            assertThatThrownBy(() -> client.getSchemaById(5))
                    .isExactlyInstanceOf(AvroSerdeException.class)
                    .hasMessage("Schema registry holds a PROTOBUF schema, not Avro: cannot fetch the"
                            + " schema with id 5");

            server.answerNextRequests(1, 200, "text/html", "<html>Login</html>");
            assertThatThrownBy(client::getSubjects)
                    .isExactlyInstanceOf(SchemaRegistryException.class)
                    .hasMessage("Schema registry answered 200 with a body that is not JSON: cannot list"
                            + " the subjects (GET /subjects)");

            server.answerNextRequests(1, 200, "application/json", "{\"unexpected\":true}");
            assertThatThrownBy(() -> client.register("orders-value", V1))
                    .isExactlyInstanceOf(SchemaRegistryException.class)
                    .hasMessage("Schema registry's answer lacks an integer 'id': cannot register a"
                            + " schema under subject 'orders-value' (POST"
                            + " /subjects/orders-value/versions)");

            long before = server.requestCount();
            server.answerNextRequests(2, 502, "text/html", "<html>Bad Gateway</html>");
            assertThatThrownBy(client::getSubjects)
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessage("Schema registry unavailable: cannot list the subjects (GET /subjects)"
                            + " after 2 attempts on ["
                            + server.url()
                            + "]; last failure: "
                            + server.url()
                            + " answered 502 (error 502: <html>Bad Gateway</html>)");
            assertThat(server.requestCount() - before).isEqualTo(2);
        }
    }

    @Test
    void failsOverToTheNextUrlWhenTheFirstIsDownAndSticksToIt() throws IOException {
        String down = "http://127.0.0.1:" + deadPort();
        try (HttpSchemaRegistryClient client =
                client(config(down, server.url()).setMaxRetries(0).build())) {
            int id = client.register("orders-value", V1);
            assertThat(client.getSchemaById(id)).isEqualTo(V1);
        }
        assertThat(server.requestCount()).isEqualTo(2);

        try (RegistryServerFixture failing = RegistryServerFixture.start();
                HttpSchemaRegistryClient client = client(
                        config(failing.url(), server.url()).setMaxRetries(0).build())) {
            failing.failNextRequests(1, 503);
            assertThat(client.getSubjects()).containsExactly("orders-value");
            assertThat(client.getSubjects()).containsExactly("orders-value");
            // The second call went straight to the URL that answered.
            assertThat(failing.requestCount()).isEqualTo(1);
            assertThat(server.requestCount()).isEqualTo(4);
        }
    }

    @Test
    void retriesA5xxWithBackoffThenSucceeds() {
        SchemaRegistryClientConfig config = config(server.url())
                .setMaxRetries(3)
                .setRetryBackoff(Duration.ofMillis(40))
                .setMaxRetryBackoff(Duration.ofMillis(60))
                .build();
        try (HttpSchemaRegistryClient client = client(config)) {
            server.failNextRequests(3, 503);
            long start = System.nanoTime();
            assertThat(client.getSubjects()).isEmpty();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertThat(server.requestCount()).isEqualTo(4);
            // Waits of 40, 80 capped to 60, and 60 ms between the four attempts.
            assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(160));
        }
    }

    @Test
    void neverRetriesA4xx() {
        try (HttpSchemaRegistryClient client =
                client(config(server.url()).setMaxRetries(5).build())) {
            server.failNextRequests(1, 403, 40301, "User is denied operation");
            assertThatThrownBy(client::getSubjects)
                    .isExactlyInstanceOf(SchemaRegistryException.class)
                    .hasMessage("Schema registry refused the credentials: cannot list the subjects (GET"
                            + " /subjects answered 403, error 40301: User is denied"
                            + " operation)");
            assertThat(server.requestCount()).isEqualTo(1);
            assertThatThrownBy(() -> client.getSchemaById(5)).isExactlyInstanceOf(SchemaNotFoundException.class);
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void exhaustionNamesOperationAttemptsAndLastCause() throws IOException {
        try (HttpSchemaRegistryClient client =
                client(config(server.url()).setMaxRetries(2).build())) {
            server.failNextRequests(10, 503, 50301, "Kafka store unavailable");
            assertThatThrownBy(() -> client.getSchemaById(7))
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessage("Schema registry unavailable: cannot fetch the schema with id 7 (GET"
                            + " /schemas/ids/7) after 3 attempts on ["
                            + server.url()
                            + "]; last failure: "
                            + server.url()
                            + " answered 503 (error 50301: Kafka store unavailable)")
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus())
                            .isEqualTo(503));
            assertThat(server.requestCount()).isEqualTo(3);
        }

        String down1 = "http://127.0.0.1:" + deadPort();
        String down2 = "http://127.0.0.1:" + deadPort();
        try (HttpSchemaRegistryClient client =
                client(config(down1, down2).setMaxRetries(1).build())) {
            assertThatThrownBy(() -> client.register("orders-value", V1))
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessage("Schema registry unavailable: cannot register a schema under subject"
                            + " 'orders-value' (POST /subjects/orders-value/versions) after 4"
                            + " attempts on ["
                            + down1
                            + ", "
                            + down2
                            + "]; last failure: "
                            + down2
                            + " failed with ConnectException")
                    .hasCauseInstanceOf(ConnectException.class)
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus())
                            .isEqualTo(-1));
        }
    }

    @Test
    void readTimeoutCountsAsAFailedAttempt() {
        SchemaRegistryClientConfig config = config(server.url())
                .setMaxRetries(0)
                .setReadTimeout(Duration.ofMillis(300))
                .build();
        try (HttpSchemaRegistryClient client = client(config)) {
            server.stallNextRequests(1);
            assertThatThrownBy(client::getSubjects)
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessage("Schema registry unavailable: cannot list the subjects (GET /subjects)"
                            + " after 1 attempt on ["
                            + server.url()
                            + "]; last failure: "
                            + server.url()
                            + " failed with HttpTimeoutException: request timed out")
                    .hasCauseInstanceOf(HttpTimeoutException.class);
        }
    }

    @Test
    void connectTimeoutCountsAsAFailedAttempt() throws IOException {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Nothing accepts: once the accept queue is full, the kernel drops further SYNs.
            List<Socket> queued = new ArrayList<>();
            try {
                while (true) {
                    Socket socket = new Socket();
                    queued.add(socket);
                    socket.connect(full.getLocalSocketAddress(), 200);
                }
            } catch (SocketTimeoutException queueIsFull) {
                // expected: the next connection attempt would hang as well
            }
            String url = "http://127.0.0.1:" + full.getLocalPort();
            SchemaRegistryClientConfig config = config(url)
                    .setMaxRetries(1)
                    .setConnectTimeout(Duration.ofMillis(200))
                    .build();
            try (HttpSchemaRegistryClient client = client(config)) {
                assertThatThrownBy(client::getSubjects)
                        .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                        .hasMessage("Schema registry unavailable: cannot list the subjects (GET"
                                + " /subjects) after 2 attempts on ["
                                + url
                                + "]; last failure: "
                                + url
                                + " failed with HttpConnectTimeoutException: HTTP connect"
                                + " timed out")
                        .hasCauseInstanceOf(HttpConnectTimeoutException.class);
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void basicAuthFromUserInfo() {
        server.requireBasicAuth("alice", "s3cret-pw");
        SchemaRegistryClientConfig good = SchemaRegistryClientConfig.fromMap(Map.of(
                "schema.registry.url", server.url(),
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "alice:s3cret-pw"));
        try (HttpSchemaRegistryClient client = client(good)) {
            assertThat(client.register("orders-value", V1)).isEqualTo(1);
            assertThat(client.toString())
                    .isEqualTo("HttpSchemaRegistryClient{urls=[" + server.url() + "], auth=basic}");
        }
        assertThat(server.requests().get(0).authorization()).isEqualTo("Basic YWxpY2U6czNjcmV0LXB3");

        SchemaRegistryClientConfig wrong = SchemaRegistryClientConfig.fromMap(
                Map.of("schema.registry.url", server.url(), "basic.auth.user.info", "alice:wrong-pw"));
        try (HttpSchemaRegistryClient client = client(wrong)) {
            assertThatThrownBy(() -> client.getSchemaById(1))
                    .isExactlyInstanceOf(SchemaRegistryException.class)
                    .hasMessage("Schema registry refused the credentials: cannot fetch the schema with"
                            + " id 1 (GET /schemas/ids/1 answered 401, error 401:"
                            + " Unauthorized)");
            assertThat(client.toString()).doesNotContain("wrong-pw").doesNotContain("alice");
        }
    }

    @Test
    void basicAuthFromTheUrlNeverShowsTheCredentials() throws IOException {
        server.requireBasicAuth("bob", "hunter2");
        int deadPort = deadPort();
        String withCredentials = "http://bob:hunter2@127.0.0.1:" + server.port();
        String downWithCredentials = "http://bob:hunter2@127.0.0.1:" + deadPort;
        SchemaRegistryClientConfig config = SchemaRegistryClientConfig.fromMap(
                Map.of("schema.registry.url", downWithCredentials + "," + withCredentials, "max.retries", "0"));
        try (LogCapture logs = LogCapture.of(HttpSchemaRegistryClient.class);
                HttpSchemaRegistryClient client = client(config)) {
            assertThat(client.register("orders-value", V1)).isEqualTo(1);
            assertThat(client.toString())
                    .isEqualTo("HttpSchemaRegistryClient{urls=[http://127.0.0.1:"
                            + deadPort
                            + ", "
                            + server.url()
                            + "], auth=basic}");
            // The failover is logged with the URL stripped of its credentials.
            assertThat(logs.text())
                    .isEqualTo("WARN Schema registry call to http://127.0.0.1:"
                            + deadPort
                            + " failed: cannot register a schema under subject"
                            + " 'orders-value' (POST /subjects/orders-value/versions):"
                            + " ConnectException\n");
        }
        assertThat(server.requests().get(0).authorization()).isEqualTo("Basic Ym9iOmh1bnRlcjI=");

        try (LogCapture logs = LogCapture.of(HttpSchemaRegistryClient.class);
                HttpSchemaRegistryClient client = client(SchemaRegistryClientConfig.fromMap(
                        Map.of("schema.registry.url", downWithCredentials, "max.retries", 1)))) {
            assertThatThrownBy(client::getSubjects)
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessage("Schema registry unavailable: cannot list the subjects (GET /subjects)"
                            + " after 2 attempts on [http://127.0.0.1:"
                            + deadPort
                            + "]; last failure: http://127.0.0.1:"
                            + deadPort
                            + " failed with ConnectException")
                    .satisfies(e -> assertThat(e.getCause().toString()).doesNotContain("hunter2"));
            assertThat(logs.text()).doesNotContain("hunter2").doesNotContain("bob");
            assertThat(logs.text().lines()).hasSize(2);
        }
    }

    @Test
    void bearerTokenGoesIntoTheAuthorizationHeaderOnly() {
        server.requireBearer("tok-123-secret");
        SchemaRegistryClientConfig config = SchemaRegistryClientConfig.fromMap(Map.of(
                "schema.registry.url", server.url(),
                "bearer.auth.credentials.source", "STATIC_TOKEN",
                "bearer.auth.token", "tok-123-secret"));
        try (HttpSchemaRegistryClient client = client(config)) {
            assertThat(client.register("orders-value", V1)).isEqualTo(1);
            assertThat(client.toString())
                    .isEqualTo("HttpSchemaRegistryClient{urls=[" + server.url() + "], auth=bearer}");
            server.failNextRequests(1, 401, 401, "Unauthorized");
            assertThatThrownBy(client::getSubjects).message().doesNotContain("tok-123-secret");
        }
        assertThat(server.requests().get(0).authorization()).isEqualTo("Bearer tok-123-secret");
    }

    @Test
    void anInterruptDuringBackoffStopsRetryingAndKeepsTheFlag() throws Exception {
        SchemaRegistryClientConfig config = config(server.url())
                .setMaxRetries(5)
                .setRetryBackoff(Duration.ofSeconds(30))
                .setMaxRetryBackoff(Duration.ofSeconds(30))
                .build();
        server.failNextRequests(100, 503);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptFlag = new AtomicBoolean();
        try (HttpSchemaRegistryClient client = client(config)) {
            Thread caller = new Thread(() -> {
                try {
                    client.getSubjects();
                } catch (RuntimeException e) {
                    thrown.set(e);
                    interruptFlag.set(Thread.currentThread().isInterrupted());
                }
            });
            caller.start();
            // Only the backoff sleeps with a timeout; a send waits without one.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (caller.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(caller.getState()).isEqualTo(Thread.State.TIMED_WAITING);
            assertThat(server.requestCount()).isEqualTo(1);
            caller.interrupt();
            caller.join(Duration.ofSeconds(10).toMillis());
            assertThat(caller.isAlive()).isFalse();
        }
        assertThat(thrown.get())
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Interrupted while waiting to retry: cannot list the subjects (GET" + " /subjects)")
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(interruptFlag).isTrue();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aClosedClientSaysSo() {
        HttpSchemaRegistryClient client = client(config(server.url()).build());
        client.close();
        client.close();
        assertThatThrownBy(client::getSubjects)
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("HttpSchemaRegistryClient is closed; cannot list the subjects");
        assertThat(server.requestCount()).isZero();
    }
}
