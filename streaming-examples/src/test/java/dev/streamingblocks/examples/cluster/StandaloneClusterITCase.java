package dev.streamingblocks.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.fraud.TransactionGenerator;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fraud job jar on a real Flink standalone session cluster: a JobManager and two TaskManagers,
 * each its own JVM started from Maven's Flink jars (no flink-dist), the jar uploaded and run through
 * the REST API against the embedded broker, and the alert read back from Kafka.
 */
class StandaloneClusterITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * What a Flink distribution's lib/ would not have: the job jar brings these. The table API, runtime
     * and planner loader stay: flink-dist ships them in lib/.
     */
    private static final List<String> NOT_IN_FLINK_LIB = List.of("/streaming-", "kafka", "avro", "flink-json",
            "flink-sql", "jdbc", "postgresql", "zonky", "junit", "assertj", "opentest4j", "apiguardian",
            "scala", "test-classes", "/classes", "jackson-datatype", "flink-test-utils", "flink-cep", "jmh");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopCluster() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void fraudJobJarRaisesTheAlertOnAJobManagerAndTwoTaskManagers() throws Exception {
        for (String topic : List.of(FraudJob.TRANSACTIONS_TOPIC, FraudJob.ALERTS_TOPIC, FraudJob.DEAD_LETTER_TOPIC)) {
            KAFKA.cluster().createTopic(topic, 2, (short) 1, Map.of("retention.ms", "-1"));
        }
        Path jobJar = jobJar();
        int restPort = freePort();
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.yaml"), String.join("\n",
                "jobmanager.rpc.address: localhost",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: localhost",
                "jobmanager.memory.process.size: 640m",
                "taskmanager.bind-host: localhost",
                "taskmanager.host: localhost",
                "taskmanager.numberOfTaskSlots: 1",
                "taskmanager.memory.process.size: 768m",
                "taskmanager.memory.jvm-metaspace.size: 160m",
                "taskmanager.memory.jvm-overhead.min: 64m",
                "taskmanager.memory.managed.size: 32m",
                "rest.address: localhost",
                "rest.bind-address: localhost",
                "rest.port: " + restPort,
                "web.upload.dir: " + dir.resolve("uploads"),
                "io.tmp.dirs: " + dir.resolve("tmp"),
                "parallelism.default: 2",
                "") + "\n");
        Files.createDirectories(dir.resolve("uploads"));
        Files.createDirectories(dir.resolve("tmp"));
        String classpath = flinkLibClasspath();

        start("jobmanager", classpath, conf, "GET_JM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        start("taskmanager-1", classpath, conf, "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        start("taskmanager-2", classpath, conf, "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        String rest = "http://localhost:" + restPort;
        await("two TaskManagers registered", Duration.ofSeconds(90),
                () -> get(rest + "/taskmanagers").path("taskmanagers").size() == 2);

        String jarId = upload(rest, jobJar);
        var request = JSON.createObjectNode().put("entryClass", "dev.streamingblocks.examples.Main");
        // Flink 2 takes the arguments as a list (the old "programArgs" string is gone).
        List.of("fraud", "--bootstrap-servers", KAFKA.bootstrapServers(), "--checkpoint-interval", "1s",
                "--parallelism", "2").forEach(request.putArray("programArgsList")::add);
        JsonNode run = post(rest + "/jars/" + jarId + "/run", request);
        String jobId = run.path("jobid").asText();
        assertThat(jobId).as(run.toString()).isNotEmpty();
        await("the job running", Duration.ofSeconds(60),
                () -> get(rest + "/jobs/" + jobId).path("state").asText().equals("RUNNING"));

        // alice: three over $1000 in minute 0 (one alert); bob: small, on both partitions, moves event time on.
        SerializationSchema<Transaction> serializer = FraudSerdes.transactionSerializer();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Transaction tx : List.of(
                TransactionGenerator.transaction("a1", "alice", 1500.0, BEGINNING.plusSeconds(5)),
                TransactionGenerator.transaction("a2", "alice", 1600.0, BEGINNING.plusSeconds(10)),
                TransactionGenerator.transaction("a3", "alice", 1700.0, BEGINNING.plusSeconds(15)))) {
            records.add(new ProducerRecord<>(FraudJob.TRANSACTIONS_TOPIC, 0, utf8(tx.getUserId()), serializer.serialize(tx)));
        }
        for (int partition = 0; partition < 2; partition++) {
            Transaction later = TransactionGenerator.transaction("b" + partition, "bob", 10.0, BEGINNING.plusSeconds(300));
            records.add(new ProducerRecord<>(FraudJob.TRANSACTIONS_TOPIC, partition, utf8("bob"), serializer.serialize(later)));
        }
        KAFKA.cluster().produce(records);

        List<ConsumerRecord<byte[], byte[]>> alerts = KAFKA.cluster().consume(FraudJob.ALERTS_TOPIC, 1, Duration.ofSeconds(120));
        Alert alert = FraudSerdes.alertDeserializer().deserialize(alerts.get(0).value());
        assertThat(alert).isEqualTo(Alert.newBuilder()
                .setUserId("alice")
                .setAlertType(FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS)
                .setRuleId(FraudRules.ARTICLE_RULE_ID)
                .setWindowStart(BEGINNING)
                .setWindowEnd(BEGINNING.plusSeconds(60))
                .setTransactionCount(3)
                .build());
        assertThat(get(rest + "/jobs/" + jobId).path("vertices").size()).isGreaterThan(1);
        HTTP.send(HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void start(String name, String classpath, Path conf, String resourceCommand, String mainClass)
            throws Exception {
        List<String> opens = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports")).toList();
        // BashJavaUtils computes the memory flags and dynamic properties, as flink-dist's scripts do.
        List<String> utils = new ArrayList<>(List.of(java(), "-cp", classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils", resourceCommand, "--configDir", conf.toString()));
        Process p = new ProcessBuilder(utils).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> lines = Arrays.asList(output.split("\n"));
        int marker = lines.indexOf(lines.stream().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .findFirst().orElseThrow(() -> new AssertionError("BashJavaUtils said: " + output)));
        String jvmParams = lines.get(marker).substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim();
        String dynamic = marker + 1 < lines.size() && lines.get(marker + 1).startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")
                ? lines.get(marker + 1).substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim() : "";

        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(opens);
        command.addAll(Arrays.asList(jvmParams.split("\\s+")));
        command.add("-Dlog4j2.configurationFile="
                + Path.of("target", "test-classes", "log4j2-test.properties").toAbsolutePath());
        command.addAll(List.of("-cp", classpath, mainClass, "--configDir", conf.toString()));
        if (!dynamic.isEmpty()) {
            command.addAll(Arrays.asList(dynamic.split("\\s+")));
        }
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start());
    }

    private static String flinkLibClasspath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> NOT_IN_FLINK_LIB.stream().noneMatch(entry::contains)
                        || entry.contains("flink-connector-base"))
                .reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
    }

    private static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no *-job.jar in target/: run mvn package first"));
        }
    }

    private static String upload(String rest, Path jar) throws Exception {
        String boundary = "----streaming-blocks-" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"fraud-job.jar\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(rest + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("status").asText()).as(response.body()).isEqualTo("success");
        String filename = answer.path("filename").asText();
        return filename.substring(filename.lastIndexOf('/') + 1);
    }

    private static JsonNode get(String url) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static JsonNode post(String url, JsonNode body) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private void await(String what, Duration timeout, Check check) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException e) {
                last = e; // the REST endpoint is not up yet
            }
            TimeUnit.MILLISECONDS.sleep(250); // polling interval, not synchronisation
        }
        throw new AssertionError("Timed out waiting for " + what + "; logs in " + dir, last);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
