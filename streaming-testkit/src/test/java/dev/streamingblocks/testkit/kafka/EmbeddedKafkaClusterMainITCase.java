package dev.streamingblocks.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** The command line a local stack uses: start, print the address, serve, stop on SIGTERM. */
class EmbeddedKafkaClusterMainITCase {

    @Test
    void printsTheBootstrapServersAndServesUntilStopped() throws Exception {
        List<String> command = List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                EmbeddedKafkaCluster.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            // A thread of its own, not the common pool (one worker on 2 cores), and everything the
            // child prints is kept, so a start that times out says why.
            CompletableFuture<String> ready = new CompletableFuture<>();
            StringBuffer childOutput = new StringBuffer();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader out = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            for (String line = out.readLine(); line != null; line = out.readLine()) {
                                childOutput.append(line).append('\n');
                                if (line.startsWith(EmbeddedKafkaCluster.READY_LINE_PREFIX)) {
                                    ready.complete(line.substring(EmbeddedKafkaCluster.READY_LINE_PREFIX.length()));
                                }
                            }
                            ready.completeExceptionally(new IllegalStateException("child exited before it was ready"));
                        } catch (java.io.IOException e) {
                            ready.completeExceptionally(e);
                        }
                    },
                    "embedded-kafka-main-output");
            reader.setDaemon(true);
            reader.start();
            String bootstrap;
            try {
                bootstrap = ready.get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(
                        "The broker process printed no ready line within 60 s; its output:\n" + childOutput, e);
            }
            assertThat(bootstrap).startsWith("localhost:");

            try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .hasSize(1);
            }

            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void badArgumentsExitWithUsage() throws Exception {
        List<String> command = List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                EmbeddedKafkaCluster.class.getName(),
                "--brokers",
                "2");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).isEqualTo(2);
            assertThat(output)
                    .isEqualTo("brokers must be 1 or at least 3 (a quorum for min.insync.replicas=2), but was 2"
                            + System.lineSeparator() + EmbeddedKafkaCluster.USAGE + System.lineSeparator());
        } finally {
            process.destroyForcibly();
        }
    }
}
