package dev.streamingblocks.cdc;

import java.io.Serializable;

/**
 * Turns one row image of a Debezium envelope into the row type, e.g.
 * {@code row -> new Product(row.string("id"), row.string("name"), row.decimal("price"), row.instant("updated_at"))}.
 * Throw {@link MalformedChangeEventException} (the {@link ChangeRow} getters do) for a row that does not fit.
 */
@FunctionalInterface
public interface RowMapper<T> extends Serializable {

    T map(ChangeRow row) throws MalformedChangeEventException;
}
