package dev.streamingblocks.core.window;

import java.io.Serializable;

/** Decides whether a record counts towards a threshold. */
@FunctionalInterface
public interface RecordPredicate<T> extends Serializable {

    boolean test(T record);
}
