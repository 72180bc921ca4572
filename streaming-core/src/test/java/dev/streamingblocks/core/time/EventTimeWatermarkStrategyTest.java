package dev.streamingblocks.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.time.testing.Reading;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

class EventTimeWatermarkStrategyTest {

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");

    private static long t(long seconds) {
        return BEGINNING.plusSeconds(seconds).toEpochMilli();
    }

    @Test
    void readsTimestampMillisFromAGeneratedSpecificRecordAsInstant() {
        WatermarkStrategy<Reading> strategy = EventTimeWatermarkStrategy.<Reading>builder()
                .setAvroTimestampField("measured_at")
                .setMaxOutOfOrderness(Duration.ofSeconds(5))
                .build();
        Reading reading = Reading.newBuilder()
                .setSensor("s-1")
                .setMeasuredAt(BEGINNING.plusSeconds(7))
                .setValue(1.5)
                .build();

        assertThat(assigner(strategy).extractTimestamp(reading, Long.MIN_VALUE)).isEqualTo(t(7));
    }

    @Test
    void readsTimestampMillisAndPlainLongAndMicrosFromGenericRecords() {
        Schema millis = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        Schema micros = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        Schema schema = SchemaBuilder.record("Event")
                .namespace("test")
                .fields()
                .name("at_millis")
                .type(millis)
                .noDefault()
                .name("at_long")
                .type()
                .longType()
                .noDefault()
                .name("at_micros")
                .type(micros)
                .noDefault()
                .name("label")
                .type()
                .stringType()
                .noDefault()
                .name("maybe")
                .type()
                .optional()
                .longType()
                .endRecord();
        GenericRecord record = new GenericData.Record(schema);
        record.put("at_millis", t(1));
        record.put("at_long", t(2));
        record.put("at_micros", t(3) * 1000L + 999L);
        record.put("label", "x");

        assertThat(extract("at_millis", record)).isEqualTo(t(1));
        assertThat(extract("at_long", record)).isEqualTo(t(2));
        assertThat(extract("at_micros", record)).isEqualTo(t(3));
        assertThatThrownBy(() -> extract("label", record))
                .isInstanceOf(InvalidEventTimeException.class)
                .hasMessage("Avro timestamp field 'label' of record test.Event holds a java.lang.String,"
                        + " expected a long or timestamp-millis");
        assertThatThrownBy(() -> extract("maybe", record))
                .isInstanceOf(InvalidEventTimeException.class)
                .hasMessage("Avro timestamp field 'maybe' of record test.Event is null");
        assertThatThrownBy(() -> extract("missing", record))
                .isInstanceOf(InvalidEventTimeException.class)
                .hasMessage("Avro record test.Event has no timestamp field 'missing'");
    }

    @Test
    void refusesANonAvroRecordForAnAvroField() {
        WatermarkStrategy<String> strategy = EventTimeWatermarkStrategy.<String>builder()
                .setAvroTimestampField("ts")
                .setMaxOutOfOrderness(Duration.ZERO)
                .build();

        assertThatThrownBy(() -> assigner(strategy).extractTimestamp("text", 0L))
                .isInstanceOf(InvalidEventTimeException.class)
                .hasMessage("Cannot read Avro timestamp field 'ts' from a java.lang.String: it is not an Avro record");
    }

    @Test
    void extractorReturningNullIsNamed() {
        WatermarkStrategy<String> strategy = EventTimeWatermarkStrategy.<String>builder()
                .setEventTimeExtractor(s -> null)
                .setMaxOutOfOrderness(Duration.ZERO)
                .build();

        assertThatThrownBy(() -> assigner(strategy).extractTimestamp("text", 0L))
                .isInstanceOf(InvalidEventTimeException.class)
                .hasMessage("The event time extractor returned null for a java.lang.String");
    }

    @Test
    void watermarkTrailsTheHighestEventTimeByTheBoundMinusOneMillisecond() {
        WatermarkStrategy<Long> strategy = EventTimeWatermarkStrategy.<Long>builder()
                .setEventTimeExtractor(Instant::ofEpochMilli)
                .setMaxOutOfOrderness(Duration.ofSeconds(5))
                .build();
        RecordingOutput output = new RecordingOutput();
        WatermarkGenerator<Long> generator = strategy.createWatermarkGenerator(context(new ManualClock()));

        generator.onEvent(t(10), t(10), output);
        generator.onEvent(t(4), t(4), output); // out of order: must not pull the watermark back
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(t(10) - 5_000L - 1L);
    }

    @Test
    void idlenessIsLeftToTheSourceSoTheStrategyNeverMarksIdle() {
        WatermarkStrategy<Long> strategy = EventTimeWatermarkStrategy.<Long>builder()
                .setEventTimeExtractor(Instant::ofEpochMilli)
                .setMaxOutOfOrderness(Duration.ofSeconds(5))
                .build();
        ManualClock clock = new ManualClock();
        clock.advanceTime(Duration.ofSeconds(1));
        RecordingOutput output = new RecordingOutput();
        WatermarkGenerator<Long> generator = strategy.createWatermarkGenerator(context(clock));

        generator.onPeriodicEmit(output);
        generator.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofHours(1));
        generator.onPeriodicEmit(output);

        assertThat(output.idleMarks).isZero();
    }

    @Test
    void alignmentGroupIsPassedToTheSource() {
        WatermarkStrategy<Long> strategy = EventTimeWatermarkStrategy.<Long>builder()
                .setEventTimeExtractor(Instant::ofEpochMilli)
                .setMaxOutOfOrderness(Duration.ofSeconds(5))
                .setAlignment("transactions", Duration.ofSeconds(20))
                .build();

        assertThat(strategy.getAlignmentParameters().getWatermarkGroup()).isEqualTo("transactions");
        assertThat(strategy.getAlignmentParameters().getMaxAllowedWatermarkDrift())
                .isEqualTo(20_000L);
        assertThat(strategy.getAlignmentParameters().getUpdateInterval()).isEqualTo(1_000L);
    }

    @Test
    void aGuardedGeneratorIgnoresAYear2099RecordSoLaterRecordsAreOnTime() {
        EventTimeGuard guard = EventTimeGuard.builder()
                .setWallClock(new EventTimeGuardTest.MutableClock(BEGINNING.plusSeconds(60)))
                .build();
        EventTimeWatermarkStrategy<Long> strategy = EventTimeWatermarkStrategy.<Long>builder()
                .setEventTimeExtractor(Instant::ofEpochMilli)
                .setMaxOutOfOrderness(Duration.ofSeconds(5))
                .setGuard(guard)
                .build();
        CountingMetrics metrics = new CountingMetrics();
        RecordingOutput output = new RecordingOutput();
        WatermarkGenerator<Long> generator = strategy.createWatermarkGenerator(context(new ManualClock(), metrics));
        long year2099 = Instant.parse("2099-01-01T00:00:00Z").toEpochMilli();

        generator.onEvent(t(10), t(10), output);
        generator.onEvent(year2099, year2099, output);
        generator.onPeriodicEmit(output);
        generator.onEvent(t(20), t(20), output);
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(t(10) - 5_001L, t(20) - 5_001L);
        assertThat(metrics.counter(EventTimeGuard.REJECTED_METRIC).getCount()).isEqualTo(1L);
        assertThat(strategy.guard()).contains(guard);
        assertThat(strategy.timestampAssigner().extractTimestamp(t(3), 0L)).isEqualTo(t(3));
    }

    @Test
    void aRejectedTimeNeverBecomesTheHighestSeenAndTheHorizonRejectsFarPastTimes() {
        EventTimeWatermarkStrategy<Long> strategy = EventTimeWatermarkStrategy.<Long>builder()
                .setEventTimeExtractor(Instant::ofEpochMilli)
                .setMaxOutOfOrderness(Duration.ZERO)
                .setGuard(EventTimeGuard.builder()
                        .disableMaxAheadOfWallClock()
                        .setMaxAheadOfHighestSeen(Duration.ofDays(1))
                        .setMaxBehindHighestSeen(Duration.ofHours(1))
                        .build())
                .build();
        CountingMetrics metrics = new CountingMetrics();
        RecordingOutput output = new RecordingOutput();
        WatermarkGenerator<Long> generator = strategy.createWatermarkGenerator(context(new ManualClock(), metrics));
        long twoDaysLater = t(0) + Duration.ofDays(2).toMillis();
        long halfADayLater = t(0) + Duration.ofHours(12).toMillis();

        generator.onEvent(t(0), t(0), output);
        generator.onEvent(twoDaysLater, twoDaysLater, output); // rejected: more than 1 day ahead
        // accepted: had the rejected time become the highest, this one would be 36 h behind it
        generator.onEvent(halfADayLater, halfADayLater, output);
        generator.onEvent(t(0), t(0), output); // rejected: 12 h behind, horizon 1 h
        generator.onEvent(0L, 0L, output); // rejected: 1970
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(halfADayLater - 1L);
        assertThat(metrics.counter(EventTimeGuard.REJECTED_METRIC).getCount()).isEqualTo(3L);
    }

    @Test
    void withoutGuardKeepsEverythingButTheGuardAndNoGuardIsTheDefault() {
        EventTimeWatermarkStrategy<Long> guarded = EventTimeWatermarkStrategy.<Long>builder()
                .setEventTimeExtractor(Instant::ofEpochMilli)
                .setMaxOutOfOrderness(Duration.ofSeconds(5))
                .setAlignment("g", Duration.ofSeconds(20))
                .setGuard(EventTimeGuard.builder()
                        .setWallClock(new EventTimeGuardTest.MutableClock(BEGINNING))
                        .build())
                .build();
        RecordingOutput output = new RecordingOutput();
        WatermarkGenerator<Long> generator =
                guarded.withoutGuard().createWatermarkGenerator(context(new ManualClock()));
        long year2099 = Instant.parse("2099-01-01T00:00:00Z").toEpochMilli();

        generator.onEvent(year2099, year2099, output);
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(year2099 - 5_001L);
        assertThat(guarded.withoutGuard().getAlignmentParameters().getWatermarkGroup())
                .isEqualTo("g");
        assertThat(guarded.getAlignmentParameters().getWatermarkGroup()).isEqualTo("g");
        assertThat(EventTimeWatermarkStrategy.<Long>builder()
                        .setEventTimeExtractor(Instant::ofEpochMilli)
                        .setMaxOutOfOrderness(Duration.ZERO)
                        .build()
                        .guard())
                .isEmpty();
        assertThatThrownBy(() -> EventTimeWatermarkStrategy.<Long>builder().setGuard(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("guard must not be null");
    }

    @Test
    void anExtractorThatThrowsGivesAnInvalidEventTimeExceptionNamingIt() {
        WatermarkStrategy<String> strategy = EventTimeWatermarkStrategy.<String>builder()
                .setEventTimeExtractor(s -> Instant.ofEpochMilli(Long.parseLong(s)))
                .setMaxOutOfOrderness(Duration.ZERO)
                .build();

        assertThatThrownBy(() -> assigner(strategy).extractTimestamp("soon", 0L))
                .isInstanceOf(InvalidEventTimeException.class)
                .hasMessage("The event time extractor failed for a java.lang.String:"
                        + " java.lang.NumberFormatException: For input string: \"soon\"")
                .hasCauseInstanceOf(NumberFormatException.class);
    }

    @Test
    void builderNamesTheOffendingProperty() {
        assertThatThrownBy(() -> EventTimeWatermarkStrategy.<Long>builder()
                        .setMaxOutOfOrderness(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eventTimeExtractor or avroTimestampField must be set");
        assertThatThrownBy(() -> EventTimeWatermarkStrategy.<Long>builder()
                        .setAvroTimestampField("ts")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxOutOfOrderness must be set and not negative, was null");
        assertThatThrownBy(() -> EventTimeWatermarkStrategy.<Long>builder()
                        .setAvroTimestampField("ts")
                        .setMaxOutOfOrderness(Duration.ofSeconds(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxOutOfOrderness must be set and not negative, was PT-1S");
        assertThatThrownBy(() -> EventTimeWatermarkStrategy.<Long>builder()
                        .setAvroTimestampField("ts")
                        .setEventTimeExtractor(Instant::ofEpochMilli))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("eventTimeExtractor cannot be set: avroTimestampField is already set to 'ts'");
        assertThatThrownBy(() -> EventTimeWatermarkStrategy.<Long>builder()
                        .setEventTimeExtractor(Instant::ofEpochMilli)
                        .setAvroTimestampField("ts"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("avroTimestampField cannot be set: eventTimeExtractor is already set");
        assertThatThrownBy(() -> EventTimeWatermarkStrategy.<Long>builder().setAvroTimestampField(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("avroTimestampField must not be blank");
        assertThatThrownBy(() -> EventTimeWatermarkStrategy.<Long>builder()
                        .setAvroTimestampField("ts")
                        .setMaxOutOfOrderness(Duration.ZERO)
                        .setAlignment(" ", Duration.ofSeconds(1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alignment group must not be blank");
        assertThatThrownBy(() -> EventTimeWatermarkStrategy.<Long>builder()
                        .setAvroTimestampField("ts")
                        .setMaxOutOfOrderness(Duration.ZERO)
                        .setAlignment("g", Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alignment maxDrift must be positive, was PT0S");
    }

    @Test
    void oneAssignerFollowsTheFieldWhenTheSchemaChangesBetweenRecords() {
        Schema micros = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        Schema first = SchemaBuilder.record("Event")
                .namespace("test")
                .fields()
                .requiredLong("ts")
                .requiredString("label")
                .endRecord();
        // A later version: the field moved to another position and counts microseconds.
        Schema second = SchemaBuilder.record("Event")
                .namespace("test")
                .fields()
                .requiredString("label")
                .name("ts")
                .type(micros)
                .noDefault()
                .endRecord();
        Schema without = SchemaBuilder.record("Other")
                .namespace("test")
                .fields()
                .requiredLong("at")
                .endRecord();
        GenericRecord a = new GenericData.Record(first);
        a.put("ts", t(1));
        a.put("label", "a");
        GenericRecord b = new GenericData.Record(second);
        b.put("label", "b");
        b.put("ts", t(2) * 1000L + 999L);
        GenericRecord c = new GenericData.Record(without);
        c.put("at", t(3));
        TimestampAssigner<GenericRecord> assigner = assigner(EventTimeWatermarkStrategy.<GenericRecord>builder()
                .setAvroTimestampField("ts")
                .setMaxOutOfOrderness(Duration.ZERO)
                .build());

        assertThat(assigner.extractTimestamp(a, Long.MIN_VALUE)).isEqualTo(t(1));
        assertThat(assigner.extractTimestamp(a, Long.MIN_VALUE)).isEqualTo(t(1));
        assertThat(assigner.extractTimestamp(b, Long.MIN_VALUE)).isEqualTo(t(2));
        assertThat(assigner.extractTimestamp(a, Long.MIN_VALUE)).isEqualTo(t(1));
        assertThatThrownBy(() -> assigner.extractTimestamp(c, Long.MIN_VALUE))
                .isInstanceOf(InvalidEventTimeException.class)
                .hasMessage("Avro record test.Other has no timestamp field 'ts'");
        assertThat(assigner.extractTimestamp(b, Long.MIN_VALUE)).isEqualTo(t(2));
        // An equal schema that is another instance (another reader) resolves again, with the same result.
        GenericRecord copy = new GenericData.Record(new Schema.Parser().parse(second.toString()));
        copy.put("label", "b");
        copy.put("ts", t(4) * 1000L);
        assertThat(assigner.extractTimestamp(copy, Long.MIN_VALUE)).isEqualTo(t(4));
    }

    private static long extract(String field, GenericRecord record) {
        WatermarkStrategy<GenericRecord> strategy = EventTimeWatermarkStrategy.<GenericRecord>builder()
                .setAvroTimestampField(field)
                .setMaxOutOfOrderness(Duration.ZERO)
                .build();
        return assigner(strategy).extractTimestamp(record, Long.MIN_VALUE);
    }

    private static <T> TimestampAssigner<T> assigner(WatermarkStrategy<T> strategy) {
        return strategy.createTimestampAssigner(UnregisteredMetricsGroup::new);
    }

    private static WatermarkGeneratorSupplier.Context context(RelativeClock clock) {
        return context(clock, new UnregisteredMetricsGroup());
    }

    private static WatermarkGeneratorSupplier.Context context(RelativeClock clock, MetricGroup metrics) {
        return new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return metrics;
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return clock;
            }
        };
    }

    /** Keeps the counters it hands out, so a test can read them. */
    private static final class CountingMetrics extends UnregisteredMetricsGroup {
        private final Map<String, Counter> counters = new HashMap<>();

        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(name, n -> new SimpleCounter());
        }
    }

    private static final class RecordingOutput implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        int idleMarks;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            idleMarks++;
        }

        @Override
        public void markActive() {}
    }
}
