package dev.streamingblocks.lake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.sink.SinkDeadLetterHeaders;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.lake.testutils.LakeOrder;
import dev.streamingblocks.testkit.await.Await;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake sink on a MiniCluster at parallelism 2, read back with DuckDB as a user would:
 * {@code read_parquet('<lake>/**}{@code /*.parquet', hive_partitioning = true)} must give exactly the
 * records written, per partition, once each, also through five task failures; late records within the
 * allowed lateness land in their own past partition, later and invalid ones in the dead-letter topic;
 * every partition ends with its {@code _SUCCESS} marker and no hidden leftover.
 */
class LakeSinkITCase {

    private static final Instant START = Instant.parse("2026-02-06T10:00:00Z");
    private static final TypeInformation<LakeOrder> ORDER_TYPE = new AvroTypeInfo<>(LakeOrder.class);

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2)
            .setNumberSlotsPerTaskManager(1)
            .build());

    @TempDir
    Path temp;

    @Test
    void writesEachRecordOnceIntoItsEventTimePartitionAndDeadLettersLateAndInvalidOnes() throws Exception {
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("lake-dlq");
        KAFKA.cluster().createTopic(dlq, 1);
        Path lake = temp.resolve("orders");

        List<LakeOrder> input = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            input.add(order("h10-" + i, START.plusSeconds(i * 30L), i));
        }
        for (int i = 0; i < 100; i++) {
            input.add(order("h11-" + i, START.plus(Duration.ofHours(1)).plusSeconds(i * 30L), i));
        }
        // The watermark reaches 12:04:59.999: hour 10 closes (its end plus 10 minutes has passed), hour 11 not.
        input.add(order("h12-first", Instant.parse("2026-02-06T12:05:00Z"), 1));
        LakeOrder lateButAllowed = order("late-11", Instant.parse("2026-02-06T11:30:00Z"), 7);
        LakeOrder tooLate = order("late-10", Instant.parse("2026-02-06T10:30:00Z"), 3);
        LakeOrder negative = order("negative", Instant.parse("2026-02-06T12:06:00Z"), 2);
        negative.setQuantity(-1);
        LakeOrder noPrice = order("no-price", Instant.parse("2026-02-06T12:07:00Z"), 2);
        noPrice.setPrice(Double.NaN);
        input.addAll(List.of(lateButAllowed, tooLate, negative, noPrice));
        for (int i = 0; i < 50; i++) {
            input.add(order("h12-" + i, Instant.parse("2026-02-06T12:10:00Z").plusSeconds(i * 60L), i));
        }

        StreamExecutionEnvironment env = environment(100);
        Instant last = input.get(input.size() - 1).getTimestamp();
        DataStream<LakeOrder> orders = endless(
                        env,
                        i -> i < input.size()
                                ? input.get((int) i).getTimestamp()
                                : last.plus(Duration.ofMinutes(i - input.size() + 1)),
                        Duration.ZERO)
                .filter(i -> i < input.size())
                .setParallelism(1)
                .map(i -> input.get((int) (long) i), ORDER_TYPE)
                .setParallelism(1);
        lakeSink(lake, dlq).sinkTo(orders.rebalance());
        runUntilClosed(env, lake, List.of("dt=2026-02-06/hour=10", "dt=2026-02-06/hour=11", "dt=2026-02-06/hour=12"));

        Map<String, String> expected = expectedTotals(input.stream()
                .filter(o -> o != tooLate && o != negative && o != noPrice)
                .toList());
        assertThat(expected).containsEntry("dt=2026-02-06/hour=11", LakeTables.describe(101, totalOf(input, 11)));
        assertThat(LakeTables.totals(lake)).isEqualTo(expected);
        assertOnlyFinalFiles(lake, List.of("dt=2026-02-06/hour=10", "dt=2026-02-06/hour=11", "dt=2026-02-06/hour=12"));

        Map<String, ConsumerRecord<byte[], byte[]>> deadLetters = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.cluster().consume(dlq, 3, Duration.ofSeconds(30))) {
            deadLetters.put(
                    header(r, SinkDeadLetterHeaders.ERROR_CLASS) + " " + header(r, LakeSink.DEAD_LETTER_PATH_HEADER)
                            + " " + header(r, SinkDeadLetterHeaders.ERROR_MESSAGE),
                    r);
        }
        assertThat(deadLetters.keySet())
                .containsExactly(
                        "dev.streamingblocks.lake.InvalidLakeRecordException dt=2026-02-06/hour=12 field 'price' must be"
                                + " a finite number, but was NaN",
                        "dev.streamingblocks.lake.InvalidLakeRecordException dt=2026-02-06/hour=12 field 'quantity' must be"
                                + " positive, but was -1",
                        "dev.streamingblocks.lake.LateRecordException dt=2026-02-06/hour=10 The record's event time"
                                + " 2026-02-06T10:30:00Z belongs to partition dt=2026-02-06/hour=10, which is closed: the"
                                + " watermark is at 2026-02-06T12:04:59.999Z and the allowed lateness is PT10M");
        ConsumerRecord<byte[], byte[]> late = deadLetters.values().stream()
                .filter(r -> header(r, SinkDeadLetterHeaders.ERROR_CLASS).endsWith("LateRecordException"))
                .findFirst()
                .orElseThrow();
        assertThat(new String(late.value(), UTF_8)).isEqualTo(tooLate.toString());
        assertThat(header(late, SinkDeadLetterHeaders.VALUE_KIND))
                .isEqualTo(TypedKafkaSink.DEAD_LETTER_VALUE_DESCRIPTION);
        assertThat(header(late, SinkDeadLetterHeaders.VALUE_TRUNCATED)).isEqualTo("false");
    }

    @Test
    void fiveTaskFailuresNeitherDuplicateNorLoseARow() throws Exception {
        int count = 4000;
        Path lake = temp.resolve("orders-under-failures");
        FailingPassThrough<LakeOrder> failures = new FailingPassThrough<>(300, 250, 400, 200, 350);

        StreamExecutionEnvironment env = environment(100);
        DataStream<LakeOrder> orders = endless(env, LakeSinkITCase::timeOf, Duration.ofSeconds(5))
                .filter(i -> i < count)
                .setParallelism(1)
                .map(LakeSinkITCase::orderOf, ORDER_TYPE)
                .setParallelism(1)
                .rebalance()
                .map(failures, ORDER_TYPE)
                .uid("injected-failures");
        LakeSink.<LakeOrder>builder()
                .setName("orders-lake")
                .setBasePath(lake.toUri().toString())
                .setSpecificRecordClass(LakeOrder.class)
                .setEventTimeExtractor(o -> o.getTimestamp())
                .setMaxCheckpointsBeforeCompaction(3)
                .build()
                .sinkTo(orders);
        runUntilClosed(
                env,
                lake,
                List.of(
                        "dt=2026-02-06/hour=10",
                        "dt=2026-02-06/hour=11",
                        "dt=2026-02-06/hour=12",
                        "dt=2026-02-06/hour=13"));

        assertThat(failures.failures()).isEqualTo(5);
        List<LakeOrder> produced = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            produced.add(orderOf(i));
        }
        assertThat(LakeTables.totals(lake)).isEqualTo(expectedTotals(produced));
        assertOnlyFinalFiles(
                lake,
                List.of(
                        "dt=2026-02-06/hour=10",
                        "dt=2026-02-06/hour=11",
                        "dt=2026-02-06/hour=12",
                        "dt=2026-02-06/hour=13"));
    }

    private static LakeSink<LakeOrder> lakeSink(Path lake, String dlq) {
        return LakeSink.<LakeOrder>builder()
                .setName("orders-lake")
                .setBasePath(lake.toUri().toString())
                .setSpecificRecordClass(LakeOrder.class)
                .setEventTimeExtractor(LakeOrder::getTimestamp)
                .setAllowedLateness(Duration.ofMinutes(10))
                .setRecordValidator(o -> o.getQuantity() <= 0
                        ? Optional.of("field 'quantity' must be positive, but was " + o.getQuantity())
                        : Double.isFinite(o.getPrice())
                                ? Optional.empty()
                                : Optional.of("field 'price' must be a finite number, but was " + o.getPrice()))
                .setDeadLetterTopic(dlq)
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setDeadLetterDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .build();
    }

    /** Closed partitions hold their part files and the marker, nothing hidden, nothing else. */
    private static void assertOnlyFinalFiles(Path lake, List<String> partitions) throws Exception {
        List<String> files = LakeTables.files(lake);
        Map<String, Integer> parts = new TreeMap<>();
        for (String file : files) {
            String partition = file.substring(0, file.lastIndexOf('/'));
            String name = file.substring(file.lastIndexOf('/') + 1);
            assertThat(name).as(file).matches("part-[0-9a-f-]+\\.parquet|_SUCCESS");
            parts.merge(partition, name.equals("_SUCCESS") ? 1000 : 1, Integer::sum);
        }
        assertThat(parts.keySet()).containsExactlyElementsOf(partitions);
        assertThat(parts.values())
                .allSatisfy(
                        n -> assertThat(n).as("a marker and at least one file").isGreaterThan(1000));
    }

    private static StreamExecutionEnvironment environment(long checkpointMillis) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(checkpointMillis);
        return env;
    }

    static LakeOrder order(String id, Instant time, int i) {
        return LakeOrder.newBuilder()
                .setOrderId(id)
                .setProductId("prod-" + (i % 3))
                .setQuantity(1 + i % 4)
                .setPrice(1.0 + (i % 40) * 0.25)
                .setTimestamp(time)
                .build();
    }

    /** 3 s apart from 10:00 on, every fifth record 4 s behind: within the 5 s out-of-orderness. */
    static Instant timeOf(long i) {
        return START.plusSeconds(3 * i - (i % 5 == 2 ? 4 : 0));
    }

    static LakeOrder orderOf(long i) {
        return order("o-" + i, timeOf(i), (int) i);
    }

    /**
     * Numbers 0, 1, ... that never end, about 1,000 a second (so checkpoints, every 100 ms, complete
     * between the injected failures), each with the event time {@code time(i)} and a watermark after it.
     * Tests filter out the numbers past their data: those only move the watermark on and close every
     * partition. The job must not end: Flink 2.2 drops the committables of a bounded job's final
     * checkpoint before they reach a sink's post-commit step (FLINK-38614), so the lake would never
     * see its last files.
     */
    private static DataStream<Long> endless(StreamExecutionEnvironment env, TimeOf time, Duration outOfOrderness) {
        return env.fromSource(
                        new NumberSequenceSource(0, Long.MAX_VALUE - 1),
                        WatermarkStrategy.<Long>forGenerator(c -> new Punctuated<>(outOfOrderness))
                                .withTimestampAssigner((i, ts) -> time.of(i).toEpochMilli()),
                        "numbers")
                .setParallelism(1)
                .map(
                        i -> {
                            LockSupport.parkNanos(1_000_000);
                            return i;
                        },
                        Types.LONG)
                .setParallelism(1);
    }

    @FunctionalInterface
    private interface TimeOf extends java.io.Serializable {
        Instant of(long i);
    }

    /** Runs the job until every one of the partitions has its marker (then nothing in them changes), then cancels it. */
    private static void runUntilClosed(StreamExecutionEnvironment env, Path lake, List<String> partitions)
            throws Exception {
        JobClient job = env.executeAsync("lake-sink");
        try {
            Await.until(
                    Duration.ofSeconds(60),
                    "every partition's _SUCCESS marker",
                    () -> partitions.stream()
                            .allMatch(p -> Files.exists(lake.resolve(p).resolve(LakePartitions.SUCCESS_MARKER))));
        } finally {
            job.cancel().get();
        }
    }

    static Map<String, String> expectedTotals(List<LakeOrder> orders) {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, Double> sums = new HashMap<>();
        for (LakeOrder o : orders) {
            String p = LakePartitions.partitionOf(o.getTimestamp());
            counts.computeIfAbsent(p, k -> new long[1])[0]++;
            sums.merge(p, o.getPrice() * o.getQuantity(), Double::sum);
        }
        Map<String, String> totals = new TreeMap<>();
        counts.forEach((p, c) -> totals.put(p, LakeTables.describe(c[0], sums.get(p))));
        totals.put(
                "total",
                LakeTables.describe(
                        orders.size(),
                        orders.stream()
                                .mapToDouble(o -> o.getPrice() * o.getQuantity())
                                .sum()));
        totals.put("distinct order ids", Long.toString(orders.size()));
        return totals;
    }

    private static double totalOf(List<LakeOrder> input, int hour) {
        return input.stream()
                .filter(o -> o.getQuantity() > 0 && Double.isFinite(o.getPrice()))
                .filter(o ->
                        LakePartitions.partitionOf(o.getTimestamp()).endsWith(String.format(Locale.ROOT, "%02d", hour)))
                .filter(o -> !o.getOrderId().equals("late-10"))
                .mapToDouble(o -> o.getPrice() * o.getQuantity())
                .sum();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), UTF_8);
    }

    /** A watermark after every record, so which record is late does not depend on timing. */
    private static final class Punctuated<T> implements WatermarkGenerator<T> {
        private final long outOfOrderness;
        private long max = Long.MIN_VALUE;

        Punctuated(Duration outOfOrderness) {
            this.outOfOrderness = outOfOrderness.toMillis();
        }

        @Override
        public void onEvent(T event, long timestamp, WatermarkOutput output) {
            max = Math.max(max, timestamp);
            output.emitWatermark(new Watermark(max - outOfOrderness - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }
}
