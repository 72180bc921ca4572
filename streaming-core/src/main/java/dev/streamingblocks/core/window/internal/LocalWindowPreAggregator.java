package dev.streamingblocks.core.window.internal;

import dev.streamingblocks.core.window.WindowSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.types.Either;

/**
 * The local half of a two-phase window aggregation: per subtask, before the shuffle, it adds each
 * record to an in-memory accumulator per key and window and sends one {@link WindowPartial} per key
 * and window downstream instead of every record, so the shuffle, the key lookup and the keyed state
 * access happen once per partial.
 *
 * <p>Why the results and the late records stay exactly those of a window without it: the keyed
 * window downstream takes the minimum watermark of its inputs, so as long as a partial is sent
 * before this subtask forwards a watermark at or past its window's end, the window cannot have fired
 * or closed when the partial arrives. Hence partials go out before the watermark that passes their
 * window, before every checkpoint barrier (so this operator keeps no state of its own: what it held
 * is in the window's state when the checkpoint is taken), at the end of input, when more than
 * {@value #MAX_OPEN_ENTRIES} are open, and before an idle status. A record that belongs to a window
 * this subtask has already passed (late here, perhaps not downstream) is sent on unchanged, and the
 * window decides about it exactly as it would have without this stage: added, or to the late side
 * output. After its input has been idle, this subtask cannot know how far the other inputs have
 * moved the window's watermark meanwhile, so from then on it sends every record on unchanged.
 *
 * <p>Safe with a mutable accumulator (an {@code add} that changes it in place and returns it): a
 * window's pane is removed from the open panes (and {@code lastPane} cleared) before its partials
 * are emitted, so an accumulator handed downstream is never added to again; a later record of the
 * same key and window starts a new pane from {@code createAccumulator()}. The partial is also
 * serialized at once, as it crosses the shuffle to the keyed window.
 */
public final class LocalWindowPreAggregator<T, K, ACC> extends AbstractStreamOperator<Either<WindowPartial<K, ACC>, T>>
        implements OneInputStreamOperator<T, Either<WindowPartial<K, ACC>, T>> {

    private static final long serialVersionUID = 1L;

    /** Open (key, window) accumulators above which all are sent, so memory stays bounded. */
    public static final int MAX_OPEN_ENTRIES = 100_000;

    private final long size;
    private final long slide;
    private final AggregateFunction<T, ACC, ?> function;
    private final KeySelector<T, K> keySelector;

    /** Open windows by start; windows have one size, so this is also their order by end. */
    private transient TreeMap<Long, Pane<K, ACC>> panes;

    private transient Pane<K, ACC> lastPane;
    private transient long localWatermark;
    private transient int openEntries;
    private transient boolean passThrough;
    private transient StreamRecord<Either<WindowPartial<K, ACC>, T>> partialRecord;

    public LocalWindowPreAggregator(WindowSpec window, AggregateFunction<T, ACC, ?> function, KeySelector<T, K> key) {
        this.size = window.size().toMillis();
        this.slide = window.slide().toMillis();
        this.function = function;
        this.keySelector = key;
    }

    @Override
    public void open() throws Exception {
        super.open();
        panes = new TreeMap<>();
        localWatermark = Long.MIN_VALUE;
        partialRecord = new StreamRecord<>(null);
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        // Without a timestamp the window downstream fails with Flink's usual message, as it would without this stage.
        if (passThrough || !element.hasTimestamp()) {
            forward(element);
            return;
        }
        long timestamp = element.getTimestamp();
        long lastStart = TimeWindow.getWindowStartWithOffset(timestamp, 0, slide);
        long firstStart = lastStart;
        while (firstStart - slide > timestamp - size) {
            firstStart -= slide;
        }
        if (firstStart + size - 1 <= localWatermark) {
            // Some window of it has been sent already: the window operator judges the record itself.
            forward(element);
            return;
        }
        T value = element.getValue();
        K key = keySelector.getKey(value);
        for (long start = lastStart; start >= firstStart; start -= slide) {
            Map<K, Holder<ACC>> accumulators = pane(start).accumulators;
            Holder<ACC> holder = accumulators.get(key);
            if (holder == null) {
                holder = new Holder<>(function.createAccumulator());
                accumulators.put(key, holder);
                openEntries++;
            }
            holder.accumulator = function.add(value, holder.accumulator);
        }
        if (openEntries > MAX_OPEN_ENTRIES) {
            sendUpTo(Long.MAX_VALUE);
        }
    }

    private Pane<K, ACC> pane(long start) {
        Pane<K, ACC> pane = lastPane;
        if (pane != null && pane.start == start) {
            return pane;
        }
        pane = panes.get(start);
        if (pane == null) {
            pane = new Pane<>(start, start + size);
            panes.put(start, pane);
        }
        lastPane = pane;
        return pane;
    }

    @SuppressWarnings("unchecked")
    private void forward(StreamRecord<T> element) {
        output.collect(((StreamRecord<Either<WindowPartial<K, ACC>, T>>) (StreamRecord<?>) element)
                .replace(Either.Right(element.getValue())));
    }

    /** Sends the partials of every window whose last millisecond is at most {@code timestamp}. */
    private void sendUpTo(long timestamp) {
        while (!panes.isEmpty()) {
            Pane<K, ACC> pane = panes.firstEntry().getValue();
            long maxTimestamp = pane.end - 1;
            if (maxTimestamp > timestamp) {
                return;
            }
            // Removed before its partials go out: their accumulators must never be added to again.
            panes.pollFirstEntry();
            if (pane == lastPane) {
                lastPane = null;
            }
            for (Map.Entry<K, Holder<ACC>> e : pane.accumulators.entrySet()) {
                partialRecord.replace(
                        Either.Left(new WindowPartial<>(e.getKey(), pane.start, pane.end, e.getValue().accumulator)),
                        maxTimestamp);
                output.collect(partialRecord);
            }
            openEntries -= pane.accumulators.size();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        sendUpTo(mark.getTimestamp());
        localWatermark = Math.max(localWatermark, mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus watermarkStatus) throws Exception {
        if (watermarkStatus.isIdle()) {
            sendUpTo(Long.MAX_VALUE);
            passThrough = true;
        }
        super.processWatermarkStatus(watermarkStatus);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        sendUpTo(Long.MAX_VALUE);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        sendUpTo(Long.MAX_VALUE);
        super.finish();
    }

    /** Open accumulators, for tests. */
    public int openEntries() {
        return openEntries;
    }

    /** The accumulators of one window. */
    private static final class Pane<K, ACC> {
        final long start;
        final long end;
        final Map<K, Holder<ACC>> accumulators = new HashMap<>();

        Pane(long start, long end) {
            this.start = start;
            this.end = end;
        }
    }

    /** One mutable slot per key, so adding a record costs one hash lookup. */
    private static final class Holder<ACC> {
        ACC accumulator;

        Holder(ACC accumulator) {
            this.accumulator = accumulator;
        }
    }
}
