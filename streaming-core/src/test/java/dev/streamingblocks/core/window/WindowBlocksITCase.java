package dev.streamingblocks.core.window;

import static dev.streamingblocks.core.window.WindowHarness.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.window.MutableAccumulatorWindowTest.MutableTotals;
import dev.streamingblocks.core.window.MutableAccumulatorWindowTest.Totals;
import dev.streamingblocks.core.window.WindowHarness.Tx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The window blocks in a real job on a MiniCluster at parallelism 2 with generic types disabled:
 * results and late records, exactly.
 */
class WindowBlocksITCase {

    @Test
    void resultsAndLateRecordsOfARealJob() throws Exception {
        StreamExecutionEnvironment env = WindowHarness.env();
        env.setParallelism(2);
        DataStream<Tx> transactions = env.fromData(
                        Types.POJO(Tx.class),
                        new Tx("a", t(1), 2000),
                        new Tx("b", t(2), 50),
                        new Tx("a", t(3), 3000),
                        new Tx("a", t(4), 4000),
                        new Tx("a", t(61), 10), // moves the watermark past the first minute
                        new Tx("b", t(30), 70), // late: its window has fired
                        new Tx("b", t(62), 20))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Tx>forGenerator(ctx -> new WatermarkPerRecord())
                        .withTimestampAssigner((tx, ts) -> tx.time()))
                .setParallelism(1);

        WindowedOutput<WindowResult<String, Long>, Tx> counts = KeyedWindowAggregate.<Tx, Long>builder()
                .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                .setAggregation(WindowAggregation.count())
                .setUid("count-per-minute")
                .build()
                .apply(transactions.keyBy(Tx::user));
        // Two-phase, pre-aggregated at the source's parallelism: the same results and late records.
        WindowedOutput<WindowResult<String, Long>, Tx> twoPhase = KeyedWindowAggregate.<Tx, Long>builder()
                .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                .setAggregation(WindowAggregation.count())
                .setUid("count-per-minute-two-phase")
                .build()
                .apply(transactions, Tx::user);
        // Two-phase with a user aggregation whose accumulator add and merge change in place.
        WindowedOutput<WindowResult<String, Totals>, Tx> totals = KeyedWindowAggregate.<Tx, Totals>builder()
                .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                .setAggregation(WindowAggregation.of(
                        new MutableTotals(), TypeInformation.of(Totals.class), TypeInformation.of(Totals.class)))
                .setUid("totals-per-minute-two-phase")
                .build()
                .apply(transactions, Tx::user);
        WindowedOutput<ThresholdBreach<String>, Tx> bursts = ThresholdDetector.<Tx>builder()
                .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                .setPredicate(tx -> tx.amount() > 1000.0)
                .setMinCount(3)
                .setUid("large-bursts")
                .build()
                .apply(transactions.keyBy(Tx::user));

        DataStream<String> all = counts.results()
                .map(r -> "count " + r.key() + " " + r.windowStart() + " " + r.windowEnd() + " " + r.value())
                .union(
                        counts.lateRecords().map(tx -> "late count " + tx.user() + " " + tx.time()),
                        twoPhase.results()
                                .map(r -> "two-phase count " + r.key() + " " + r.windowStart() + " " + r.value()),
                        twoPhase.lateRecords().map(tx -> "late two-phase count " + tx.user() + " " + tx.time()),
                        totals.results()
                                .map(r -> "totals " + r.key() + " " + r.windowStart() + " " + r.value().count + " "
                                        + r.value().sum),
                        totals.lateRecords().map(tx -> "late totals " + tx.user() + " " + tx.time()),
                        bursts.results().map(b -> "burst " + b.key() + " " + b.windowStart() + " " + b.matchCount()),
                        bursts.lateRecords().map(tx -> "late burst " + tx.user() + " " + tx.time()));
        List<String> out = new ArrayList<>();
        all.executeAndCollect().forEachRemaining(out::add);

        assertThat(out)
                .containsExactlyInAnyOrder(
                        "count a 2026-02-06T12:00:00Z 2026-02-06T12:01:00Z 3",
                        "count b 2026-02-06T12:00:00Z 2026-02-06T12:01:00Z 1",
                        "count a 2026-02-06T12:01:00Z 2026-02-06T12:02:00Z 1",
                        "count b 2026-02-06T12:01:00Z 2026-02-06T12:02:00Z 1",
                        "late count b " + t(30),
                        "two-phase count a 2026-02-06T12:00:00Z 3",
                        "two-phase count b 2026-02-06T12:00:00Z 1",
                        "two-phase count a 2026-02-06T12:01:00Z 1",
                        "two-phase count b 2026-02-06T12:01:00Z 1",
                        "late two-phase count b " + t(30),
                        "totals a 2026-02-06T12:00:00Z 3 9000.0",
                        "totals b 2026-02-06T12:00:00Z 1 50.0",
                        "totals a 2026-02-06T12:01:00Z 1 10.0",
                        "totals b 2026-02-06T12:01:00Z 1 20.0",
                        "late totals b " + t(30),
                        "burst a 2026-02-06T12:00:00Z 3",
                        "late burst b " + t(30));
    }

    /** Emits a watermark after every record, so lateness does not depend on the periodic timer. */
    private static final class WatermarkPerRecord implements WatermarkGenerator<Tx> {
        private long max = Long.MIN_VALUE;

        @Override
        public void onEvent(Tx event, long eventTimestamp, WatermarkOutput output) {
            max = Math.max(max, eventTimestamp);
            output.emitWatermark(new Watermark(max - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }
}
