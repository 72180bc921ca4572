package dev.streamingblocks.examples.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Flink standalone session cluster for integration tests: one JobManager and N
 * TaskManagers, each its own JVM, started from the Maven jars on the test's classpath (there is no
 * Flink distribution to download), driven over Flink's REST API like a user would.
 *
 * <pre>{@code
 * try (FlinkStandaloneCluster flink = FlinkStandaloneCluster.builder()
 *         .setWorkDir(Path.of("target/flink-standalone"))
 *         .build()) {
 *     flink.start();                                   // returns once both TaskManagers registered
 *     String jobId = flink.submitJar(jar, "com.example.Job", List.of("--bootstrap-servers", bootstrap), 2);
 *     flink.awaitJobState(jobId, "RUNNING", Duration.ofSeconds(30));
 *     flink.cancelJob(jobId, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Required: a work directory ({@link Builder#setWorkDir}); it receives {@code conf/config.yaml},
 * {@code log/} (each JVM's Flink log and stdout) and temp dirs, so a failed run can be inspected.
 * The cluster classpath is the Flink runtime's closure ({@link #CLUSTER_ARTIFACTS}) taken from the
 * test JVM's classpath, so it always matches the build's {@code flink.version}; the JVM
 * {@code --add-opens}/{@code --add-exports} flags are the test JVM's own (the root pom's list).
 * Memory flags come from Flink's {@code BashJavaUtils}, as {@code bin/taskmanager.sh} does.
 *
 * <p>{@link #close()} stops every process and may be called any number of times; a JVM shutdown
 * hook stops them too if the test JVM exits first.
 */
public final class FlinkStandaloneCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkStandaloneCluster.class);

    public static final int DEFAULT_TASK_MANAGERS = 2;
    public static final int DEFAULT_SLOTS_PER_TASK_MANAGER = 2;
    public static final String DEFAULT_JOB_MANAGER_MEMORY = "1024m";
    public static final String DEFAULT_TASK_MANAGER_MEMORY = "1200m";
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);

    /**
     * The artifacts a Flink distribution's {@code lib/} holds for a DataStream session cluster
     * (flink-dist's content plus log4j and flink-connector-base), by Maven artifactId. Connectors
     * and formats stay out: they belong in the job jar.
     */
    public static final Set<String> CLUSTER_ARTIFACTS = Set.of(
            "flink-annotations",
            "flink-core",
            "flink-core-api",
            "flink-metrics-core",
            "flink-runtime",
            "flink-rpc-core",
            "flink-rpc-akka-loader",
            "flink-streaming-java",
            "flink-datastream",
            "flink-datastream-api",
            "flink-clients",
            "flink-runtime-web",
            "flink-file-sink-common",
            "flink-queryable-state-client-java",
            "flink-hadoop-fs",
            "flink-connector-datagen",
            "flink-connector-base",
            "flink-shaded-guava",
            "flink-shaded-jackson",
            "flink-shaded-netty",
            "flink-shaded-zookeeper-3",
            "flink-shaded-asm-9",
            "commons-lang3",
            "commons-text",
            "commons-math3",
            "commons-collections",
            "commons-compress",
            "commons-io",
            "commons-cli",
            "kryo",
            "reflectasm",
            "minlog",
            "objenesis",
            "javassist",
            "async-profiler",
            "jsr305",
            "snakeyaml-engine",
            "slf4j-api",
            "log4j-api",
            "log4j-core",
            "log4j-slf4j2-impl");

    private static final String EXEC_RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Duration PROCESS_STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> TERMINAL_STATES = Set.of("FINISHED", "FAILED", "CANCELED");

    private final Path workDir;
    private final int taskManagers;
    private final int slotsPerTaskManager;
    private final String jobManagerMemory;
    private final String taskManagerMemory;
    private final Duration startupTimeout;
    private final Map<String, String> extraConfig;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopProcesses, "flink-standalone-cluster-stop");

    private URI restAddress;
    private State state = State.NEW;

    private enum State {
        NEW,
        STARTED,
        CLOSED
    }

    private FlinkStandaloneCluster(Builder builder) {
        this.workDir = builder.workDir.toAbsolutePath();
        this.taskManagers = builder.taskManagers;
        this.slotsPerTaskManager = builder.slotsPerTaskManager;
        this.jobManagerMemory = builder.jobManagerMemory;
        this.taskManagerMemory = builder.taskManagerMemory;
        this.startupTimeout = builder.startupTimeout;
        this.extraConfig = Map.copyOf(builder.extraConfig);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes the configuration, starts the JobManager and the TaskManagers and waits until the REST
     * API reports every TaskManager registered.
     *
     * @throws IllegalStateException if already started or closed, or the cluster does not come up
     *     within the start-up timeout (the message names the log directory)
     */
    public synchronized FlinkStandaloneCluster start() {
        if (state != State.NEW) {
            throw new IllegalStateException("FlinkStandaloneCluster can be started once; it is " + state);
        }
        state = State.STARTED;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        Instant begin = Instant.now();
        try {
            Path confDir = writeConfiguration();
            String classpath = clusterClasspath();
            List<String> jvmOpens = jvmOpens();

            List<String> jmParams = memoryParams("GET_JM_RESOURCE_PARAMS", confDir, classpath);
            processes.add(startJvm(
                    "jobmanager",
                    classpath,
                    jvmOpens,
                    jmParams.get(0),
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    confDir,
                    jmParams.get(1)));
            List<String> tmParams = memoryParams("GET_TM_RESOURCE_PARAMS", confDir, classpath);
            for (int i = 0; i < taskManagers; i++) {
                processes.add(startJvm(
                        "taskmanager-" + i,
                        classpath,
                        jvmOpens,
                        tmParams.get(0),
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        confDir,
                        tmParams.get(1)));
            }
            awaitTaskManagers(begin.plus(startupTimeout));
        } catch (IOException e) {
            stopProcesses();
            throw new UncheckedIOException("Could not start the Flink standalone cluster in " + workDir, e);
        } catch (RuntimeException e) {
            stopProcesses();
            throw e;
        }
        LOG.info(
                "Flink standalone cluster with {} TaskManager(s) up at {} in {} ms; logs in {}",
                taskManagers,
                restAddress,
                Duration.between(begin, Instant.now()).toMillis(),
                logDir());
        return this;
    }

    /** The REST endpoint (and web UI) of the JobManager, e.g. {@code http://localhost:40123}. */
    public synchronized URI restAddress() {
        requireStarted();
        return restAddress;
    }

    /** Where each JVM writes its Flink log ({@code <name>.log}) and stdout/stderr ({@code <name>.out}). */
    public Path logDir() {
        return workDir.resolve("log");
    }

    /** The number of TaskManagers the JobManager currently knows. */
    public int registeredTaskManagers() {
        return get("/overview").path("taskmanagers").asInt();
    }

    /**
     * Uploads a job jar ({@code POST /jars/upload}) and runs it ({@code POST /jars/<id>/run}) like
     * the web UI does: the job's {@code main} runs in the JobManager and the submission is detached.
     *
     * @return the job id
     * @throws IllegalStateException if Flink rejects the jar or the program, with Flink's reason
     */
    public String submitJar(Path jar, String entryClass, List<String> programArgs, int parallelism) {
        requireStarted();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("Job jar " + jar.toAbsolutePath() + " does not exist");
        }
        String jarId = uploadJar(jar);
        ObjectNode body = json.createObjectNode();
        body.put("entryClass", entryClass);
        body.put("parallelism", parallelism);
        body.putArray("programArgsList")
                .addAll(programArgs.stream()
                        .map(json.getNodeFactory()::textNode)
                        .collect(Collectors.toList()));
        JsonNode response = send(
                HttpRequest.newBuilder(uri("/jars/" + jarId + "/run"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())),
                "run " + entryClass + " from " + jar);
        String jobId = response.path("jobid").asText(null);
        if (jobId == null) {
            throw new IllegalStateException(
                    "Flink answered the run of " + entryClass + " without a job id: " + response);
        }
        LOG.info("Submitted {} from {} as job {}", entryClass, jar.getFileName(), jobId);
        return jobId;
    }

    /** The job's state as Flink names it: {@code CREATED}, {@code RUNNING}, {@code FINISHED} ... */
    public String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /**
     * Polls until the job is in {@code expected} state.
     *
     * @throws AssertionError if the job reaches another terminal state (with its root exception)
     *     or the timeout passes first
     */
    public void awaitJobState(String jobId, String expected, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String current = null;
        while (Instant.now().isBefore(deadline)) {
            current = jobState(jobId);
            if (current.equals(expected)) {
                return;
            }
            if (TERMINAL_STATES.contains(current)) {
                throw new AssertionError("Job " + jobId + " is " + current + ", not " + expected + "; root exception: "
                        + rootException(jobId));
            }
            pause(Duration.ofMillis(200));
        }
        throw new AssertionError("Job " + jobId + " did not reach " + expected + " within " + timeout + "; it is "
                + current + "; root exception: " + rootException(jobId));
    }

    /**
     * Polls until every task of the job is {@code RUNNING} (the job state alone turns
     * {@code RUNNING} while tasks are still being deployed).
     */
    public void awaitAllTasksRunning(String jobId, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = get("/jobs/" + jobId);
            String state = job.path("state").asText();
            if (TERMINAL_STATES.contains(state)) {
                throw new AssertionError("Job " + jobId + " is " + state + " before all its tasks ran; root exception: "
                        + rootException(jobId));
            }
            JsonNode counts = job.path("status-counts");
            int total = 0;
            for (JsonNode vertex : job.path("vertices")) {
                total += vertex.path("parallelism").asInt();
            }
            if (total > 0
                    && counts.path("RUNNING").asInt() == job.path("vertices").size()
                    && runningSubtasks(job) == total) {
                return;
            }
            pause(Duration.ofMillis(200));
        }
        throw new AssertionError("Not all tasks of job " + jobId + " were RUNNING within " + timeout);
    }

    /** The user accumulators of a job, by name, with values as Flink renders them. */
    public Map<String, String> userAccumulators(String jobId) {
        Map<String, String> accumulators = new LinkedHashMap<>();
        for (JsonNode acc : get("/jobs/" + jobId + "/accumulators").path("user-task-accumulators")) {
            accumulators.put(acc.path("name").asText(), acc.path("value").asText());
        }
        return accumulators;
    }

    /** The TaskManager ids that run at least one subtask of the job. */
    public Set<String> taskManagersOf(String jobId) {
        Set<String> ids = new java.util.TreeSet<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode subtask : get("/jobs/" + jobId + "/vertices/"
                            + vertex.path("id").asText())
                    .path("subtasks")) {
                ids.add(subtask.path("taskmanager-id").asText());
            }
        }
        return ids;
    }

    /** Cancels the job ({@code PATCH /jobs/<id>?mode=cancel}) and waits until it is {@code CANCELED}. */
    public void cancelJob(String jobId, Duration timeout) {
        send(
                HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()),
                "cancel job " + jobId);
        awaitJobState(jobId, "CANCELED", timeout);
    }

    /** The root exception Flink recorded for the job, or {@code "none"}. */
    public String rootException(String jobId) {
        try {
            JsonNode history = get("/jobs/" + jobId + "/exceptions")
                    .path("exceptionHistory")
                    .path("entries");
            if (history.isArray() && !history.isEmpty()) {
                return history.get(0).path("stacktrace").asText();
            }
            return "none";
        } catch (RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }

    /** Stops every Flink process (TaskManagers first); later calls do nothing. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean started = state == State.STARTED;
        state = State.CLOSED;
        if (started) {
            stopProcesses();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook does the same work.
            }
        }
    }

    private void stopProcesses() {
        List<Process> reversed;
        synchronized (processes) {
            reversed = new ArrayList<>(processes);
            processes.clear();
        }
        java.util.Collections.reverse(reversed);
        reversed.forEach(Process::destroy);
        for (Process process : reversed) {
            try {
                if (!process.waitFor(PROCESS_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(PROCESS_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private Path writeConfiguration() throws IOException {
        Path confDir = Files.createDirectories(workDir.resolve("conf"));
        Files.createDirectories(logDir());
        Path tmp = Files.createDirectories(workDir.resolve("tmp"));
        int restPort = freePort();
        int rpcPort = freePort();
        restAddress = URI.create("http://localhost:" + restPort);

        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", "localhost");
        config.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        config.put("jobmanager.bind-host", "localhost");
        config.put("jobmanager.memory.process.size", jobManagerMemory);
        config.put("taskmanager.host", "localhost");
        config.put("taskmanager.bind-host", "localhost");
        config.put("taskmanager.numberOfTaskSlots", String.valueOf(slotsPerTaskManager));
        config.put("taskmanager.memory.process.size", taskManagerMemory);
        // Small TaskManagers: leave the heap most of the memory; the jobs here keep little state.
        config.put("taskmanager.memory.managed.fraction", "0.1");
        config.put("rest.address", "localhost");
        config.put("rest.bind-address", "localhost");
        config.put("rest.port", String.valueOf(restPort));
        config.put("io.tmp.dirs", tmp.toString());
        config.put("web.tmpdir", tmp.resolve("web").toString());
        config.put(
                "execution.checkpointing.dir",
                workDir.resolve("checkpoints").toUri().toString());
        config.put("pipeline.generic-types", "false");
        // A failing test job should fail at once, with its cause, instead of restarting until timeout.
        config.put("restart-strategy.type", "none");
        // A job's main runs inside the JobManager on REST submission: its System.exit must not end the JobManager.
        config.put("cluster.intercept-user-system-exit", "THROW");
        // Spread a job's slots over the TaskManagers, so even a small job crosses JVMs (network shuffles).
        config.put("taskmanager.load-balance.mode", "SLOTS");
        config.putAll(extraConfig);

        StringBuilder yaml = new StringBuilder("# Written by FlinkStandaloneCluster\n");
        // Quoted values: a YAML reader must not turn "false" into a boolean or "1200m" into anything else.
        for (Map.Entry<String, String> entry : config.entrySet()) {
            yaml.append(entry.getKey())
                    .append(": ")
                    .append(json.writeValueAsString(entry.getValue()))
                    .append('\n');
        }
        Files.writeString(confDir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        // append: the RPC system's own class loader opens the file a second time and would truncate it.
        Files.writeString(confDir.resolve("log4j.properties"), """
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = MainAppender
                appender.main.name = MainAppender
                appender.main.type = File
                appender.main.append = true
                appender.main.fileName = ${sys:log.file}
                appender.main.layout.type = PatternLayout
                appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n
                logger.kafka.name = org.apache.kafka
                logger.kafka.level = WARN
                """, StandardCharsets.UTF_8);
        return confDir;
    }

    /** The classpath entries of this JVM that belong to a Flink distribution's lib/. */
    static String clusterClasspath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!entry.endsWith(".jar")
                    || path.getParent() == null
                    || path.getParent().getParent() == null) {
                continue;
            }
            // Maven repository layout: .../<artifactId>/<version>/<artifactId>-<version>[-classifier].jar
            String artifactId = path.getParent().getParent().getFileName().toString();
            String version = path.getParent().getFileName().toString();
            if (CLUSTER_ARTIFACTS.contains(artifactId)
                    && path.getFileName().toString().equals(artifactId + "-" + version + ".jar")) {
                entries.add(entry);
            }
        }
        Set<String> found = entries.stream()
                .map(e -> Path.of(e).getParent().getParent().getFileName().toString())
                .collect(Collectors.toSet());
        List<String> missing = CLUSTER_ARTIFACTS.stream()
                .filter(a -> !found.contains(a))
                .sorted()
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The test classpath lacks Flink cluster artifacts " + missing
                    + "; add them as test dependencies of this module");
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The {@code --add-opens}/{@code --add-exports} flags of this JVM (the root pom's list). */
    private static List<String> jvmOpens() {
        List<String> opens = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
                .toList();
        if (opens.isEmpty()) {
            throw new IllegalStateException("This JVM runs without --add-opens flags; run the test through "
                    + "Maven (Failsafe's argLine carries flink.jvm.opens) so the Flink JVMs get them too");
        }
        return opens;
    }

    /** Runs BashJavaUtils like Flink's scripts: line 1 = JVM memory flags, line 2 = dynamic -D configs. */
    private List<String> memoryParams(String command, Path confDir, String classpath) throws IOException {
        List<String> cmd = List.of(
                javaExecutable(),
                "-cp",
                classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                command,
                "--configDir",
                confDir.toString());
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted while computing Flink memory flags", e);
        }
        String output = out.toString(StandardCharsets.UTF_8);
        List<String> results = output.lines()
                .filter(l -> l.startsWith(EXEC_RESULT_PREFIX))
                .map(l -> l.substring(EXEC_RESULT_PREFIX.length()).trim())
                .toList();
        if (exit != 0 || results.size() != 2) {
            throw new IllegalStateException("BashJavaUtils " + command + " exited with " + exit + " and gave "
                    + results.size() + " result line(s) instead of 2:\n" + output);
        }
        return results;
    }

    private Process startJvm(
            String name,
            String classpath,
            List<String> jvmOpens,
            String memoryFlags,
            String mainClass,
            Path confDir,
            String dynamicConfigs)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(splitArgs(memoryFlags));
        cmd.addAll(jvmOpens);
        cmd.add("-Dlog.file=" + logDir().resolve(name + ".log"));
        cmd.add("-Dlog4j.configurationFile="
                + confDir.resolve("log4j.properties").toUri());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(confDir.toString());
        cmd.addAll(splitArgs(dynamicConfigs));
        File out = logDir().resolve(name + ".out").toFile();
        ProcessBuilder builder = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(out));
        builder.environment().put("FLINK_CONF_DIR", confDir.toString());
        Process process = builder.start();
        LOG.info("Started Flink {} (pid {})", name, process.pid());
        return process;
    }

    private void awaitTaskManagers(Instant deadline) {
        String lastProblem = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            synchronized (processes) {
                for (Process process : processes) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("A Flink process exited with code " + process.exitValue()
                                + " during start-up; see the logs in " + logDir());
                    }
                }
            }
            try {
                int registered = registeredTaskManagers();
                if (registered == taskManagers) {
                    return;
                }
                lastProblem = registered + " of " + taskManagers + " TaskManagers registered";
            } catch (RuntimeException e) {
                lastProblem = e.getMessage();
            }
            pause(Duration.ofMillis(250));
        }
        throw new IllegalStateException("The Flink standalone cluster did not come up within " + startupTimeout + " ("
                + lastProblem + "); see the logs in " + logDir());
    }

    private String uploadJar(Path jar) {
        String boundary = "----flink-standalone-" + UUID.randomUUID();
        byte[] content;
        try {
            content = Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read job jar " + jar, e);
        }
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                HttpRequest.BodyPublishers.ofByteArray(content),
                HttpRequest.BodyPublishers.ofString(tail, StandardCharsets.UTF_8));
        JsonNode response = send(
                HttpRequest.newBuilder(uri("/jars/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(body),
                "upload " + jar.getFileName());
        String stored = response.path("filename").asText("");
        if (!"success".equals(response.path("status").asText()) || stored.isEmpty()) {
            throw new IllegalStateException(
                    "Flink did not accept the upload of " + jar.getFileName() + ": " + response);
        }
        // The jar id is the stored file's name, e.g. 1b7c..._job.jar.
        return Path.of(stored).getFileName().toString();
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), "GET " + path);
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        try {
            HttpResponse<String> response = http.send(
                    request.timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        "Flink REST " + what + " answered HTTP " + response.statusCode() + ": " + response.body());
            }
            return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Flink REST " + what + " at " + restAddress + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during Flink REST " + what, e);
        }
    }

    private URI uri(String path) {
        requireStarted();
        return restAddress.resolve(path);
    }

    private synchronized void requireStarted() {
        if (state != State.STARTED) {
            throw new IllegalStateException("FlinkStandaloneCluster is " + state + "; call start() first");
        }
    }

    private static int runningSubtasks(JsonNode job) {
        int running = 0;
        for (JsonNode vertex : job.path("vertices")) {
            running += vertex.path("tasks").path("RUNNING").asInt();
        }
        return running;
    }

    private static List<String> splitArgs(String line) {
        return Arrays.stream(line.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void pause(Duration duration) {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Flink cluster", e);
        }
    }

    /**
     * Builds a {@link FlinkStandaloneCluster}. Required: {@link #setWorkDir}. Defaults: 2
     * TaskManagers with 2 slots each, JobManager 1024m and TaskManagers 1200m process memory,
     * 90 s start-up timeout.
     */
    public static final class Builder {

        private Path workDir;
        private int taskManagers = DEFAULT_TASK_MANAGERS;
        private int slotsPerTaskManager = DEFAULT_SLOTS_PER_TASK_MANAGER;
        private String jobManagerMemory = DEFAULT_JOB_MANAGER_MEMORY;
        private String taskManagerMemory = DEFAULT_TASK_MANAGER_MEMORY;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private final Map<String, String> extraConfig = new LinkedHashMap<>();

        Builder() {}

        /** Where conf/, log/ and temp files go; created if missing. */
        public Builder setWorkDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        public Builder setTaskManagers(int taskManagers) {
            this.taskManagers = taskManagers;
            return this;
        }

        public Builder setSlotsPerTaskManager(int slotsPerTaskManager) {
            this.slotsPerTaskManager = slotsPerTaskManager;
            return this;
        }

        /** {@code jobmanager.memory.process.size}, e.g. {@code 1024m}. */
        public Builder setJobManagerMemory(String processSize) {
            this.jobManagerMemory = processSize;
            return this;
        }

        /** {@code taskmanager.memory.process.size}, e.g. {@code 1200m}. */
        public Builder setTaskManagerMemory(String processSize) {
            this.taskManagerMemory = processSize;
            return this;
        }

        public Builder setStartupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
            return this;
        }

        /** Adds a Flink config entry for every process; it overrides the fixture's defaults. */
        public Builder setConfig(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("config key must not be null or blank");
            }
            if (value == null) {
                throw new IllegalArgumentException("value of config '" + key + "' must not be null");
            }
            extraConfig.put(key, value);
            return this;
        }

        public FlinkStandaloneCluster build() {
            if (workDir == null) {
                throw new IllegalArgumentException("workDir must be set");
            }
            if (taskManagers < 1) {
                throw new IllegalArgumentException("taskManagers must be at least 1, but was " + taskManagers);
            }
            if (slotsPerTaskManager < 1) {
                throw new IllegalArgumentException(
                        "slotsPerTaskManager must be at least 1, but was " + slotsPerTaskManager);
            }
            if (jobManagerMemory == null || !jobManagerMemory.matches("\\d+[mMgG]")) {
                throw new IllegalArgumentException(
                        "jobManagerMemory must look like 1024m, but was " + jobManagerMemory);
            }
            if (taskManagerMemory == null || !taskManagerMemory.matches("\\d+[mMgG]")) {
                throw new IllegalArgumentException(
                        "taskManagerMemory must look like 1200m, but was " + taskManagerMemory);
            }
            if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive, but was " + startupTimeout);
            }
            return new FlinkStandaloneCluster(this);
        }
    }
}
