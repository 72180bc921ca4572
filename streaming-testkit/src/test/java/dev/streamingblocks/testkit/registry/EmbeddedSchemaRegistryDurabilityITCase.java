package dev.streamingblocks.testkit.registry;

import static dev.streamingblocks.testkit.registry.RegistryHttp.tree;
import static dev.streamingblocks.testkit.registry.TestSchemas.ORDER_V1;
import static dev.streamingblocks.testkit.registry.TestSchemas.ORDER_V2;
import static dev.streamingblocks.testkit.registry.TestSchemas.PAYMENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.testkit.registry.RegistryHttp.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage file: everything survives a restart, ids stay stable and keep counting. */
class EmbeddedSchemaRegistryDurabilityITCase {

    @TempDir
    Path dir;

    private static EmbeddedSchemaRegistry started(Path file) {
        EmbeddedSchemaRegistry registry =
                EmbeddedSchemaRegistry.builder().setStorageFile(file).build();
        registry.start();
        return registry;
    }

    private static String registerLine(String subject, int version, int id, String schema) {
        return RegistryHttp.json(RegistryHttp.MAPPER
                .createObjectNode()
                .put("op", "register")
                .put("subject", subject)
                .put("version", version)
                .put("id", id)
                .put("schema", schema));
    }

    @Test
    void aSecondRegistryOnTheSameFileIsRefusedUntilTheFirstCloses() throws Exception {
        // Two writers would hand out the same new ids for different schemas, and the replay
        // would then resolve one writer's id to the other's schema.
        Path file = dir.resolve("shared.jsonl");
        try (EmbeddedSchemaRegistry first = started(file)) {
            EmbeddedSchemaRegistry second =
                    EmbeddedSchemaRegistry.builder().setStorageFile(file).build();
            assertThatThrownBy(second::start)
                    .isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessage("Schema registry storage file " + file
                            + " is in use by another registry (in this or another process)");
            second.close();
            assertThat(new RegistryHttp(first.url())
                            .register("orders-value", ORDER_V1)
                            .body())
                    .isEqualTo(tree("{\"id\":1}"));
        }
        try (EmbeddedSchemaRegistry again = started(file)) {
            assertThat(new RegistryHttp(again.url()).get("/subjects").body()).isEqualTo(tree("[\"orders-value\"]"));
        }
    }

    @Test
    void idsVersionsDeletesAndConfigSurviveARestart() throws Exception {
        Path file = dir.resolve("registry.jsonl");
        try (EmbeddedSchemaRegistry registry = started(file)) {
            RegistryHttp http = new RegistryHttp(registry.url());
            assertThat(http.register("orders-value", ORDER_V1).body()).isEqualTo(tree("{\"id\":1}"));
            assertThat(http.register("orders-value", ORDER_V2).body()).isEqualTo(tree("{\"id\":2}"));
            assertThat(http.register("payments-value", PAYMENT).body()).isEqualTo(tree("{\"id\":3}"));
            assertThat(http.register("copy-value", ORDER_V1).body()).isEqualTo(tree("{\"id\":1}"));
            assertThat(http.delete("/subjects/payments-value").status()).isEqualTo(200);
            assertThat(http.delete("/subjects/copy-value/versions/1").status()).isEqualTo(200);
            assertThat(http.delete("/subjects/copy-value/versions/1?permanent=true")
                            .status())
                    .isEqualTo(200);
            assertThat(http.put("/config/orders-value", "{\"compatibility\":\"FULL\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(http.put("/config", "{\"compatibility\":\"NONE\"}").status())
                    .isEqualTo(200);
        }

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines)
                .containsExactly(
                        "{\"op\":\"register\",\"subject\":\"orders-value\",\"version\":1,\"id\":1,\"schema\":"
                                + RegistryHttp.json(ORDER_V1) + "}",
                        "{\"op\":\"register\",\"subject\":\"orders-value\",\"version\":2,\"id\":2,\"schema\":"
                                + RegistryHttp.json(ORDER_V2) + "}",
                        "{\"op\":\"register\",\"subject\":\"payments-value\",\"version\":1,\"id\":3,\"schema\":"
                                + RegistryHttp.json(PAYMENT) + "}",
                        "{\"op\":\"register\",\"subject\":\"copy-value\",\"version\":1,\"id\":1,\"schema\":"
                                + RegistryHttp.json(ORDER_V1) + "}",
                        "{\"op\":\"delete_subject\",\"subject\":\"payments-value\",\"permanent\":false}",
                        "{\"op\":\"delete_version\",\"subject\":\"copy-value\",\"version\":1,\"permanent\":false}",
                        "{\"op\":\"delete_version\",\"subject\":\"copy-value\",\"version\":1,\"permanent\":true}",
                        "{\"op\":\"config\",\"subject\":\"orders-value\",\"compatibility\":\"FULL\"}",
                        "{\"op\":\"config\",\"subject\":null,\"compatibility\":\"NONE\"}");

        try (EmbeddedSchemaRegistry registry = started(file)) {
            RegistryHttp http = new RegistryHttp(registry.url());
            assertThat(http.get("/subjects").body()).isEqualTo(tree("[\"orders-value\"]"));
            assertThat(http.get("/subjects?deleted=true").body())
                    .isEqualTo(tree("[\"orders-value\",\"payments-value\"]"));
            assertThat(http.get("/subjects/orders-value/versions").body()).isEqualTo(tree("[1,2]"));
            assertThat(http.get("/subjects/orders-value/versions/latest").body())
                    .isEqualTo(RegistryHttp.MAPPER
                            .createObjectNode()
                            .put("subject", "orders-value")
                            .put("version", 2)
                            .put("id", 2)
                            .put("schema", ORDER_V2));
            // The soft-deleted subject's id still resolves.
            assertThat(http.get("/schemas/ids/3").body())
                    .isEqualTo(RegistryHttp.MAPPER.createObjectNode().put("schema", PAYMENT));
            assertThat(http.get("/config/orders-value").body()).isEqualTo(tree("{\"compatibilityLevel\":\"FULL\"}"));
            assertThat(http.get("/config").body()).isEqualTo(tree("{\"compatibilityLevel\":\"NONE\"}"));

            // New ids continue after the highest; known schemas keep their ids.
            String fresh = TestSchemas.order(TestSchemas.ID + ",{\"name\":\"fresh\",\"type\":\"int\",\"default\":1}");
            assertThat(http.register("orders-value", fresh).body()).isEqualTo(tree("{\"id\":4}"));
            assertThat(http.register("other-value", ORDER_V1).body()).isEqualTo(tree("{\"id\":1}"));
            assertThat(http.register("payments-value", PAYMENT).body()).isEqualTo(tree("{\"id\":3}"));
        }

        try (EmbeddedSchemaRegistry registry = started(file)) {
            RegistryHttp http = new RegistryHttp(registry.url());
            assertThat(http.get("/subjects/orders-value/versions").body()).isEqualTo(tree("[1,2,3]"));
            assertThat(http.get("/subjects/payments-value/versions").body()).isEqualTo(tree("[2]"));
            assertThat(http.register(
                                    "more-value",
                                    TestSchemas.order(TestSchemas.ID + ",{\"name\":\"more\",\"type\":\"int\"}"))
                            .body())
                    .isEqualTo(tree("{\"id\":5}"));
        }
    }

    @Test
    void dropsATornLastLineAndAppendsAfterTheLastCompleteEvent() throws Exception {
        Path file = dir.resolve("torn.jsonl");
        Files.writeString(
                file,
                registerLine("torn-value", 1, 7, ORDER_V1) + "\n" + "{\"op\":\"register\",\"subj",
                StandardCharsets.UTF_8);

        try (EmbeddedSchemaRegistry registry = started(file)) {
            RegistryHttp http = new RegistryHttp(registry.url());
            assertThat(http.get("/subjects").body()).isEqualTo(tree("[\"torn-value\"]"));
            assertThat(http.register("torn-value", ORDER_V2).body()).isEqualTo(tree("{\"id\":8}"));
        }

        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
                .containsExactly(
                        registerLine("torn-value", 1, 7, ORDER_V1), registerLine("torn-value", 2, 8, ORDER_V2));
    }

    @Test
    void refusesToStartOnACorruptLineInTheMiddle() throws Exception {
        Path file = dir.resolve("corrupt.jsonl");
        Files.writeString(
                file,
                registerLine("a-value", 1, 1, ORDER_V1) + "\nnot json at all\n"
                        + registerLine("a-value", 2, 2, ORDER_V2) + "\n",
                StandardCharsets.UTF_8);

        EmbeddedSchemaRegistry registry =
                EmbeddedSchemaRegistry.builder().setStorageFile(file).build();
        assertThatThrownBy(registry::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Schema registry storage file " + file + " has an unreadable line 2: ");
        registry.close();
    }

    @Test
    void refusesToStartOnAnEventItCannotReplay() throws Exception {
        Path file = dir.resolve("unknown-op.jsonl");
        Files.writeString(
                file, registerLine("a-value", 1, 1, ORDER_V1) + "\n{\"op\":\"explode\"}\n", StandardCharsets.UTF_8);

        EmbeddedSchemaRegistry registry =
                EmbeddedSchemaRegistry.builder().setStorageFile(file).build();
        assertThatThrownBy(registry::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Schema registry storage file " + file
                        + ": cannot replay event 2 (explode): unknown op 'explode'");
        registry.close();
    }

    @Test
    void anInMemoryRegistryStartsEmptyEachTime() {
        try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.builder().build()) {
            first.start();
            Reply reply = new RegistryHttp(first.url()).register("memory-value", ORDER_V1);
            assertThat(reply.body()).isEqualTo(tree("{\"id\":1}"));
        }
        try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.builder().build()) {
            second.start();
            assertThat(new RegistryHttp(second.url()).get("/subjects").body()).isEqualTo(tree("[]"));
        }
    }
}
