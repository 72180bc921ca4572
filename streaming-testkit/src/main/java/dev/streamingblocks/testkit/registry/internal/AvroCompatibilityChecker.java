package dev.streamingblocks.testkit.registry.internal;

import dev.streamingblocks.registry.protocol.AvroCompatibility;
import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Words the shared {@link AvroCompatibility} rule's verdict as Confluent's registry does; which
 * versions count and in which direction is the rule's, not this class's.
 */
final class AvroCompatibilityChecker {

    private AvroCompatibilityChecker() {}

    /** One earlier version the new schema is judged against. */
    record Earlier(int version, Schema schema) {}

    /**
     * The reasons {@code candidate} breaks {@code level} against {@code earlier} (live versions,
     * newest first); empty when compatible. Each reason is one message in the shape Confluent's
     * registry reports, for the first version that fails.
     */
    static List<String> incompatibilities(CompatibilityLevel level, Schema candidate, List<Earlier> earlier) {
        List<AvroCompatibility.Version> versions = new ArrayList<>();
        for (Earlier old : earlier) {
            versions.add(new AvroCompatibility.Version(old.version(), old.schema()));
        }
        List<String> messages = new ArrayList<>();
        AvroCompatibility.firstViolation(level, candidate, versions).ifPresent(violation -> {
            for (Incompatibility problem : violation.newCannotReadOld()) {
                messages.add(describe(problem, "new", "old"));
            }
            for (Incompatibility problem : violation.oldCannotReadNew()) {
                messages.add(describe(problem, "old", "new"));
            }
            messages.add("{oldSchemaVersion: " + violation.version().version() + "}");
            messages.add("{oldSchema: '" + violation.version().schema() + "'}");
            messages.add("{compatibility: '" + level + "'}");
        });
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
}
