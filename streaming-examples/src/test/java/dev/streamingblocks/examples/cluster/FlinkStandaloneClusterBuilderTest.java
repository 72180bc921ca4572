package dev.streamingblocks.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FlinkStandaloneClusterBuilderTest {

    private static final Path WORK_DIR = Path.of("target/unused");

    @Test
    void requiresAWorkDir() {
        assertThatThrownBy(() -> FlinkStandaloneCluster.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workDir must be set");
    }

    @Test
    void namesEachInvalidProperty() {
        assertThatThrownBy(() -> FlinkStandaloneCluster.builder()
                        .setWorkDir(WORK_DIR)
                        .setTaskManagers(0)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("taskManagers must be at least 1, but was 0");
        assertThatThrownBy(() -> FlinkStandaloneCluster.builder()
                        .setWorkDir(WORK_DIR)
                        .setSlotsPerTaskManager(0)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slotsPerTaskManager must be at least 1, but was 0");
        assertThatThrownBy(() -> FlinkStandaloneCluster.builder()
                        .setWorkDir(WORK_DIR)
                        .setJobManagerMemory("1 GB")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jobManagerMemory must look like 1024m, but was 1 GB");
        assertThatThrownBy(() -> FlinkStandaloneCluster.builder()
                        .setWorkDir(WORK_DIR)
                        .setTaskManagerMemory(null)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("taskManagerMemory must look like 1200m, but was null");
        assertThatThrownBy(() -> FlinkStandaloneCluster.builder()
                        .setWorkDir(WORK_DIR)
                        .setStartupTimeout(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startupTimeout must be positive, but was PT0S");
        assertThatThrownBy(() -> FlinkStandaloneCluster.builder().setConfig(" ", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config key must not be null or blank");
        assertThatThrownBy(() -> FlinkStandaloneCluster.builder().setConfig("rest.port", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value of config 'rest.port' must not be null");
    }

    @Test
    void refusesUseBeforeStartAndAfterClose() {
        FlinkStandaloneCluster cluster =
                FlinkStandaloneCluster.builder().setWorkDir(WORK_DIR).build();
        assertThatThrownBy(cluster::restAddress)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("FlinkStandaloneCluster is NEW; call start() first");
        cluster.close();
        cluster.close();
        assertThatThrownBy(cluster::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("FlinkStandaloneCluster can be started once; it is CLOSED");
    }

    @Test
    void clusterClasspathHoldsExactlyTheDistributionArtifacts() {
        String[] entries = FlinkStandaloneCluster.clusterClasspath().split(java.io.File.pathSeparator);
        assertThat(entries).hasSize(FlinkStandaloneCluster.CLUSTER_ARTIFACTS.size());
        assertThat(entries)
                .noneMatch(e -> e.contains("flink-connector-kafka")
                        || e.contains("kafka-clients")
                        || e.contains("streaming-core")
                        || e.contains("junit"));
    }
}
