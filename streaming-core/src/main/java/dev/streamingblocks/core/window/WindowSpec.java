package dev.streamingblocks.core.window;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * The event-time window of a windowed building block: tumbling or sliding, aligned to the epoch.
 *
 * <pre>{@code
 * WindowSpec perMinute = WindowSpec.tumbling(Duration.ofMinutes(1));
 * WindowSpec lastHourEveryFiveMinutes = WindowSpec.sliding(Duration.ofHours(1), Duration.ofMinutes(5));
 * }</pre>
 */
public final class WindowSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Duration size;
    private final Duration slide;

    private WindowSpec(Duration size, Duration slide) {
        this.size = size;
        this.slide = slide;
    }

    /** Windows {@code [k*size, (k+1)*size)}; each record falls into exactly one. */
    public static WindowSpec tumbling(Duration size) {
        requirePositive("size", size);
        return new WindowSpec(size, size);
    }

    /** Windows of {@code size} starting every {@code slide}; a record falls into {@code size/slide} of them. */
    public static WindowSpec sliding(Duration size, Duration slide) {
        requirePositive("size", size);
        requirePositive("slide", slide);
        if (slide.compareTo(size) > 0) {
            throw new IllegalArgumentException("slide must not exceed size, was slide " + slide + " and size " + size);
        }
        return new WindowSpec(size, slide);
    }

    public Duration size() {
        return size;
    }

    public Duration slide() {
        return slide;
    }

    public boolean isTumbling() {
        return size.equals(slide);
    }

    /** The Flink assigner for this window. */
    public WindowAssigner<Object, TimeWindow> assigner() {
        return isTumbling() ? TumblingEventTimeWindows.of(size) : SlidingEventTimeWindows.of(size, slide);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
        }
    }

    @Override
    public String toString() {
        return isTumbling() ? "tumbling(" + size + ")" : "sliding(" + size + ", " + slide + ")";
    }
}
