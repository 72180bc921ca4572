package dev.streamingblocks.registry.protocol;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The registry's rule for whether a new Avro schema may join a subject: which versions a {@link
 * CompatibilityLevel} judges it against, in which direction, decided with Avro's own {@link
 * SchemaCompatibility}. How a violation is worded is the caller's: the embedded registry answers in
 * Confluent's words, the in-memory client in the client's.
 */
public final class AvroCompatibility {

    private AvroCompatibility() {}

    /** One live version of the subject. */
    public record Version(int version, Schema schema) {}

    /**
     * The first version the candidate breaks, with the problems in each direction the level
     * checks; a direction it does not check, or that holds, has an empty list.
     *
     * @param newCannotReadOld why the new schema cannot read the version's data (backward)
     * @param oldCannotReadNew why the version cannot read the new schema's data (forward)
     */
    public record Violation(
            Version version, List<Incompatibility> newCannotReadOld, List<Incompatibility> oldCannotReadNew) {}

    /**
     * The first version, newest first, that {@code candidate} breaks under {@code level}, or empty
     * when it may join. {@code liveNewestFirst} are the subject's live versions, newest first; a
     * level that is not transitive looks at the first one only. Like Confluent, only the first
     * failing version is reported, so the user sees the change they most likely made.
     */
    public static Optional<Violation> firstViolation(
            CompatibilityLevel level, Schema candidate, List<Version> liveNewestFirst) {
        if (level == CompatibilityLevel.NONE) {
            return Optional.empty();
        }
        List<Version> against =
                level.isTransitive() || liveNewestFirst.isEmpty() ? liveNewestFirst : liveNewestFirst.subList(0, 1);
        for (Version old : against) {
            List<Incompatibility> backward = level.checksBackward() ? problems(candidate, old.schema()) : List.of();
            List<Incompatibility> forward = level.checksForward() ? problems(old.schema(), candidate) : List.of();
            if (!backward.isEmpty() || !forward.isEmpty()) {
                return Optional.of(new Violation(old, backward, forward));
            }
        }
        return Optional.empty();
    }

    private static List<Incompatibility> problems(Schema reader, Schema writer) {
        SchemaCompatibilityResult result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        return List.copyOf(result.getIncompatibilities());
    }
}
