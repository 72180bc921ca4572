package dev.streamingblocks.core.avro.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS: a self-signed certificate made with the JDK's keytool, served by HttpsServer. */
class HttpSchemaRegistryClientTlsTest {

    private static final String SERVER_STORE_PASSWORD = "server-store-pw";
    private static final String TRUST_STORE_PASSWORD = "trust-store-pw";

    @TempDir static Path dir;

    private static Path trustJks;
    private static Path trustPkcs12;
    private static RegistryServerFixture server;

    @BeforeAll
    static void createCertificatesAndStartServer() throws Exception {
        Path serverStore = dir.resolve("server.p12");
        Path certificate = dir.resolve("server.cer");
        trustJks = dir.resolve("trust.jks");
        trustPkcs12 = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", serverStore.toString(), "-storetype", "PKCS12",
                "-storepass", SERVER_STORE_PASSWORD, "-keypass", SERVER_STORE_PASSWORD);
        keytool("-exportcert", "-alias", "registry", "-keystore", serverStore.toString(),
                "-storepass", SERVER_STORE_PASSWORD, "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", certificate.toString(),
                "-keystore", trustJks.toString(), "-storetype", "JKS", "-storepass", TRUST_STORE_PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", certificate.toString(),
                "-keystore", trustPkcs12.toString(), "-storetype", "PKCS12", "-storepass", TRUST_STORE_PASSWORD);

        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore)) {
            keyStore.load(in, SERVER_STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, SERVER_STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        server = RegistryServerFixture.startHttps(context);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }

    @Test
    void trustsTheRegistryThroughAJksTrustStore() {
        Map<String, Object> config = Map.of(
                "schema.registry.url", server.url(),
                "schema.registry.ssl.truststore.location", trustJks.toString(),
                "schema.registry.ssl.truststore.password", TRUST_STORE_PASSWORD);
        try (SchemaRegistryClient client = SchemaRegistryClients.create(config)) {
            int id = client.register("tls-jks-value", InMemorySchemaRegistryClientTest.V1);
            assertThat(client.getSchemaById(id)).isEqualTo(InMemorySchemaRegistryClientTest.V1);
        }
    }

    @Test
    void trustsTheRegistryThroughAPkcs12TrustStore() {
        Map<String, Object> config = Map.of(
                "schema.registry.url", server.url(),
                "schema.registry.ssl.truststore.location", trustPkcs12.toString(),
                "schema.registry.ssl.truststore.password", TRUST_STORE_PASSWORD,
                "schema.registry.ssl.truststore.type", "PKCS12");
        try (SchemaRegistryClient client = SchemaRegistryClients.create(config)) {
            assertThat(client.register("tls-p12-value", InMemorySchemaRegistryClientTest.V2)).isPositive();
        }
    }

    @Test
    void theJdkDefaultTrustRejectsASelfSignedRegistry() {
        Map<String, Object> config = Map.of("schema.registry.url", server.url(), "max.retries", 0);
        try (SchemaRegistryClient client = SchemaRegistryClients.create(config)) {
            assertThatThrownBy(client::getSubjects)
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageStartingWith(
                            "Schema registry unavailable: cannot list the subjects (GET /subjects) after 1 attempt on ["
                                    + server.url() + "]; last failure: " + server.url()
                                    + " failed with SSLHandshakeException: ")
                    .hasCauseInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aWrongTrustStorePasswordNamesTheStoreButNotThePassword() {
        Map<String, Object> pkcs12 = Map.of(
                "schema.registry.url", server.url(),
                "schema.registry.ssl.truststore.location", trustPkcs12.toString(),
                "schema.registry.ssl.truststore.password", "not-the-password",
                "schema.registry.ssl.truststore.type", "PKCS12");
        assertThatThrownBy(() -> SchemaRegistryClients.create(pkcs12))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Cannot load the trust store '" + trustPkcs12
                                + "' (schema.registry.ssl.truststore.location, type PKCS12): wrong password"
                                + " (schema.registry.ssl.truststore.password) or a damaged file");

        Map<String, Object> config = Map.of(
                "schema.registry.url", server.url(),
                "schema.registry.ssl.truststore.location", trustJks.toString(),
                "schema.registry.ssl.truststore.password", "not-the-password");
        assertThatThrownBy(() -> SchemaRegistryClients.create(config))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Cannot load the trust store '" + trustJks
                                + "' (schema.registry.ssl.truststore.location, type JKS): wrong password"
                                + " (schema.registry.ssl.truststore.password) or a damaged file")
                .message()
                .doesNotContain("not-the-password");
    }
}
