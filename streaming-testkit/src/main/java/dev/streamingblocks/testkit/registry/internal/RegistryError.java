package dev.streamingblocks.testkit.registry.internal;

import dev.streamingblocks.registry.protocol.RegistryErrorCodes;

/**
 * A failure answered to the client as Confluent's error body {@code {"error_code":..,"message":..}}
 * with the HTTP status Confluent uses for it. The factories carry Confluent's codes ({@link
 * RegistryErrorCodes}, shared with the client) and wording so
 * that clients written against Confluent map our errors the same way.
 */
public final class RegistryError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public RegistryError(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    private static RegistryError of(int errorCode, String message) {
        return new RegistryError(RegistryErrorCodes.httpStatus(errorCode), errorCode, message);
    }

    public static RegistryError subjectNotFound(String subject) {
        return of(RegistryErrorCodes.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    public static RegistryError versionNotFound(int version) {
        return of(RegistryErrorCodes.VERSION_NOT_FOUND, "Version " + version + " not found.");
    }

    public static RegistryError schemaNotFound() {
        return of(RegistryErrorCodes.SCHEMA_NOT_FOUND, "Schema not found");
    }

    public static RegistryError schemaNotFound(int id) {
        return of(RegistryErrorCodes.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    public static RegistryError subjectSoftDeleted(String subject) {
        return of(
                RegistryErrorCodes.SUBJECT_SOFT_DELETED,
                "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
    }

    public static RegistryError subjectNotSoftDeleted(String subject) {
        return of(
                RegistryErrorCodes.SUBJECT_NOT_SOFT_DELETED,
                "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }

    public static RegistryError versionSoftDeleted(String subject, int version) {
        return of(
                RegistryErrorCodes.VERSION_SOFT_DELETED,
                "Subject '" + subject + "' Version " + version
                        + " was soft deleted. Set permanent=true to delete permanently");
    }

    public static RegistryError versionNotSoftDeleted(String subject, int version) {
        return of(
                RegistryErrorCodes.VERSION_NOT_SOFT_DELETED,
                "Subject '" + subject + "' Version " + version
                        + " was not deleted first before being permanently deleted");
    }

    public static RegistryError subjectLevelCompatibilityNotConfigured(String subject) {
        return of(
                RegistryErrorCodes.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    public static RegistryError incompatible(String subject, Object details) {
        return of(
                RegistryErrorCodes.INCOMPATIBLE_SCHEMA,
                "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                        + "\", details: " + details);
    }

    public static RegistryError invalidSchema(String reason) {
        return of(RegistryErrorCodes.INVALID_SCHEMA, "Invalid schema: " + reason);
    }

    public static RegistryError invalidVersion(String version) {
        return of(
                RegistryErrorCodes.INVALID_VERSION,
                "The specified version '" + version + "' is not a valid version id. Allowed values"
                        + " are between [1, 2^31-1] and the string \"latest\"");
    }

    public static RegistryError invalidCompatibilityLevel(String level) {
        return of(
                RegistryErrorCodes.INVALID_COMPATIBILITY_LEVEL,
                "Invalid compatibility level '" + level + "'. Valid values are none, backward,"
                        + " forward, full, backward_transitive, forward_transitive, and"
                        + " full_transitive");
    }

    public static RegistryError storeFailure(String what, Exception cause) {
        RegistryError error = of(RegistryErrorCodes.STORE_ERROR, "Error while writing the storage file: " + what);
        error.initCause(cause);
        return error;
    }
}
