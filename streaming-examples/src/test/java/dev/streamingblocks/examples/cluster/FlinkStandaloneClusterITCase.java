package dev.streamingblocks.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fixture itself: a JobManager and two TaskManagers in their own JVMs run a jar submitted over
 * REST, spread over both TaskManagers.
 */
class FlinkStandaloneClusterITCase {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);
    private static FlinkStandaloneCluster flink;
    private static Path workDir;

    @BeforeAll
    static void startCluster() throws Exception {
        workDir = Files.createTempDirectory(Path.of("target"), "flink-standalone-fixture-");
        flink = FlinkStandaloneCluster.builder().setWorkDir(workDir).build().start();
    }

    @AfterAll
    static void stopCluster() {
        if (flink != null) {
            flink.close();
            flink.close(); // idempotent
        }
    }

    @Test
    void runsASubmittedJarOnBothTaskManagers() throws Exception {
        assertThat(flink.registeredTaskManagers()).isEqualTo(2);
        Path jar = TestJobJars.write(workDir.resolve("squares.jar"), SquaresJob.class);
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            assertThat(jarFile.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(SquaresJob.class.getName());
        }

        // Parallelism 4 needs all four slots: two on each TaskManager.
        String jobId = flink.submitJar(jar, SquaresJob.class.getName(), List.of("1000"), 4);
        flink.awaitJobState(jobId, "FINISHED", JOB_TIMEOUT);

        // 1^2 + ... + 1000^2 = 1000 * 1001 * 2001 / 6
        assertThat(flink.userAccumulators(jobId)).containsEntry(SquaresJob.ACCUMULATOR, "333833500");
        assertThat(flink.taskManagersOf(jobId)).hasSize(2);
    }

    @Test
    void reportsWhyAJobFailed() throws Exception {
        Path jar = TestJobJars.write(workDir.resolve("squares-bad.jar"), SquaresJob.class);
        // The program's main fails before it submits a job: Flink refuses the run and says why.
        assertThatThrownBy(() -> flink.submitJar(jar, SquaresJob.class.getName(), List.of("not-a-number"), 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "Flink REST run " + SquaresJob.class.getName() + " from " + jar + " answered HTTP 400")
                .hasMessageContaining("NumberFormatException: For input string: \\\"not-a-number\\\"");
    }

    @Test
    void refusesAMissingJar() {
        Path missing = workDir.resolve("missing.jar");
        assertThatThrownBy(() -> flink.submitJar(missing, "x.Y", List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Job jar " + missing.toAbsolutePath() + " does not exist");
    }
}
