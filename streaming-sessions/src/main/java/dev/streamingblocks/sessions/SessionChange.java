package dev.streamingblocks.sessions;

/**
 * One element of the session changelog that {@link Sessionizer} emits.
 *
 * <pre>{@code
 * DataStream<SessionChange> changes = sessionizer.apply(views).changes();
 * changes.filter(c -> c.kind() != ChangeKind.DELETE).map(SessionChange::session);
 * }</pre>
 *
 * <p>Applying the changes in order per user (insert and update as upsert, delete by key) leaves
 * exactly the sessions that the input seen so far defines.
 *
 * @param kind insert, update or delete
 * @param session for {@link ChangeKind#DELETE} the superseded session as it was last known
 */
public record SessionChange(ChangeKind kind, UserSession session) {

    public static SessionChange insert(UserSession session) {
        return new SessionChange(ChangeKind.INSERT, session);
    }

    public static SessionChange update(UserSession session) {
        return new SessionChange(ChangeKind.UPDATE, session);
    }

    public static SessionChange delete(UserSession session) {
        return new SessionChange(ChangeKind.DELETE, session);
    }
}
