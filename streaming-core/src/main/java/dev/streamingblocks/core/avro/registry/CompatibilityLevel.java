package dev.streamingblocks.core.avro.registry;

/** Confluent Schema Registry's compatibility levels, with the same names on the wire. */
public enum CompatibilityLevel {
    /** Any schema is accepted. */
    NONE,
    /** The new schema can read data written with the previous version (the registry default). */
    BACKWARD,
    /** The new schema can read data written with every earlier version. */
    BACKWARD_TRANSITIVE,
    /** The previous version can read data written with the new schema. */
    FORWARD,
    /** Every earlier version can read data written with the new schema. */
    FORWARD_TRANSITIVE,
    /** Both BACKWARD and FORWARD against the previous version. */
    FULL,
    /** Both BACKWARD and FORWARD against every earlier version. */
    FULL_TRANSITIVE
}
