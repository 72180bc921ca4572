package dev.streamingblocks.testkit.registry;

import static dev.streamingblocks.testkit.registry.RegistryHttp.tree;
import static dev.streamingblocks.testkit.registry.TestSchemas.ORDER_V1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry as its own process, the way a developer runs it for local jobs. */
class EmbeddedSchemaRegistryMainITCase {

    private static final String READY = "Schema registry serving at ";

    @TempDir
    Path dir;

    /** A child JVM running {@link EmbeddedSchemaRegistry#main}; returns once it serves. */
    private record Child(Process process, String url) implements AutoCloseable {
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Child launch(String userInfo, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EmbeddedSchemaRegistry.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (userInfo != null) {
            builder.environment().put("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", userInfo);
        }
        Process process = builder.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = new CompletableFuture<>();
        // Reads the whole output so the child never blocks on a full pipe.
        Thread reader = new Thread(
                () -> {
                    try {
                        for (String line = out.readLine(); line != null; line = out.readLine()) {
                            if (line.startsWith(READY)) {
                                url.complete(line.substring(READY.length()));
                            }
                        }
                        url.completeExceptionally(new IllegalStateException("registry process ended without serving"));
                    } catch (IOException e) {
                        url.completeExceptionally(e);
                    }
                },
                "registry-child-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new Child(process, url.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    @Test
    void servesFromItsOwnProcessAndKeepsSchemasAcrossRestarts() throws Exception {
        Path storage = dir.resolve("local.jsonl");
        try (Child child = launch(null, "--port", "0", "--storage-file", storage.toString())) {
            RegistryHttp http = new RegistryHttp(child.url());
            assertThat(http.register("local-value", ORDER_V1).body()).isEqualTo(tree("{\"id\":1}"));
        }
        try (Child child =
                launch(null, "--port", "0", "--storage-file", storage.toString(), "--default-compatibility", "FULL")) {
            RegistryHttp http = new RegistryHttp(child.url());
            assertThat(http.get("/subjects/local-value/versions/latest")
                            .body()
                            .get("id")
                            .asInt())
                    .isEqualTo(1);
            assertThat(http.get("/config").body()).isEqualTo(tree("{\"compatibilityLevel\":\"FULL\"}"));
        }
    }

    @Test
    void takesCredentialsFromTheEnvironment() throws Exception {
        try (Child child = launch("local:pw-env", "--port", "0")) {
            RegistryHttp http = new RegistryHttp(child.url());
            assertThat(http.get("/").status()).isEqualTo(401);
            assertThat(http.withBasicAuth("local", "pw-env").get("/").status()).isEqualTo(200);
        }
    }

    @Test
    void exitsWithUsageOnABadOption() throws Exception {
        List<String> command = List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                EmbeddedSchemaRegistry.class.getName(),
                "--colour",
                "blue");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output)
                .startsWith("Unknown option '--colour'\nUsage: java -cp <classpath> "
                        + EmbeddedSchemaRegistry.class.getName());
    }
}
