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

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** The command line a local stack uses: start, print the address, serve, stop on SIGTERM. */
class EmbeddedKafkaClusterMainITCase {

    @Test
    void printsTheBootstrapServersAndServesUntilStopped() throws Exception {
        List<String> command = List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                EmbeddedKafkaCluster.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.startsWith(EmbeddedKafkaCluster.READY_LINE_PREFIX)) {
                            String bootstrap = line.substring(EmbeddedKafkaCluster.READY_LINE_PREFIX.length());
                            // Keep draining so the child never blocks on a full pipe.
                            CompletableFuture.runAsync(() -> out.lines().forEach(l -> { }));
                            return bootstrap;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String bootstrap = ready.get(60, TimeUnit.SECONDS);
            assertThat(bootstrap).startsWith("localhost:");

            try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
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
                "-cp", System.getProperty("java.class.path"),
                EmbeddedKafkaCluster.class.getName(), "--brokers", "2");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).isEqualTo(2);
            assertThat(output).isEqualTo(
                    "brokers must be 1 or at least 3 (a quorum for min.insync.replicas=2), but was 2"
                            + System.lineSeparator() + EmbeddedKafkaCluster.USAGE + System.lineSeparator());
        } finally {
            process.destroyForcibly();
        }
    }
}
