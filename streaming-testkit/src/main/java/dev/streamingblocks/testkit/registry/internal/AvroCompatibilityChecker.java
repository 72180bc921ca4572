package dev.streamingblocks.testkit.registry.internal;

import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** Judges a new schema against earlier ones with Avro's own {@link SchemaCompatibility}. */
final class AvroCompatibilityChecker {

    private AvroCompatibilityChecker() {}

    /** One earlier version the new schema is judged against. */
    record Earlier(int version, Schema schema) {}

    /**
     * The reasons {@code candidate} breaks {@code level} against {@code earlier} (already narrowed
     * to the versions the level looks at); empty when compatible. Each reason is one message in
     * the shape Confluent's registry reports.
     */
    static List<String> incompatibilities(
            CompatibilityLevel level, Schema candidate, List<Earlier> earlier) {
        List<String> messages = new ArrayList<>();
        if (level == CompatibilityLevel.NONE) {
            return messages;
        }
        for (Earlier old : earlier) {
            List<Incompatibility> found = new ArrayList<>();
            if (level.checksBackward()) {
                found.addAll(problems(candidate, old.schema()));
            }
            if (level.checksForward()) {
                found.addAll(problems(old.schema(), candidate));
            }
            if (!found.isEmpty()) {
                for (Incompatibility incompatibility : found) {
                    messages.add(
                            "{errorType:'" + incompatibility.getType()
                                    + "', description:'" + incompatibility.getMessage()
                                    + "', location:'" + incompatibility.getLocation() + "'}");
                }
                messages.add("{oldSchemaVersion: " + old.version() + "}");
                messages.add("{oldSchema: '" + old.schema() + "'}");
                messages.add("{compatibility: '" + level + "'}");
                // Confluent reports the first version that fails, not every one.
                return messages;
            }
        }
        return messages;
    }

    private static List<Incompatibility> problems(Schema reader, Schema writer) {
        SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        return result.getIncompatibilities();
    }
}
