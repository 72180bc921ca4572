package dev.streamingblocks.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar that {@code mvn package} builds (an ITCase, so it runs after {@code package}):
 * Flink finds every connector and format the jobs use, and Flink itself and the local-only servers
 * are not inside.
 */
class JobJarITCase {

    private static final String FACTORY_SERVICE = "META-INF/services/org.apache.flink.table.factories.Factory";

    private static JarFile jar;

    @BeforeAll
    static void openJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jobJars = files.filter(p -> p.getFileName().toString().endsWith("-job.jar"))
                    .toList();
            assertThat(jobJars).as("the job jar in target/").hasSize(1);
            jar = new JarFile(jobJars.get(0).toFile());
        }
    }

    @Test
    void carriesTheShippedFraudModelAndOnnxRuntimeWithOnlyItsLinuxLibraries() {
        assertThat(jar.getEntry("dev/streamingblocks/examples/fraud/fraud-model.onnx"))
                .isNotNull();
        assertThat(jar.getEntry("ai/onnxruntime/OrtSession.class")).isNotNull();
        List<String> natives = jar.stream()
                .map(java.util.jar.JarEntry::getName)
                .filter(n -> n.startsWith("ai/onnxruntime/native/") && !n.endsWith("/"))
                .toList();
        assertThat(natives)
                .contains("ai/onnxruntime/native/linux-x64/libonnxruntime.so")
                .allMatch(n -> n.startsWith("ai/onnxruntime/native/linux-"));
    }

    @Test
    void registersTheKafkaUpsertKafkaAvroConfluentJsonAndJdbcFactories() throws IOException {
        Set<String> factories;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(jar.getInputStream(jar.getEntry(FACTORY_SERVICE)), StandardCharsets.UTF_8))) {
            factories = in.lines()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .collect(Collectors.toSet());
        }
        assertThat(factories)
                .contains(
                        "org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory", // kafka
                        "org.apache.flink.streaming.connectors.kafka.table.UpsertKafkaDynamicTableFactory", // upsert-kafka
                        "dev.streamingblocks.shaded.sqlavro.org.apache.flink.formats.avro.registry.confluent.RegistryAvroFormatFactory", // avro-confluent
                        "org.apache.flink.formats.json.JsonFormatFactory", // json
                        "org.apache.flink.connector.jdbc.core.table.JdbcDynamicTableFactory"); // jdbc
        // Each registered factory is really in the jar, and 'avro' is registered once (flink-avro's).
        for (String factory : factories) {
            assertThat(jar.getEntry(factory.replace('.', '/') + ".class"))
                    .as(factory)
                    .isNotNull();
        }
        assertThat(factories)
                .filteredOn(f -> f.endsWith(".AvroFormatFactory"))
                .containsExactly("org.apache.flink.formats.avro.AvroFormatFactory");
    }

    @Test
    void carriesBothAvroStacksUnderDistinctNames() {
        // flink-avro (our DataStream serdes) with real Avro ...
        assertThat(jar.getEntry("org/apache/flink/formats/avro/AvroDeserializationSchema.class"))
                .isNotNull();
        assertThat(jar.getEntry("org/apache/avro/Schema.class")).isNotNull();
        // ... and the SQL format's rewritten copy, relocated so the names do not clash.
        assertThat(
                        jar.getEntry(
                                "dev/streamingblocks/shaded/sqlavro/org/apache/flink/formats/avro/AvroRowDataDeserializationSchema.class"))
                .isNotNull();
        assertThat(jar.getEntry("org/apache/flink/avro/shaded/org/apache/avro/Schema.class"))
                .isNotNull();
    }

    @Test
    void runsMainByDefault() throws IOException {
        assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                .isEqualTo("dev.streamingblocks.examples.Main");
    }

    @Test
    void leavesOutFlinkTheTablePlannerAndTheLocalServers() {
        assertThat(jar.getEntry("org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class"))
                .isNull();
        assertThat(jar.getEntry("org/apache/flink/runtime/jobgraph/JobGraph.class"))
                .isNull();
        assertThat(jar.getEntry("org/apache/flink/table/api/TableEnvironment.class"))
                .isNull();
        assertThat(jar.getEntry("dev/streamingblocks/testkit/kafka/EmbeddedKafkaCluster.class"))
                .isNull();
        assertThat(jar.getEntry("kafka/server/BrokerServer.class")).isNull();
        assertThat(jar.getEntry("org/apache/logging/log4j/core/Logger.class")).isNull();
        assertThat(jar.getEntry("io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class"))
                .isNull();
    }
}
