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
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TLS: self-signed certificates made with the JDK's keytool, served by HttpsServer, one server
 * that only authenticates itself and one that also demands a client certificate.
 */
class HttpSchemaRegistryClientTlsITCase {

    private static final String SERVER_STORE_PASSWORD = "server-store-pw";
    private static final String TRUST_STORE_PASSWORD = "trust-store-pw";
    private static final String CLIENT_STORE_PASSWORD = "client-store-pw";

    @TempDir
    static Path dir;

    private static Path trustJks;
    private static Path trustPkcs12;
    private static Path clientPkcs12;
    private static RegistryServerFixture server;
    private static RegistryServerFixture mutualTlsServer;

    @BeforeAll
    static void createCertificatesAndStartServers() throws Exception {
        Path serverStore = dir.resolve("server.p12");
        Path serverCertificate = dir.resolve("server.cer");
        Path clientCertificate = dir.resolve("client.cer");
        Path serverTrust = dir.resolve("server-trust.p12");
        trustJks = dir.resolve("trust.jks");
        trustPkcs12 = dir.resolve("trust.p12");
        clientPkcs12 = dir.resolve("client.p12");

        generateKeyPair("registry", "CN=localhost", serverStore, SERVER_STORE_PASSWORD);
        exportCertificate("registry", serverStore, SERVER_STORE_PASSWORD, serverCertificate);
        importCertificate(serverCertificate, trustJks, "JKS", TRUST_STORE_PASSWORD);
        importCertificate(serverCertificate, trustPkcs12, "PKCS12", TRUST_STORE_PASSWORD);

        generateKeyPair("client", "CN=registry-client", clientPkcs12, CLIENT_STORE_PASSWORD);
        exportCertificate("client", clientPkcs12, CLIENT_STORE_PASSWORD, clientCertificate);
        importCertificate(clientCertificate, serverTrust, "PKCS12", SERVER_STORE_PASSWORD);

        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(serverStore, SERVER_STORE_PASSWORD), SERVER_STORE_PASSWORD.toCharArray());
        SSLContext serverOnly = SSLContext.getInstance("TLS");
        serverOnly.init(kmf.getKeyManagers(), null, null);
        server = RegistryServerFixture.startHttps(serverOnly, false);

        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(serverTrust, SERVER_STORE_PASSWORD));
        SSLContext mutual = SSLContext.getInstance("TLS");
        mutual.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        mutualTlsServer = RegistryServerFixture.startHttps(mutual, true);
    }

    @AfterAll
    static void stopServers() {
        if (server != null) {
            server.close();
        }
        if (mutualTlsServer != null) {
            mutualTlsServer.close();
        }
    }

    private static KeyStore load(Path path, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static void generateKeyPair(String alias, String dname, Path store, String password) throws Exception {
        keytool(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                dname,
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password,
                "-keypass",
                password);
    }

    private static void exportCertificate(String alias, Path store, String password, Path file) throws Exception {
        keytool(
                "-exportcert",
                "-alias",
                alias,
                "-keystore",
                store.toString(),
                "-storepass",
                password,
                "-file",
                file.toString());
    }

    private static void importCertificate(Path file, Path store, String type, String password) throws Exception {
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "peer",
                "-file",
                file.toString(),
                "-keystore",
                store.toString(),
                "-storetype",
                type,
                "-storepass",
                password);
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
    void presentsAClientCertificateFromTheKeyStoreForMutualTls() {
        Map<String, Object> config = Map.of(
                "schema.registry.url",
                mutualTlsServer.url(),
                "schema.registry.ssl.truststore.location",
                trustJks.toString(),
                "schema.registry.ssl.truststore.password",
                TRUST_STORE_PASSWORD,
                "schema.registry.ssl.keystore.location",
                clientPkcs12.toString(),
                "schema.registry.ssl.keystore.password",
                CLIENT_STORE_PASSWORD,
                "schema.registry.ssl.keystore.type",
                "PKCS12");
        try (SchemaRegistryClient client = SchemaRegistryClients.create(config)) {
            int id = client.register("mtls-value", InMemorySchemaRegistryClientTest.V1);
            assertThat(client.getSchemaById(id)).isEqualTo(InMemorySchemaRegistryClientTest.V1);
            assertThat(client.toString()).doesNotContain(CLIENT_STORE_PASSWORD);
        }
        assertThat(mutualTlsServer.requestCount()).isEqualTo(1);
    }

    @Test
    void withoutAClientCertificateAMutualTlsRegistryIsUnreachable() {
        Map<String, Object> config = Map.of(
                "schema.registry.url",
                mutualTlsServer.url(),
                "schema.registry.ssl.truststore.location",
                trustJks.toString(),
                "schema.registry.ssl.truststore.password",
                TRUST_STORE_PASSWORD,
                "max.retries",
                0);
        long before = mutualTlsServer.requestCount();
        try (SchemaRegistryClient client = SchemaRegistryClients.create(config)) {
            assertThatThrownBy(client::getSubjects)
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageStartingWith("Schema registry unavailable: cannot list the subjects (GET /subjects)"
                            + " after 1 attempt on ["
                            + mutualTlsServer.url()
                            + "]; last failure: "
                            + mutualTlsServer.url()
                            + " failed with ")
                    .hasCauseInstanceOf(IOException.class);
        }
        assertThat(mutualTlsServer.requestCount()).isEqualTo(before);
    }

    @Test
    void aWrongKeyStorePasswordNamesTheStoreButNotThePassword() {
        Map<String, Object> config = Map.of(
                "schema.registry.url",
                mutualTlsServer.url(),
                "schema.registry.ssl.keystore.location",
                clientPkcs12.toString(),
                "schema.registry.ssl.keystore.password",
                "bad-client-pw",
                "schema.registry.ssl.keystore.type",
                "PKCS12");
        assertThatThrownBy(() -> SchemaRegistryClients.create(config))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot load the key store '"
                        + clientPkcs12
                        + "' (schema.registry.ssl.keystore.location, type PKCS12): wrong"
                        + " password (schema.registry.ssl.keystore.password) or a damaged"
                        + " file");
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
                "schema.registry.url",
                server.url(),
                "schema.registry.ssl.truststore.location",
                trustPkcs12.toString(),
                "schema.registry.ssl.truststore.password",
                TRUST_STORE_PASSWORD,
                "schema.registry.ssl.truststore.type",
                "PKCS12");
        try (SchemaRegistryClient client = SchemaRegistryClients.create(config)) {
            assertThat(client.register("tls-p12-value", InMemorySchemaRegistryClientTest.V2))
                    .isPositive();
        }
    }

    @Test
    void theJdkDefaultTrustRejectsASelfSignedRegistry() {
        Map<String, Object> config = Map.of("schema.registry.url", server.url(), "max.retries", 0);
        try (SchemaRegistryClient client = SchemaRegistryClients.create(config)) {
            assertThatThrownBy(client::getSubjects)
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessageStartingWith("Schema registry unavailable: cannot list the subjects (GET /subjects)"
                            + " after 1 attempt on ["
                            + server.url()
                            + "]; last failure: "
                            + server.url()
                            + " failed with SSLHandshakeException: ")
                    .hasCauseInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aWrongTrustStorePasswordNamesTheStoreButNotThePassword() {
        Map<String, Object> pkcs12 = Map.of(
                "schema.registry.url",
                server.url(),
                "schema.registry.ssl.truststore.location",
                trustPkcs12.toString(),
                "schema.registry.ssl.truststore.password",
                "not-the-password",
                "schema.registry.ssl.truststore.type",
                "PKCS12");
        assertThatThrownBy(() -> SchemaRegistryClients.create(pkcs12))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot load the trust store '"
                        + trustPkcs12
                        + "' (schema.registry.ssl.truststore.location, type PKCS12): wrong"
                        + " password (schema.registry.ssl.truststore.password) or a damaged"
                        + " file");

        Map<String, Object> config = Map.of(
                "schema.registry.url", server.url(),
                "schema.registry.ssl.truststore.location", trustJks.toString(),
                "schema.registry.ssl.truststore.password", "not-the-password");
        assertThatThrownBy(() -> SchemaRegistryClients.create(config))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot load the trust store '"
                        + trustJks
                        + "' (schema.registry.ssl.truststore.location, type JKS): wrong"
                        + " password (schema.registry.ssl.truststore.password) or a damaged"
                        + " file")
                .message()
                .doesNotContain("not-the-password");
    }
}
