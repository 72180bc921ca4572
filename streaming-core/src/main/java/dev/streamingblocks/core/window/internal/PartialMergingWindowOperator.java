package dev.streamingblocks.core.window.internal;

import dev.streamingblocks.core.window.WindowResult;
import java.time.Instant;
import java.util.Collection;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.internal.InternalAppendingState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;

/**
 * The keyed half of a two-phase window aggregation: merges each {@link WindowPartial} into its
 * window's accumulator and adds each record the pre-aggregation passed on to the accumulators of its
 * windows, with exactly the results, emission moments and late records of Flink's {@code
 * WindowOperator} with an event-time tumbling or sliding assigner, {@code EventTimeTrigger}, the
 * allowed lateness and a late side output, but without its per-element costs: no window collection
 * for a partial, no trigger and context objects, timers registered only when a window's state is
 * created and never deleted (each fires once at its time and finds the state to emit or clear, or
 * nothing).
 *
 * <p>Why registering only on creation is enough: within one run of the operator the watermark only
 * moves forward, so a window whose state this run created before has its timer at the window's end
 * still pending if that end is still ahead of the watermark, and any window with state has its
 * cleanup timer pending (the state goes when it fires). A restored window is different: its end
 * timer may have fired before the snapshot (the state stays for the allowed lateness), and a
 * restored operator starts again from no watermark, so a record for it must register that timer
 * again, as {@code WindowOperator} does. Hence, with a lateness, until the watermark passes the last
 * restored timer, the end timer is registered for every element as there.
 *
 * <p>It keeps its state as that {@code WindowOperator} does, so savepoints move between the two:
 * the keyed {@value #WINDOW_STATE_NAME} aggregating state of the accumulator type in the {@link
 * TimeWindow} namespace, and the {@value #WINDOW_TIMERS_NAME} timer service with {@link
 * TimeWindow.Serializer} namespaces (a timer at the window's last millisecond fires it, one at that
 * plus the allowed lateness clears it; with no lateness they are the same timer).
 */
public final class PartialMergingWindowOperator<T, K, ACC, R> extends AbstractStreamOperator<WindowResult<K, R>>
        implements OneInputStreamOperator<Either<WindowPartial<K, ACC>, T>, WindowResult<K, R>>,
                Triggerable<K, TimeWindow> {

    private static final long serialVersionUID = 1L;

    /** The name of {@code WindowOperator}'s window state, kept so its savepoints restore here. */
    public static final String WINDOW_STATE_NAME = "window-contents";

    /** The name of {@code WindowOperator}'s timer service, kept so its savepoints restore here. */
    public static final String WINDOW_TIMERS_NAME = "window-timers";

    private final AggregateFunction<T, ACC, R> function;
    private final TypeInformation<ACC> accumulatorType;
    private final WindowAssigner<Object, TimeWindow> assigner;
    private final long allowedLateness;
    private final OutputTag<Either<WindowPartial<K, ACC>, T>> lateTag;

    private transient InternalAppendingState<K, TimeWindow, Either<WindowPartial<K, ACC>, T>, ACC, R> windowState;
    private transient InternalTimerService<TimeWindow> timers;
    private transient StreamRecord<WindowResult<K, R>> result;
    private transient WindowAssigner.WindowAssignerContext assignerContext;
    private transient CreationNoticingAggregate<T, K, ACC, R> aggregate;
    /** Until the watermark reaches this, restored windows may have lost their end timer. */
    private transient long restoredHorizon;

    /**
     * @param function the user's aggregation; its {@code merge} adds a partial to a window's accumulator
     * @param accumulatorType the accumulator type, whose serializer the window state uses
     * @param assigner the block's event-time assigner, for records the pre-aggregation passed on
     * @param allowedLateness milliseconds a window stays open after the watermark passes its end
     * @param lateTag where elements that come after their windows were cleared go
     */
    public PartialMergingWindowOperator(
            AggregateFunction<T, ACC, R> function,
            TypeInformation<ACC> accumulatorType,
            WindowAssigner<Object, TimeWindow> assigner,
            long allowedLateness,
            OutputTag<Either<WindowPartial<K, ACC>, T>> lateTag) {
        if (!assigner.isEventTime()) {
            throw new IllegalArgumentException("the window assigner must be event time, was " + assigner);
        }
        if (allowedLateness < 0) {
            throw new IllegalArgumentException("allowedLateness must not be negative, was " + allowedLateness);
        }
        this.function = function;
        this.accumulatorType = accumulatorType;
        this.assigner = assigner;
        this.allowedLateness = allowedLateness;
        this.lateTag = lateTag;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        timers = getInternalTimerService(WINDOW_TIMERS_NAME, new TimeWindow.Serializer(), this);
        aggregate = new CreationNoticingAggregate<>(new PartialMergingAggregate<T, K, ACC, R>(function));
        AggregatingStateDescriptor<Either<WindowPartial<K, ACC>, T>, ACC, R> descriptor =
                new AggregatingStateDescriptor<>(WINDOW_STATE_NAME, aggregate, accumulatorType);
        windowState = (InternalAppendingState<K, TimeWindow, Either<WindowPartial<K, ACC>, T>, ACC, R>)
                getOrCreateKeyedState(new TimeWindow.Serializer(), descriptor);
        result = new StreamRecord<>(null);
        restoredHorizon = Long.MIN_VALUE;
        if (allowedLateness > 0) {
            // Once per restore; a fresh operator has no timers.
            timers.forEachEventTimeTimer((window, time) -> restoredHorizon = Math.max(restoredHorizon, time));
        }
        assignerContext = new WindowAssigner.WindowAssignerContext() {
            @Override
            public long getCurrentProcessingTime() {
                return timers.currentProcessingTime();
            }
        };
    }

    @Override
    public void processElement(StreamRecord<Either<WindowPartial<K, ACC>, T>> element) throws Exception {
        Either<WindowPartial<K, ACC>, T> value = element.getValue();
        long watermark = timers.currentWatermark();
        boolean skipped;
        if (value.isLeft()) {
            WindowPartial<K, ACC> partial = value.left();
            skipped = !add(new TimeWindow(partial.windowStart(), partial.windowEnd()), value, watermark);
        } else {
            // Without a timestamp the assigner fails with Flink's usual message.
            Collection<TimeWindow> windows =
                    assigner.assignWindows(value.right(), element.getTimestamp(), assignerContext);
            skipped = true;
            for (TimeWindow window : windows) {
                skipped &= !add(window, value, watermark);
            }
        }
        if (skipped && element.getTimestamp() + allowedLateness <= watermark) {
            output.collect(lateTag, element);
        }
    }

    /** Adds {@code value} to the window unless it has been cleared; false if it has. */
    private boolean add(TimeWindow window, Either<WindowPartial<K, ACC>, T> value, long watermark) throws Exception {
        long cleanupTime = cleanupTime(window);
        if (cleanupTime <= watermark) {
            return false;
        }
        windowState.setCurrentNamespace(window);
        // One state access: the state calls createAccumulator() exactly when the window has none yet.
        aggregate.created = false;
        windowState.add(value);
        boolean created = aggregate.created;
        long maxTimestamp = window.maxTimestamp();
        if (maxTimestamp <= watermark) {
            // Late but within the allowed lateness: EventTimeTrigger fires at once with the update.
            emit(window, windowState.get());
        } else if (created || watermark < restoredHorizon) {
            timers.registerEventTimeTimer(window, maxTimestamp);
        }
        // An existing state has its cleanup timer already; MAX_VALUE means never cleared (as Flink).
        if (created && cleanupTime != maxTimestamp && cleanupTime != Long.MAX_VALUE) {
            timers.registerEventTimeTimer(window, cleanupTime);
        }
        return true;
    }

    @Override
    public void onEventTime(InternalTimer<K, TimeWindow> timer) throws Exception {
        TimeWindow window = timer.getNamespace();
        long time = timer.getTimestamp();
        windowState.setCurrentNamespace(window);
        if (time == window.maxTimestamp()) {
            R value = windowState.get();
            if (value != null) {
                emit(window, value);
            }
        }
        if (time == cleanupTime(window)) {
            windowState.clear();
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<K, TimeWindow> timer) {
        // Event-time windows register no processing-time timers.
    }

    @SuppressWarnings("unchecked")
    private void emit(TimeWindow window, R value) {
        output.collect(result.replace(
                new WindowResult<>(
                        (K) getCurrentKey(),
                        Instant.ofEpochMilli(window.getStart()),
                        Instant.ofEpochMilli(window.getEnd()),
                        value),
                window.maxTimestamp()));
    }

    /** As {@code WindowOperator}: the window's last millisecond plus the lateness, or never on overflow. */
    private long cleanupTime(TimeWindow window) {
        long cleanupTime = window.maxTimestamp() + allowedLateness;
        return cleanupTime >= window.maxTimestamp() ? cleanupTime : Long.MAX_VALUE;
    }

    /**
     * The window state's aggregation, which notes when the state creates an accumulator: the window
     * had no state, so its timers are to be registered. Only the state's name and serializers are
     * in a savepoint, not this function.
     */
    private static final class CreationNoticingAggregate<T, K, ACC, R>
            implements AggregateFunction<Either<WindowPartial<K, ACC>, T>, ACC, R> {

        private static final long serialVersionUID = 1L;

        private final PartialMergingAggregate<T, K, ACC, R> merging;
        boolean created;

        CreationNoticingAggregate(PartialMergingAggregate<T, K, ACC, R> merging) {
            this.merging = merging;
        }

        @Override
        public ACC createAccumulator() {
            created = true;
            return merging.createAccumulator();
        }

        @Override
        public ACC add(Either<WindowPartial<K, ACC>, T> value, ACC accumulator) {
            return merging.add(value, accumulator);
        }

        @Override
        public R getResult(ACC accumulator) {
            return merging.getResult(accumulator);
        }

        @Override
        public ACC merge(ACC a, ACC b) {
            return merging.merge(a, b);
        }
    }
}
