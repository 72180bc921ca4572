package dev.streamingblocks.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedJobStateTest {

    private static final Instant T0 = Instant.parse("2026-02-06T12:00:00Z");

    @TempDir
    Path workDir;

    @Test
    void aFirstStartHasNothingToResumeAndGetsDirectoriesAndRetentionInTheWorkDirectory() {
        SavedJobState saved = SavedJobState.of(workDir, "order-stats");
        Configuration conf = new Configuration();

        assertThat(saved.configure(conf, false)).isEmpty();

        assertThat(saved.directory()).isEqualTo(workDir.resolve("jobs/order-stats"));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(
                        workDir.resolve("jobs/order-stats/checkpoints").toUri().toString());
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
                .isEqualTo(
                        workDir.resolve("jobs/order-stats/savepoints").toUri().toString());
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
    }

    @Test
    void resumesFromTheNewestCompletedCheckpointOrSavepointAndIgnoresIncompleteOnes() throws Exception {
        SavedJobState saved = SavedJobState.of(workDir, "fraud");
        completed(saved.checkpoints().resolve("job-a/chk-7"), T0);
        Path newest = completed(saved.savepoints().resolve("savepoint-a1b2c3-000000000001"), T0.plusSeconds(10));
        completed(saved.checkpoints().resolve("job-a/chk-8"), T0.plusSeconds(5));
        // written after the savepoint, but without _metadata: an interrupted checkpoint
        Files.createDirectories(saved.checkpoints().resolve("job-b/chk-1"));
        Files.createDirectories(saved.checkpoints().resolve("job-b/shared"));
        Configuration conf = new Configuration();

        assertThat(saved.configure(conf, false)).contains(newest);
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH))
                .isEqualTo(newest.toUri().toString());

        Path newer = completed(saved.checkpoints().resolve("job-b/chk-2"), T0.plusSeconds(20));
        assertThat(saved.latest()).contains(newer);
    }

    @Test
    void fromScratchDeletesTheSavedStateAndRestoresNothing() throws Exception {
        SavedJobState saved = SavedJobState.of(workDir, "sessions");
        completed(saved.savepoints().resolve("savepoint-a1b2c3-000000000001"), T0);
        Configuration conf = new Configuration();

        assertThat(saved.configure(conf, true)).isEqualTo(Optional.empty());

        assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
        assertThat(saved.directory()).doesNotExist();
        assertThat(saved.latest()).isEmpty();
    }

    private static Path completed(Path dir, Instant written) throws Exception {
        Files.createDirectories(dir);
        Path metadata = Files.writeString(dir.resolve("_metadata"), "state");
        Files.setLastModifiedTime(metadata, FileTime.from(written));
        return dir;
    }
}
