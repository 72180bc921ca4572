package dev.streamingblocks.examples.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;

/**
 * Where a local example job keeps its checkpoints and savepoints, so that stopping it and starting
 * it again with the same command continues exactly where it stopped: the open windows, sessions and
 * fraud counts come back with the Kafka offsets they belong to.
 *
 * <p>Layout under the job's directory ({@code <work-dir>/jobs/<command>}): {@code checkpoints/<job
 * id>/chk-<n>/} (retained when the job stops or fails) and {@code savepoints/savepoint-*} (written
 * on Ctrl-C). On start the newest completed one of either kind, by the time its {@code _metadata}
 * file was written, is restored.
 */
public final class SavedJobState {

    /** The file Flink writes last when a checkpoint or savepoint completes. */
    static final String METADATA = "_metadata";

    /** Completed checkpoints kept, so a damaged newest one still leaves an older one to resume from. */
    static final int RETAINED_CHECKPOINTS = 3;

    private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-\\d+");

    private final Path directory;

    public SavedJobState(Path directory) {
        this.directory = directory.toAbsolutePath();
    }

    /** The state directory of {@code command} under a work directory. */
    public static SavedJobState of(Path workDirectory, String command) {
        return new SavedJobState(workDirectory.resolve("jobs").resolve(command));
    }

    public Path directory() {
        return directory;
    }

    public Path checkpoints() {
        return directory.resolve("checkpoints");
    }

    public Path savepoints() {
        return directory.resolve("savepoints");
    }

    /** The newest completed checkpoint or savepoint, if any. */
    public Optional<Path> latest() {
        return Stream.concat(completed(checkpoints(), 2), completed(savepoints(), 1))
                .max(Comparator.comparing(SavedJobState::metadataTime));
    }

    /**
     * Sets checkpoint and savepoint directories and retention, and, unless {@code fromScratch},
     * the state to resume from. Returns that state, or empty for a start without state.
     */
    public Optional<Path> configure(Configuration conf, boolean fromScratch) {
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                checkpoints().toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints().toUri().toString());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, RETAINED_CHECKPOINTS);
        if (fromScratch) {
            deleteRecursively(directory);
            return Optional.empty();
        }
        Optional<Path> latest = latest();
        latest.ifPresent(path ->
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
        return latest;
    }

    /** Directories {@code depth} levels below {@code root} that hold a {@code _metadata} file. */
    private static Stream<Path> completed(Path root, int depth) {
        if (!Files.isDirectory(root)) {
            return Stream.empty();
        }
        try (Stream<Path> found = Files.find(
                root,
                depth + 1,
                (path, attributes) -> attributes.isRegularFile()
                        && path.getFileName().toString().equals(METADATA))) {
            return found
                    .map(Path::getParent)
                    .filter(dir -> depth == 1
                            || CHECKPOINT_DIR
                                    .matcher(dir.getFileName().toString())
                                    .matches())
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not look for saved state in " + root, e);
        }
    }

    private static FileTime metadataTime(Path stateDirectory) {
        try {
            return Files.getLastModifiedTime(stateDirectory.resolve(METADATA));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + stateDirectory.resolve(METADATA), e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the saved state in " + dir, e);
        }
    }
}
