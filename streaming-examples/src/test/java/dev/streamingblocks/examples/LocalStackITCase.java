package dev.streamingblocks.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack's Kafka, registry and PostgreSQL data survive a restart on the same work directory; --wipe removes it. */
class LocalStackITCase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOPIC = "kept-records";

    @TempDir
    Path workDir;

    @Test
    void dataSurvivesARestartOnTheSamePortsAndWipeStartsEmpty() throws Exception {
        // Fixed ports as Main sets the article's 9092/8081/5432, but free ones: tests never rely on those.
        int kafkaPort = LocalStack.freePort();
        int registryPort = LocalStack.freePort();
        int postgresPort = LocalStack.freePort();
        LocalStack.Builder fixedPorts = LocalStack.builder()
                .setWorkDirectory(workDir)
                .setKafkaPort(kafkaPort)
                .setRegistryPort(registryPort)
                .setPostgresPort(postgresPort);
        try (LocalStack stack = fixedPorts.build().start()) {
            assertThat(stack.bootstrapServers()).isEqualTo("localhost:" + kafkaPort);
            assertThat(stack.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:" + registryPort);
            assertThat(stack.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:" + postgresPort + "/analytics");
            // The stack's own local password, which psql users need; it never takes one from the user.
            assertThat(stack.describe())
                    .isEqualTo(String.join(
                            "\n",
                            "  Kafka bootstrap servers  localhost:" + kafkaPort,
                            "  Schema registry          http://127.0.0.1:" + registryPort,
                            "  PostgreSQL JDBC URL      jdbc:postgresql://localhost:" + postgresPort
                                    + "/analytics  (user analytics, password analytics-secret)",
                            "  Work directory           " + workDir));
            try (Connection c = connect(stack);
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (id INT PRIMARY KEY)");
                s.execute("INSERT INTO kept VALUES (42)");
            }
            HttpResponse<String> registered = HTTP.send(
                    HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/subjects/orders-value/versions"))
                            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"schema\": \"\\\"string\\\"\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
            stack.kafka().createTopic(TOPIC, 1);
            stack.kafka().produce(List.of(new ProducerRecord<>(TOPIC, "k".getBytes(UTF_8), "kept".getBytes(UTF_8))));
        }

        try (LocalStack stack = fixedPorts.build().start()) {
            assertThat(stack.bootstrapServers()).isEqualTo("localhost:" + kafkaPort);
            try (Connection c = connect(stack);
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT id FROM kept")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getInt(1)).isEqualTo(42);
                assertThat(r.next()).isFalse();
            }
            assertThat(subjects(stack)).isEqualTo("[\"orders-value\"]");
            assertThat(stack.kafka().consume(TOPIC, 1, Duration.ofSeconds(30)))
                    .extracting(r -> new String(r.value(), UTF_8))
                    .containsExactly("kept");
        }

        try (LocalStack stack = LocalStack.builder()
                .setWorkDirectory(workDir)
                .setWipe(true)
                .build()
                .start()) {
            try (Connection c = connect(stack);
                    Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT id FROM kept"))
                        .hasMessageContaining("relation \"kept\" does not exist");
            }
            assertThat(subjects(stack)).isEqualTo("[]");
            try (Admin admin = stack.kafka().createAdmin()) {
                assertThat(admin.listTopics().names().get()).doesNotContain(TOPIC);
            }
        }
    }

    @Test
    void withoutPostgresItsAddressIsAClearError() {
        try (LocalStack stack = LocalStack.builder()
                .setWorkDirectory(workDir)
                .setPostgres(false)
                .build()
                .start()) {
            assertThat(stack.hasPostgres()).isFalse();
            assertThatThrownBy(stack::jdbcUrl)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("PostgreSQL is not running in this LocalStack (not started, or disabled)");
        }
    }

    @Test
    void aTakenPortFailsTheStartSayingWhatToPassInstead() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> LocalStack.builder()
                            .setWorkDirectory(workDir)
                            .setPostgres(false)
                            .setRegistryPort(port)
                            .build()
                            .start())
                    .isInstanceOf(LocalStack.PortInUseException.class)
                    .hasMessage("Port " + port + " for the schema registry is already in use (Address already in"
                            + " use); stop what holds it (another local stack?), or pass --registry-port PORT with a"
                            + " free port (0 picks one).");
        }
    }

    private static String subjects(LocalStack stack) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/subjects"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static Connection connect(LocalStack stack) throws Exception {
        return java.sql.DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
    }
}
