package dev.streamingblocks.core.avro.registry.internal;

import dev.streamingblocks.registry.protocol.CompatibilityLevel;

/**
 * The wording of registry errors, shared by the HTTP client and the in-memory double so that user
 * code and tests see the same messages from both.
 */
public final class RegistryMessages {

    private RegistryMessages() {}

    public static String noSchemaWithId(int id) {
        return "Schema registry has no schema with id " + id;
    }

    public static String noSubject(String subject) {
        return "Schema registry has no subject '" + subject + "'";
    }

    public static String noVersion(String subject, int version) {
        return "Schema registry has no version " + version + " of subject '" + subject + "'";
    }

    public static String schemaNotUnderSubject(String subject) {
        return "Schema registry holds no such schema under subject '" + subject + "'";
    }

    public static String incompatible(String subject, CompatibilityLevel level) {
        return "Schema registry rejected the schema for subject '"
                + subject
                + "' as incompatible"
                + (level == null ? "" : " under compatibility level " + level);
    }

    public static String invalidSchema(String subject) {
        return "Schema registry rejected the schema for subject '" + subject + "' as invalid";
    }

    public static String notSoftDeleted(String subject) {
        return "Schema registry cannot permanently delete subject '" + subject + "' before it is soft-deleted";
    }
}
