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
    static List<String> incompatibilities(CompatibilityLevel level, Schema candidate, List<Earlier> earlier) {
        List<String> messages = new ArrayList<>();
        if (level == CompatibilityLevel.NONE) {
            return messages;
        }
        for (Earlier old : earlier) {
            List<String> found = new ArrayList<>();
            if (level.checksBackward()) {
                for (Incompatibility problem : problems(candidate, old.schema())) {
                    found.add(describe(problem, "new", "old"));
                }
            }
            if (level.checksForward()) {
                for (Incompatibility problem : problems(old.schema(), candidate)) {
                    found.add(describe(problem, "old", "new"));
                }
            }
            if (!found.isEmpty()) {
                messages.addAll(found);
                messages.add("{oldSchemaVersion: " + old.version() + "}");
                messages.add("{oldSchema: '" + old.schema() + "'}");
                messages.add("{compatibility: '" + level + "'}");
                // Confluent reports the first version that fails, not every one.
                return messages;
            }
        }
        return messages;
    }

    /** One problem in Confluent's wording; {@code reader}/{@code writer} are "new" or "old". */
    static String describe(Incompatibility problem, String reader, String writer) {
        String location = problem.getLocation();
        String info = problem.getMessage();
        String description = switch (problem.getType()) {
            case NAME_MISMATCH -> "The name of the schema has changed (path '" + location + "')";
            case FIXED_SIZE_MISMATCH ->
                "The size of FIXED type field at path '" + location + "' in the " + reader
                        + " schema does not match with the " + writer + " schema";
            case TYPE_MISMATCH ->
                "The type (path '" + location + "') of a field in the " + reader + " schema does not match with the "
                        + writer + " schema";
            case MISSING_ENUM_SYMBOLS ->
                "The " + reader + " schema is missing enum symbols '" + info + "' at path '" + location + "' in the "
                        + writer + " schema";
            case MISSING_UNION_BRANCH ->
                "The " + reader
                        + " schema is missing a type inside a union field at path '" + location
                        + "' in the " + writer + " schema";
            case READER_FIELD_MISSING_DEFAULT_VALUE ->
                "The field '" + info + "' at path '" + location
                        + "' in the " + reader + " schema has no default value and is missing in the "
                        + writer + " schema";
        };
        return "{errorType:'" + problem.getType() + "', description:'" + description + "', additionalInfo:'" + info
                + "'}";
    }

    private static List<Incompatibility> problems(Schema reader, Schema writer) {
        SchemaCompatibilityResult result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        return result.getIncompatibilities();
    }
}
