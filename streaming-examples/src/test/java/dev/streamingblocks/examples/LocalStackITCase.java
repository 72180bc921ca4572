package dev.streamingblocks.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack's registry and PostgreSQL data survive a restart on the same work directory; --wipe removes it. */
class LocalStackITCase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path workDir;

    @Test
    void dataSurvivesARestartAndWipeStartsEmpty() throws Exception {
        try (LocalStack stack = LocalStack.builder().setWorkDirectory(workDir).build().start()) {
            assertThat(stack.describe()).contains(stack.bootstrapServers(), stack.schemaRegistryUrl(), stack.jdbcUrl())
                    .doesNotContain(stack.jdbcPassword());
            try (Connection c = connect(stack); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (id INT PRIMARY KEY)");
                s.execute("INSERT INTO kept VALUES (42)");
            }
            HttpResponse<String> registered = HTTP.send(HttpRequest.newBuilder(
                            URI.create(stack.schemaRegistryUrl() + "/subjects/orders-value/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"schema\": \"\\\"string\\\"\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        }

        try (LocalStack stack = LocalStack.builder().setWorkDirectory(workDir).build().start()) {
            try (Connection c = connect(stack); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT id FROM kept")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getInt(1)).isEqualTo(42);
                assertThat(r.next()).isFalse();
            }
            assertThat(subjects(stack)).isEqualTo("[\"orders-value\"]");
        }

        try (LocalStack stack = LocalStack.builder().setWorkDirectory(workDir).setWipe(true).build().start()) {
            try (Connection c = connect(stack); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT id FROM kept"))
                        .hasMessageContaining("relation \"kept\" does not exist");
            }
            assertThat(subjects(stack)).isEqualTo("[]");
        }
    }

    @Test
    void withoutPostgresItsAddressIsAClearError() {
        try (LocalStack stack = LocalStack.builder().setWorkDirectory(workDir).setPostgres(false).build().start()) {
            assertThat(stack.hasPostgres()).isFalse();
            assertThatThrownBy(stack::jdbcUrl).isInstanceOf(IllegalStateException.class)
                    .hasMessage("PostgreSQL is not running in this LocalStack (not started, or disabled)");
        }
    }

    private static String subjects(LocalStack stack) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Connection connect(LocalStack stack) throws Exception {
        return java.sql.DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
    }
}
