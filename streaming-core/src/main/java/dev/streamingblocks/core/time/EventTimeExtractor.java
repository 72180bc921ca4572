package dev.streamingblocks.core.time;

import java.io.Serializable;
import java.time.Instant;

/**
 * Reads the event time from a record. Serializable because it ships inside the watermark strategy
 * to every source subtask.
 *
 * @param <T> the record type
 */
@FunctionalInterface
public interface EventTimeExtractor<T> extends Serializable {

    /** The instant the event happened; never {@code null}. */
    Instant eventTime(T record);
}
