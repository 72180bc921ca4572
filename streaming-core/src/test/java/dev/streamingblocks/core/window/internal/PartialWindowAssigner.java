package dev.streamingblocks.core.window.internal;

import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.types.Either;

/**
 * A partial belongs to exactly the window it was built for; a record the pre-aggregation passed on
 * gets the windows of the block's own assigner, as without pre-aggregation. The assigner of the
 * {@code WindowOperator} that merged partials before {@link PartialMergingWindowOperator}, kept so
 * tests can build that setup and compare.
 */
public final class PartialWindowAssigner<T, K, ACC>
        extends WindowAssigner<Either<WindowPartial<K, ACC>, T>, TimeWindow> {

    private static final long serialVersionUID = 1L;

    private final WindowAssigner<Object, TimeWindow> records;

    public PartialWindowAssigner(WindowAssigner<Object, TimeWindow> records) {
        this.records = records;
    }

    @Override
    public Collection<TimeWindow> assignWindows(
            Either<WindowPartial<K, ACC>, T> element, long timestamp, WindowAssignerContext context) {
        if (element.isLeft()) {
            WindowPartial<K, ACC> partial = element.left();
            return List.of(new TimeWindow(partial.windowStart(), partial.windowEnd()));
        }
        return records.assignWindows(element.right(), timestamp, context);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Trigger<Either<WindowPartial<K, ACC>, T>, TimeWindow> getDefaultTrigger() {
        return (Trigger) EventTimeTrigger.create();
    }

    @Override
    public TypeSerializer<TimeWindow> getWindowSerializer(ExecutionConfig executionConfig) {
        return new TimeWindow.Serializer();
    }

    @Override
    public boolean isEventTime() {
        return true;
    }

    @Override
    public String toString() {
        return "PartialWindowAssigner(" + records + ")";
    }
}
