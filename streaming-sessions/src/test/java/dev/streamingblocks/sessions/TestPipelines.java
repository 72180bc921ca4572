package dev.streamingblocks.sessions;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** Shared set-up of the MiniCluster tests. */
final class TestPipelines {

    static final int PARALLELISM = 2;

    private TestPipelines() {}

    static Configuration configuration() {
        Configuration configuration = new Configuration();
        configuration.set(PipelineOptions.GENERIC_TYPES, false);
        return configuration;
    }

    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(PARALLELISM)
                .setConfiguration(configuration())
                .build());
    }

    /**
     * Bounded out-of-orderness like the production strategy, but a watermark after every view, so
     * what is late in a finite test input does not depend on the periodic watermark interval.
     */
    static WatermarkStrategy<PageView> watermarkAfterEveryView(Duration maxOutOfOrderness) {
        long delay = maxOutOfOrderness.toMillis();
        return WatermarkStrategy.<PageView>forGenerator(context -> new WatermarkGenerator<>() {
                    private long max = Long.MIN_VALUE + delay + 1;

                    @Override
                    public void onEvent(PageView view, long timestamp, WatermarkOutput output) {
                        max = Math.max(max, timestamp);
                        output.emitWatermark(new Watermark(max - delay - 1));
                    }

                    @Override
                    public void onPeriodicEmit(WatermarkOutput output) {}
                })
                .withTimestampAssigner((view, previous) -> view.viewTime().toEpochMilli());
    }

    /** Applies a changelog, in order, to a table keyed by user and start: what a database ends with. */
    static Map<String, UserSession> apply(Iterable<SessionChange> changes) {
        Map<String, UserSession> table = new TreeMap<>();
        for (SessionChange change : changes) {
            String key = change.session().userId() + "@" + change.session().sessionStart();
            if (change.kind() == ChangeKind.DELETE) {
                if (table.remove(key) == null) {
                    throw new AssertionError("DELETE of a session that is not in the table: " + change);
                }
            } else if (change.kind() == ChangeKind.INSERT) {
                if (table.put(key, change.session()) != null) {
                    throw new AssertionError("INSERT of a session that is already in the table: " + change);
                }
            } else if (table.put(key, change.session()) == null) {
                throw new AssertionError("UPDATE of a session that is not in the table: " + change);
            }
        }
        return table;
    }
}
