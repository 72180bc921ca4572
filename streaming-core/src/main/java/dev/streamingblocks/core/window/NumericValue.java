package dev.streamingblocks.core.window;

import java.io.Serializable;

/** Reads the number a sum, min or max aggregates from a record. */
@FunctionalInterface
public interface NumericValue<T> extends Serializable {

    double of(T record);
}
