package dev.streamingblocks.cdc;

/**
 * What a {@link ChangeRecord} does to its row, in Flink's changelog terms ({@code RowKind}): a
 * Debezium {@code c} (insert) or {@code r} (snapshot read) is an {@link #INSERT}; a {@code u} is an
 * {@link #UPDATE_BEFORE} (when the envelope has the old row) followed by an {@link #UPDATE_AFTER};
 * a {@code d} is a {@link #DELETE} of the old row.
 */
public enum ChangeKind {
    INSERT,
    UPDATE_BEFORE,
    UPDATE_AFTER,
    DELETE;

    /** Whether the row is a state the table has after this change (insert, update-after). */
    public boolean isUpsert() {
        return this == INSERT || this == UPDATE_AFTER;
    }
}
