package dev.streamingblocks.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.time.CheckpointedWatermark;
import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.core.window.KeyedWindowAggregate;
import dev.streamingblocks.core.window.WindowAggregation;
import dev.streamingblocks.core.window.WindowResult;
import dev.streamingblocks.core.window.WindowSpec;
import dev.streamingblocks.core.window.WindowedOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/event-time.md and docs/windows.md, verbatim, so they compile against today's API and do
 * what the pages say. Keep the pages and this class in step.
 */
class DocsExamplesITCase {

    /** The docs' event type. */
    public record Click(String user, String page, Instant at) {}

    // docs/event-time.md, "A full example"
    static WatermarkStrategy<Click> clickWatermarks() {
        return EventTimeWatermarkStrategy.<Click>builder()
                .setEventTimeExtractor(Click::at) // or setAvroTimestampField("timestamp")
                .setMaxOutOfOrderness(Duration.ofSeconds(5))
                .setGuard(EventTimeGuard.builder() // 1 h ahead of the wall clock by default
                        .setMaxAheadOfHighestSeen(Duration.ofDays(1))
                        .build())
                .build();
    }

    // docs/windows.md, "A full example"
    static WindowedOutput<WindowResult<String, Long>, Click> clicksPerMinute(DataStream<Click> clicks) {
        return KeyedWindowAggregate.<Click, Long>builder()
                .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                .setAggregation(WindowAggregation.count())
                .setAllowedLateness(Duration.ofSeconds(30))
                .setUid("clicks-per-minute")
                .build()
                .apply(clicks.keyBy(Click::user));
    }

    // docs/event-time.md, "CheckpointedWatermark"
    static final class LateClickFlagger extends KeyedProcessFunction<String, Click, String>
            implements CheckpointedFunction {

        private final CheckpointedWatermark watermark = new CheckpointedWatermark("late-click-flagger-watermark");

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            watermark.initialize(context);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            watermark.snapshot();
        }

        @Override
        public void processElement(Click click, Context ctx, Collector<String> out) {
            boolean late = ctx.timestamp() <= watermark.current(ctx.timerService());
            out.collect((late ? "late " : "on time ") + click.user() + " " + click.at());
        }
    }

    private static final Instant NOON = Instant.parse("2026-02-06T12:00:00Z");

    @Test
    void theWindowExampleCountsPerUserAndMinute() throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        DataStream<Click> clicks = env.fromData(
                        new Click("alice", "/", NOON.plusSeconds(10)),
                        new Click("bob", "/cart", NOON.plusSeconds(20)),
                        new Click("alice", "/cart", NOON.plusSeconds(50)),
                        new Click("carol", "/", Instant.parse("2099-01-01T00:00:30Z")),
                        new Click("alice", "/pay", NOON.plusSeconds(65)),
                        new Click("bob", "/pay", NOON.plusSeconds(90)))
                .assignTimestampsAndWatermarks(clickWatermarks())
                .setParallelism(1);

        WindowedOutput<WindowResult<String, Long>, Click> perMinute = clicksPerMinute(clicks);
        DataStream<String> out = perMinute
                .results()
                .map(r -> r.key() + " " + r.windowStart() + " " + r.windowEnd() + " " + r.value())
                .union(perMinute.lateRecords().map(c -> "late " + c.user() + " " + c.at()));
        List<String> lines = new ArrayList<>();
        out.executeAndCollect().forEachRemaining(lines::add);

        // The 2099 click cannot move the watermark, but a plain source still passes it on, so it gets a window of
        // its own; TypedKafkaSource applies the guard before emitting and dead-letters it instead.
        assertThat(lines)
                .containsExactlyInAnyOrder(
                        "alice 2026-02-06T12:00:00Z 2026-02-06T12:01:00Z 2",
                        "bob 2026-02-06T12:00:00Z 2026-02-06T12:01:00Z 1",
                        "alice 2026-02-06T12:01:00Z 2026-02-06T12:02:00Z 1",
                        "bob 2026-02-06T12:01:00Z 2026-02-06T12:02:00Z 1",
                        "carol 2099-01-01T00:00:00Z 2099-01-01T00:01:00Z 1");
    }
}
