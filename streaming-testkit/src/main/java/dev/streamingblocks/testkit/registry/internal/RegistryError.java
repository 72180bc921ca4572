package dev.streamingblocks.testkit.registry.internal;

/**
 * A failure answered to the client as Confluent's error body {@code {"error_code":..,"message":..}}
 * with the HTTP status Confluent uses for it. The factories carry Confluent's codes and wording so
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

    public static RegistryError subjectNotFound(String subject) {
        return new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
    }

    public static RegistryError versionNotFound(int version) {
        return new RegistryError(404, 40402, "Version " + version + " not found.");
    }

    public static RegistryError schemaNotFound() {
        return new RegistryError(404, 40403, "Schema not found");
    }

    public static RegistryError schemaNotFound(int id) {
        return new RegistryError(404, 40403, "Schema " + id + " not found");
    }

    public static RegistryError subjectSoftDeleted(String subject) {
        return new RegistryError(
                404, 40404, "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
    }

    public static RegistryError subjectNotSoftDeleted(String subject) {
        return new RegistryError(
                404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }

    public static RegistryError versionSoftDeleted(String subject, int version) {
        return new RegistryError(
                404,
                40406,
                "Subject '" + subject + "' Version " + version
                        + " was soft deleted. Set permanent=true to delete permanently");
    }

    public static RegistryError versionNotSoftDeleted(String subject, int version) {
        return new RegistryError(
                404,
                40407,
                "Subject '" + subject + "' Version " + version
                        + " was not deleted first before being permanently deleted");
    }

    public static RegistryError subjectLevelCompatibilityNotConfigured(String subject) {
        return new RegistryError(
                404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    public static RegistryError incompatible(String subject, Object details) {
        return new RegistryError(
                409,
                409,
                "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                        + "\", details: " + details);
    }

    public static RegistryError invalidSchema(String reason) {
        return new RegistryError(422, 42201, "Invalid schema: " + reason);
    }

    public static RegistryError invalidVersion(String version) {
        return new RegistryError(
                422,
                42202,
                "The specified version '" + version + "' is not a valid version id. Allowed values"
                        + " are between [1, 2^31-1] and the string \"latest\"");
    }

    public static RegistryError invalidCompatibilityLevel(String level) {
        return new RegistryError(
                422,
                42203,
                "Invalid compatibility level '" + level + "'. Valid values are none, backward,"
                        + " forward, full, backward_transitive, forward_transitive, and"
                        + " full_transitive");
    }

    public static RegistryError storeFailure(String what, Exception cause) {
        RegistryError error = new RegistryError(500, 50001, "Error while writing the storage file: " + what);
        error.initCause(cause);
        return error;
    }
}
