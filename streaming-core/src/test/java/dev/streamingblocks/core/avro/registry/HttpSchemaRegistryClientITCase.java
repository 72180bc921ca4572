package dev.streamingblocks.core.avro.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client against the testkit's embedded Confluent-compatible registry. */
class HttpSchemaRegistryClientITCase {

    private static final Schema V1 = InMemorySchemaRegistryClientTest.V1;
    private static final Schema V2 = InMemorySchemaRegistryClientTest.V2;
    private static final Schema V3_REQUIRED = InMemorySchemaRegistryClientTest.V3_REQUIRED;
    private static final AtomicInteger SUBJECTS = new AtomicInteger();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    /** Tests share one registry: each uses its own subjects. */
    private static String uniqueSubject(String name) {
        return name + "-" + SUBJECTS.incrementAndGet() + "-value";
    }

    private static Map<String, Object> config(String urls) {
        Map<String, Object> config = new HashMap<>();
        config.put("schema.registry.url", urls);
        config.put("retries.wait.ms", 5);
        config.put("retries.max.wait.ms", 20);
        return config;
    }

    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void roundTripAndErrorMappingAgainstTheRegistry() {
        String subject = uniqueSubject("round-trip");
        try (HttpSchemaRegistryClient client =
                new HttpSchemaRegistryClient(SchemaRegistryClientConfig.fromMap(config(REGISTRY.url())))) {
            int id1 = client.register(subject, V1);
            int id2 = client.register(subject, V2);
            assertThat(client.register(subject, V1)).isEqualTo(id1);
            assertThat(client.getSchemaById(id2)).isEqualTo(V2);
            assertThat(client.lookup(subject, V1)).isEqualTo(new RegisteredSchema(subject, id1, 1, V1));
            assertThat(client.getLatestVersion(subject)).isEqualTo(new RegisteredSchema(subject, id2, 2, V2));
            assertThat(client.getVersions(subject)).containsExactly(1, 2);
            assertThat(client.getSubjects()).contains(subject);
            assertThat(client.testCompatibility(subject, V3_REQUIRED)).isFalse();
            assertThat(client.getCompatibility(subject)).isEqualTo(CompatibilityLevel.BACKWARD);

            assertThatThrownBy(() -> client.register(subject, V3_REQUIRED))
                    .isExactlyInstanceOf(IncompatibleSchemaException.class)
                    .hasMessageStartingWith("Schema registry rejected the schema for subject '"
                            + subject
                            + "' as incompatible (POST /subjects/"
                            + subject
                            + "/versions answered 409, error 409: Schema being registered"
                            + " is incompatible with an earlier schema for subject \""
                            + subject
                            + "\", details: ");
            assertThatThrownBy(() -> client.getSchemaById(999_999))
                    .isExactlyInstanceOf(SchemaNotFoundException.class)
                    .hasMessage("Schema registry has no schema with id 999999 (GET /schemas/ids/999999"
                            + " answered 404, error 40403)");
            assertThatThrownBy(() -> client.getVersion(subject, 7))
                    .isExactlyInstanceOf(VersionNotFoundException.class)
                    .hasMessage("Schema registry has no version 7 of subject '"
                            + subject
                            + "' (GET /subjects/"
                            + subject
                            + "/versions/7 answered 404, error 40402)");
            String missing = uniqueSubject("missing");
            assertThatThrownBy(() -> client.lookup(missing, V1))
                    .isExactlyInstanceOf(SubjectNotFoundException.class)
                    .hasMessage("Schema registry has no subject '"
                            + missing
                            + "' (POST /subjects/"
                            + missing
                            + " answered 404, error 40401)");
            assertThatThrownBy(() -> client.lookup(subject, V3_REQUIRED))
                    .isExactlyInstanceOf(SchemaNotFoundException.class)
                    .hasMessage("Schema registry holds no such schema under subject '"
                            + subject
                            + "' (POST /subjects/"
                            + subject
                            + " answered 404, error 40403)");

            client.setCompatibility(subject, CompatibilityLevel.NONE);
            assertThat(client.getCompatibility(subject)).isEqualTo(CompatibilityLevel.NONE);
            assertThat(client.register(subject, V3_REQUIRED)).isGreaterThan(id2);
            assertThat(client.deleteSubject(subject, false)).containsExactly(1, 2, 3);
            assertThat(client.deleteSubject(subject, true)).containsExactly(1, 2, 3);
            assertThat(client.getSubjects()).doesNotContain(subject);
        }
    }

    @Test
    void retriesInjected5xxThenSucceedsAndNeverRetries4xx() {
        EmbeddedSchemaRegistry registry = REGISTRY.registry();
        Map<String, Object> config = config(REGISTRY.url());
        config.put("max.retries", 3);
        try (HttpSchemaRegistryClient client =
                new HttpSchemaRegistryClient(SchemaRegistryClientConfig.fromMap(config))) {
            String subject = uniqueSubject("retry");
            long before = registry.requestCount();
            registry.failNextRequests(2, 503);
            int id = client.register(subject, V1);
            assertThat(registry.requestCount() - before).isEqualTo(3);
            assertThat(client.getSchemaById(id)).isEqualTo(V1);

            before = registry.requestCount();
            registry.failNextRequests(1, 429);
            assertThatThrownBy(client::getSubjects)
                    .isExactlyInstanceOf(SchemaRegistryException.class)
                    .hasMessage("Schema registry refused to list the subjects (GET /subjects answered"
                            + " 429, error 429: Injected failure"
                            + " (EmbeddedSchemaRegistry.failNextRequests))");
            assertThat(registry.requestCount() - before).isEqualTo(1);

            before = registry.requestCount();
            registry.failNextRequests(10, 500);
            assertThatThrownBy(() -> client.getSchemaById(id))
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessage("Schema registry unavailable: cannot fetch the schema with id "
                            + id
                            + " (GET /schemas/ids/"
                            + id
                            + ") after 4 attempts on ["
                            + REGISTRY.url()
                            + "]; last failure: "
                            + REGISTRY.url()
                            + " answered 500 (error 500: Injected failure"
                            + " (EmbeddedSchemaRegistry.failNextRequests))");
            assertThat(registry.requestCount() - before).isEqualTo(4);
            registry.failNextRequests(0, 500);
        }
    }

    @Test
    void failsOverFromADeadUrlToTheRegistry() throws IOException {
        String dead = "http://127.0.0.1:" + deadPort();
        Map<String, Object> config = config(dead + "," + REGISTRY.url());
        config.put("max.retries", 0);
        try (HttpSchemaRegistryClient client =
                new HttpSchemaRegistryClient(SchemaRegistryClientConfig.fromMap(config))) {
            String subject = uniqueSubject("failover");
            long before = REGISTRY.registry().requestCount();
            int id = client.register(subject, V1);
            assertThat(client.getSchemaById(id)).isEqualTo(V1);
            assertThat(REGISTRY.registry().requestCount() - before).isEqualTo(2);
        }
    }

    @Test
    void cachingClientMakesNoRequestsInSteadyState() {
        String subject = uniqueSubject("cache");
        try (SchemaRegistryClient client = SchemaRegistryClients.create(config(REGISTRY.url()))) {
            long before = REGISTRY.registry().requestCount();
            int id = client.register(subject, V1);
            client.lookup(subject, V1);
            assertThat(REGISTRY.registry().requestCount() - before).isEqualTo(2);
            long warm = REGISTRY.registry().requestCount();
            for (int i = 0; i < 1_000; i++) {
                assertThat(client.register(subject, V1)).isEqualTo(id);
                assertThat(client.getSchemaById(id)).isSameAs(V1);
                assertThat(client.lookup(subject, V1).version()).isEqualTo(1);
            }
            assertThat(REGISTRY.registry().requestCount()).isEqualTo(warm);
        }
    }

    @Test
    void basicAuthFromUserInfoAndFromTheUrl() throws IOException {
        try (EmbeddedSchemaRegistry secured = EmbeddedSchemaRegistry.builder()
                .setBasicAuth("carol", "pa55-word")
                .build()) {
            secured.start();
            Map<String, Object> userInfo = config(secured.url());
            userInfo.put("basic.auth.credentials.source", "USER_INFO");
            userInfo.put("basic.auth.user.info", "carol:pa55-word");
            try (SchemaRegistryClient client = SchemaRegistryClients.create(userInfo)) {
                assertThat(client.register("auth-value", V1)).isEqualTo(1);
            }

            String withCredentials = "http://carol:pa55-word@127.0.0.1:" + secured.port();
            try (SchemaRegistryClient client = SchemaRegistryClients.create(config(withCredentials))) {
                assertThat(client.lookup("auth-value", V1).id()).isEqualTo(1);
                assertThat(client.toString()).doesNotContain("pa55-word");
            }

            Map<String, Object> wrong = config("http://carol:wrong-word@127.0.0.1:" + secured.port());
            try (SchemaRegistryClient client = SchemaRegistryClients.create(wrong)) {
                assertThatThrownBy(() -> client.getSchemaById(1))
                        .isExactlyInstanceOf(SchemaRegistryException.class)
                        .hasMessage("Schema registry refused the credentials: cannot fetch the schema"
                                + " with id 1 (GET /schemas/ids/1 answered 401, error 401:"
                                + " Unauthorized)");
            }

            Map<String, Object> none = config(secured.url());
            try (SchemaRegistryClient client = SchemaRegistryClients.create(none)) {
                assertThatThrownBy(client::getSubjects)
                        .isExactlyInstanceOf(SchemaRegistryException.class)
                        .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus())
                                .isEqualTo(401));
            }
        }
    }
}
