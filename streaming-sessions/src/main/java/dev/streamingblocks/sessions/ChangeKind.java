package dev.streamingblocks.sessions;

/**
 * What a {@link SessionChange} does to the row of its session, keyed by {@code (userId, sessionStart)}.
 * Like Flink's {@code RowKind} for an upsert sink, without the update-before half.
 */
public enum ChangeKind {
    /** The session closed for the first time; its row is new. */
    INSERT,
    /** A late view changed a session that was already emitted; the row with the same key changes. */
    UPDATE,
    /** A late view merged this emitted session into one with an earlier start; its row must go. */
    DELETE
}
