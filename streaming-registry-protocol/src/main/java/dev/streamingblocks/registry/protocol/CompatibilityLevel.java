package dev.streamingblocks.registry.protocol;

/**
 * Confluent Schema Registry's compatibility levels, with the same names on the wire.
 *
 * <p>The one definition for the client in streaming-core and the embedded registry in
 * streaming-testkit. It lives in the streaming-registry-protocol module, which both depend on (the
 * testkit cannot depend on core), in that module's own package, so no package is split across two
 * jars; streaming-core brings this module with it.
 */
public enum CompatibilityLevel {
    /** Any schema is accepted. */
    NONE(false, false, false),
    /** The new schema can read data written with the latest version (the registry default). */
    BACKWARD(true, false, false),
    /** The new schema can read data written with every live version. */
    BACKWARD_TRANSITIVE(true, false, true),
    /** The latest version can read data written with the new schema. */
    FORWARD(false, true, false),
    /** Every live version can read data written with the new schema. */
    FORWARD_TRANSITIVE(false, true, true),
    /** Both BACKWARD and FORWARD against the latest version. */
    FULL(true, true, false),
    /** Both BACKWARD and FORWARD against every live version. */
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Whether the new schema must read the older versions' data. */
    public boolean checksBackward() {
        return backward;
    }

    /** Whether the older versions must read the new schema's data. */
    public boolean checksForward() {
        return forward;
    }

    /** Whether every live version counts, not only the latest. */
    public boolean isTransitive() {
        return transitive;
    }
}
