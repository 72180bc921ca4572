package dev.streamingblocks.registry.protocol;

/**
 * Confluent Schema Registry's error codes, as sent in its error body {@code {"error_code": ..,
 * "message": ..}}: the embedded registry answers with them and the client maps them to exceptions.
 * A code of five digits starts with its HTTP status ({@link #httpStatus}); 409 is its own status.
 */
public final class RegistryErrorCodes {

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_SOFT_DELETED = 40404;
    public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    public static final int VERSION_SOFT_DELETED = 40406;
    public static final int VERSION_NOT_SOFT_DELETED = 40407;
    /** The subject has no level of its own (registries answer it without {@code defaultToGlobal}). */
    public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;

    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int STORE_ERROR = 50001;

    private RegistryErrorCodes() {}

    /** The HTTP status Confluent answers {@code errorCode} with: 40401 -> 404, 409 -> 409. */
    public static int httpStatus(int errorCode) {
        return errorCode >= 10_000 ? errorCode / 100 : errorCode;
    }
}
