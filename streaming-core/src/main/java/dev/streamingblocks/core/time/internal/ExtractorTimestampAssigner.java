package dev.streamingblocks.core.time.internal;

import dev.streamingblocks.core.time.EventTimeExtractor;
import dev.streamingblocks.core.time.InvalidEventTimeException;
import java.time.Instant;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Adapts a user {@link EventTimeExtractor} to Flink, refusing a {@code null} event time by name. An
 * exception from the extractor (a {@code null} field unboxed, say) becomes an
 * {@link InvalidEventTimeException} too, so a source can treat it as a bad record.
 */
public final class ExtractorTimestampAssigner<T> implements SerializableTimestampAssigner<T> {

    private static final long serialVersionUID = 1L;

    private final EventTimeExtractor<T> extractor;

    public ExtractorTimestampAssigner(EventTimeExtractor<T> extractor) {
        this.extractor = extractor;
    }

    @Override
    public long extractTimestamp(T element, long recordTimestamp) {
        Instant eventTime;
        try {
            eventTime = extractor.eventTime(element);
        } catch (InvalidEventTimeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidEventTimeException(
                    "The event time extractor failed for a "
                            + (element == null
                                    ? "null record"
                                    : element.getClass().getName()) + ": " + e,
                    e);
        }
        if (eventTime == null) {
            throw new InvalidEventTimeException("The event time extractor returned null for a "
                    + (element == null ? "null record" : element.getClass().getName()));
        }
        return eventTime.toEpochMilli();
    }
}
