package dev.streamingblocks.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.w3c.dom.Document;

/**
 * Keeps {@code deploy/} from rotting silently: there is no Docker engine or Kubernetes where the
 * build runs, so these files are checked for syntax and for the facts users rely on, against the
 * versions in the root {@code pom.xml}.
 */
class DeployFilesTest {

    private static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    private static final List<String> JOBS = List.of("fraud", "order-stats", "sessions");

    private static Path deployDir;
    private static String flinkVersion;
    private static String kafkaVersion;
    private static String projectVersion;

    @BeforeAll
    static void locate() throws Exception {
        // Surefire runs in the module directory; deploy/ sits beside the modules.
        Path root = Path.of("").toAbsolutePath().getParent();
        deployDir = root.resolve("deploy");
        assertThat(deployDir.resolve("README.md"))
                .as("deploy/ next to the modules")
                .isRegularFile();
        Document pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(root.resolve("pom.xml").toFile());
        flinkVersion = pom.getElementsByTagName("flink.version")
                .item(0)
                .getTextContent()
                .trim();
        kafkaVersion = pom.getElementsByTagName("kafka.version")
                .item(0)
                .getTextContent()
                .trim();
        // The root pom's own <version>, a direct child of <project>.
        projectVersion = javax.xml.xpath.XPathFactory.newInstance()
                .newXPath()
                .evaluate("/project/version", pom)
                .trim();
    }

    @Test
    void everyYamlFileParses() throws IOException {
        List<Path> files = yamlFiles();
        assertThat(files.stream().map(p -> deployDir.relativize(p).toString().replace('\\', '/')))
                .containsExactlyInAnyOrder(
                        "docker-compose.yml",
                        "flink/config.yaml",
                        "prometheus/prometheus.yml",
                        "k8s/flink-data-pvc.yaml",
                        "k8s/fraud.yaml",
                        "k8s/order-stats.yaml",
                        "k8s/sessions.yaml");
        for (Path file : files) {
            List<Object> documents = loadAll(file);
            assertThat(documents)
                    .as(file.toString())
                    .isNotEmpty()
                    .allSatisfy(d -> assertThat(d).isInstanceOf(Map.class));
        }
    }

    @Test
    void flinkConfigHasRocksDbIncrementalCheckpointsAndPrometheus() throws IOException {
        Map<String, Object> config = flatten(load(deployDir.resolve("flink/config.yaml")));

        assertThat(config)
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", true)
                .containsEntry("execution.checkpointing.dir", "file:///flink-data/checkpoints")
                .containsEntry("execution.checkpointing.savepoint-dir", "file:///flink-data/savepoints")
                .containsEntry("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")
                .containsEntry("metrics.reporters", "prom")
                .containsEntry("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY)
                .containsEntry("metrics.reporter.prom.port", 9249)
                .containsEntry("pipeline.generic-types", false);
        // Keys that Flink 2 removed or renamed would be ignored without a word.
        assertThat(config)
                .doesNotContainKeys(
                        "state.backend",
                        "state.checkpoints.dir",
                        "state.savepoints.dir",
                        "state.backend.incremental",
                        "metrics.reporter.prom.class");
    }

    @Test
    void flinkReadsTheConfigAsIntended() {
        // Flink's own loader and typed options: a misspelt key or unparsable value shows up here.
        Configuration conf =
                GlobalConfiguration.loadConfiguration(deployDir.resolve("flink").toString());

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///flink-data/checkpoints");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isEqualTo("file:///flink-data/savepoints");
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
        assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(conf.get(MetricOptions.REPORTERS_LIST)).isEqualTo("prom");
    }

    @Test
    void flinkReadsEachDeploymentsConfigAsIntended() throws IOException {
        for (String job : JOBS) {
            Map<String, Object> spec =
                    map(load(deployDir.resolve("k8s/" + job + ".yaml")).get("spec"));
            Map<String, String> raw = new TreeMap<>();
            map(spec.get("flinkConfiguration")).forEach((k, v) -> raw.put(k, String.valueOf(v)));
            Configuration conf = Configuration.fromMap(raw);

            assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).as(job).isEqualTo("rocksdb");
            assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS))
                    .as(job)
                    .isTrue();
            assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                    .as(job)
                    .isEqualTo(Duration.ofSeconds(10));
            assertThat(conf.get(HighAvailabilityOptions.HA_MODE)).as(job).isEqualTo("kubernetes");
            assertThat(conf.get(HighAvailabilityOptions.HA_STORAGE_PATH))
                    .as(job)
                    .isEqualTo("file:///flink-data/" + job + "/ha");
            assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).as(job).isEqualTo(2);
            assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).as(job).isFalse();
        }
    }

    @Test
    void imageAndBrokerVersionsMatchTheBuild() throws IOException {
        List<String> dockerfile = Files.readAllLines(deployDir.resolve("Dockerfile"), StandardCharsets.UTF_8);
        assertThat(dockerfile).contains("FROM flink:" + flinkVersion + "-java17");
        // The shaded jar (classifier job) of this version: the plain jar lacks the connectors.
        assertThat(dockerfile)
                .contains("COPY streaming-examples/target/streaming-examples-" + projectVersion
                        + "-job.jar /opt/flink/usrlib/streaming-examples.jar");

        Map<String, Object> services =
                map(load(deployDir.resolve("docker-compose.yml")).get("services"));
        assertThat(services)
                .containsOnlyKeys("kafka", "schema-registry", "postgres", "jobmanager", "taskmanager", "prometheus");
        assertThat(map(services.get("kafka")).get("image")).isEqualTo("apache/kafka:" + kafkaVersion);
        assertThat(map(services.get("postgres")).get("image")).isEqualTo("postgres:16");
        assertThat(map(services.get("jobmanager")).get("image"))
                .isEqualTo(map(services.get("taskmanager")).get("image"))
                .isEqualTo(jobImage());
        assertThat(map(map(services.get("jobmanager")).get("build")).get("dockerfile"))
                .isEqualTo("deploy/Dockerfile");
    }

    @Test
    void composeKeepsThePostgresPasswordOutOfTheRepository() throws IOException {
        Map<String, Object> services =
                map(load(deployDir.resolve("docker-compose.yml")).get("services"));
        Map<String, Object> env = map(map(services.get("postgres")).get("environment"));
        assertThat(env.get("POSTGRES_PASSWORD")).asString().startsWith("${POSTGRES_PASSWORD:?");
        List<Object> initMounts = list(map(services.get("postgres")).get("volumes"));
        assertThat(initMounts).contains("./postgres/init:/docker-entrypoint-initdb.d:ro");
        assertThat(Files.readString(deployDir.resolve("postgres/init/01-user-sessions.sql")))
                .contains("CREATE TABLE IF NOT EXISTS user_sessions (")
                .contains("PRIMARY KEY (user_id, session_start)");
    }

    @Test
    void prometheusScrapesTheFlinkReporterPort() throws IOException {
        Map<String, Object> prometheus = load(deployDir.resolve("prometheus/prometheus.yml"));
        List<?> scrapes = (List<?>) prometheus.get("scrape_configs");
        assertThat(scrapes).hasSize(1);
        Map<String, Object> flink = map(scrapes.get(0));
        List<?> staticConfigs = (List<?>) flink.get("static_configs");
        assertThat(map(staticConfigs.get(0)).get("targets")).isEqualTo(List.of("jobmanager:9249", "taskmanager:9249"));
    }

    @Test
    void everyJobHasASavepointUpgradableHighlyAvailableFlinkDeployment() throws IOException {
        String operatorVersion = "v" + flinkVersion.replaceAll("^(\\d+)\\.(\\d+).*$", "$1_$2");
        for (String job : JOBS) {
            Map<String, Object> deployment = load(deployDir.resolve("k8s/" + job + ".yaml"));
            assertThat(deployment.get("apiVersion")).as(job).isEqualTo("flink.apache.org/v1beta1");
            assertThat(deployment.get("kind")).as(job).isEqualTo("FlinkDeployment");
            assertThat(map(deployment.get("metadata")).get("name")).as(job).isEqualTo(job);

            Map<String, Object> spec = map(deployment.get("spec"));
            assertThat(spec.get("image")).as(job).isEqualTo(jobImage());
            assertThat(spec.get("flinkVersion")).as(job).isEqualTo(operatorVersion);

            Map<String, Object> conf = map(spec.get("flinkConfiguration"));
            assertThat(conf)
                    .as(job)
                    .containsEntry("state.backend.type", "rocksdb")
                    .containsEntry("execution.checkpointing.incremental", "true")
                    .containsEntry("execution.checkpointing.dir", "file:///flink-data/" + job + "/checkpoints")
                    .containsEntry("execution.checkpointing.savepoint-dir", "file:///flink-data/" + job + "/savepoints")
                    .containsEntry("high-availability.type", "kubernetes")
                    .containsEntry("high-availability.storageDir", "file:///flink-data/" + job + "/ha")
                    .containsEntry("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY)
                    .containsEntry("pipeline.generic-types", "false");
            assertThat(map(spec.get("jobManager")).get("replicas")).as(job).isEqualTo(2);

            Map<String, Object> jobSpec = map(spec.get("job"));
            assertThat(jobSpec.get("upgradeMode")).as(job).isEqualTo("savepoint");
            assertThat(jobSpec.get("jarURI")).as(job).isEqualTo("local:///opt/flink/usrlib/streaming-examples.jar");
            assertThat(jobSpec.get("entryClass")).as(job).isEqualTo("dev.streamingblocks.examples.Main");
            assertThat(((List<?>) jobSpec.get("args")).get(0)).as(job).isEqualTo(job);
        }
    }

    @Test
    void sessionsDeploymentTakesThePasswordFromASecret() throws IOException {
        String text = Files.readString(deployDir.resolve("k8s/sessions.yaml"));
        Map<String, Object> spec =
                map(load(deployDir.resolve("k8s/sessions.yaml")).get("spec"));
        Map<String, Object> container =
                map(((List<?>) map(map(spec.get("podTemplate")).get("spec")).get("containers")).get(0));
        Map<String, Object> password = map(((List<?>) container.get("env")).get(0));
        assertThat(password.get("name")).isEqualTo("PGPASSWORD");
        assertThat(map(map(password.get("valueFrom")).get("secretKeyRef")))
                .containsEntry("name", "streaming-blocks-postgres")
                .containsEntry("key", "password");
        assertThat(text).doesNotContainIgnoringCase("--jdbc-password");
    }

    private static String jobImage() {
        return "streaming-blocks/flink-jobs:" + projectVersion;
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(deployDir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }

    private static List<Object> loadAll(Path file) throws IOException {
        List<Object> documents = new ArrayList<>();
        new Load(LoadSettings.builder().setLabel(file.toString()).build())
                .loadAllFromString(Files.readString(file, StandardCharsets.UTF_8))
                .forEach(documents::add);
        return documents;
    }

    private static Map<String, Object> load(Path file) throws IOException {
        List<Object> documents = loadAll(file);
        assertThat(documents).as(file.toString()).hasSize(1);
        return map(documents.get(0));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        assertThat(node).isInstanceOf(List.class);
        return (List<Object>) node;
    }

    /** Nested YAML keys as Flink reads them: {@code a: {b: 1}} is {@code a.b = 1}. */
    private static Map<String, Object> flatten(Map<String, Object> nested) {
        Map<String, Object> flat = new TreeMap<>();
        nested.forEach((key, value) -> {
            if (value instanceof Map<?, ?>) {
                flatten(map(value)).forEach((k, v) -> flat.put(key + "." + k, v));
            } else {
                flat.put(key, value);
            }
        });
        return flat;
    }
}
