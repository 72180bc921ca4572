package dev.streamingblocks.core.time;

import dev.streamingblocks.core.time.internal.AvroFieldTimestampAssigner;
import dev.streamingblocks.core.time.internal.ExtractorTimestampAssigner;
import dev.streamingblocks.core.time.internal.GuardedWatermarkGeneratorSupplier;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkAlignmentParams;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * A {@link WatermarkStrategy} that reads the event time from the record itself, built with
 * {@link #builder()}; it also tells a source how it reads event time ({@link #timestampAssigner()})
 * and which {@link #guard()} its watermark generator applies, so a source can apply the guard
 * itself before it emits a record (as {@code TypedKafkaSource} does, dead-lettering rejected
 * records).
 *
 * <pre>{@code
 * WatermarkStrategy<Transaction> strategy = EventTimeWatermarkStrategy.<Transaction>builder()
 *         .setAvroTimestampField("timestamp")          // long or timestamp-millis
 *         .setMaxOutOfOrderness(Duration.ofSeconds(5))
 *         .setGuard(EventTimeGuard.defaults())         // a year-2099 record cannot move the watermark
 *         .build();
 * env.fromSource(kafkaSource, strategy, "transactions");
 * }</pre>
 *
 * <p>What the built strategy does, exactly:
 * <ul>
 *   <li><b>Event time</b> (required, one of): {@link Builder#setEventTimeExtractor} calls a function on
 *       each record; {@link Builder#setAvroTimestampField} reads a named field of an Avro record, accepting
 *       a plain {@code long} of epoch milliseconds, {@code timestamp-millis} (a {@code Long} in a
 *       GenericRecord, an {@code Instant} in a generated SpecificRecord) and {@code timestamp-micros}
 *       (truncated to milliseconds). A missing, {@code null} or non-time value, or an extractor
 *       that throws or returns {@code null}, gives an {@link InvalidEventTimeException} naming the
 *       field (or extractor) and the record type: it fails the job in a plain source;
 *       {@code TypedKafkaSource} handles it by its failure policy (dead letter, skip or fail).</li>
 *   <li><b>Bounded out-of-orderness</b> (required): the watermark trails the highest event time
 *       seen by {@code maxOutOfOrderness} (precisely: {@code max - maxOutOfOrderness - 1 ms}), so a
 *       record up to that much older than the newest one is still on time, and an older one is
 *       late for every window that has already fired.</li>
 *   <li><b>Guard</b> (off unless {@link Builder#setGuard} is called; the library presets and the example
 *       jobs set one): an {@link EventTimeGuard} bounds how far ahead of the wall clock or of the
 *       highest event time seen (and, if asked, how far behind it) an event time may be. The
 *       watermark generator ignores a rejected time, which therefore cannot move the watermark
 *       (one 2099 record would otherwise make every later record late), never counts it as the
 *       highest time seen, and counts it in the {@value EventTimeGuard#REJECTED_METRIC} metric;
 *       the highest time is per split here. The record itself still flows downstream, so prefer a
 *       source that applies the guard before emitting: {@code TypedKafkaSource} does, and sends a
 *       rejected record to its dead-letter path with the reason
 *       ({@link EventTimeOutOfBoundsException}).</li>
 *   <li><b>Alignment</b> (off by default): sources in the same {@link Builder#setAlignment group} pause
 *       reading a split whose watermark runs more than {@code maxDrift} ahead of the group's
 *       slowest one, which bounds state when one topic is replayed faster than another.</li>
 * </ul>
 *
 * <p>Assign the strategy in the source ({@code env.fromSource(source, strategy, name)}) so Flink
 * tracks watermarks per Kafka partition; assigned after the source, one partition can run ahead
 * and make another one's records late.
 *
 * <p><b>Idleness is the source's setting, not the strategy's</b>: {@code TypedKafkaSource}
 * (streaming-kafka) marks a partition idle after 30 seconds by default ({@code setIdleness},
 * {@code withoutIdleness}); with any other source, add Flink's {@code withIdleness(...)} to the
 * built strategy. Pass the built strategy to {@code TypedKafkaSource} unchanged, so it can read the
 * {@link #guard() guard} and the
 * {@link EventTimeWatermarkStrategy#timestampAssigner() timestamp assigner}.
 *
 * @param <T> the record type
 */
public final class EventTimeWatermarkStrategy<T> implements WatermarkStrategy<T> {

    /** How often a source re-checks alignment, Flink's own default. */
    public static final Duration DEFAULT_ALIGNMENT_UPDATE_INTERVAL = Duration.ofSeconds(1);

    private static final long serialVersionUID = 1L;

    private final WatermarkStrategy<T> guarded;
    private final WatermarkStrategy<T> unguarded;
    private final SerializableTimestampAssigner<T> timestampAssigner;
    private final EventTimeGuard guard;

    EventTimeWatermarkStrategy(
            WatermarkStrategy<T> guarded,
            WatermarkStrategy<T> unguarded,
            SerializableTimestampAssigner<T> timestampAssigner,
            EventTimeGuard guard) {
        this.guarded = guarded;
        this.unguarded = unguarded;
        this.timestampAssigner = timestampAssigner;
        this.guard = guard;
    }

    /** The guard the watermark generator applies; empty if none was set. */
    public Optional<EventTimeGuard> guard() {
        return Optional.ofNullable(guard);
    }

    /**
     * How the event time is read; throws {@link InvalidEventTimeException} for a record whose time
     * cannot be read.
     */
    public SerializableTimestampAssigner<T> timestampAssigner() {
        return timestampAssigner;
    }

    /**
     * The same strategy (timestamps, out-of-orderness, alignment) whose watermark
     * generator does not apply the guard: for a source that rejects records by the guard before
     * they reach the generator.
     */
    public WatermarkStrategy<T> withoutGuard() {
        return unguarded;
    }

    @Override
    public WatermarkGenerator<T> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return guarded.createWatermarkGenerator(context);
    }

    @Override
    public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return guarded.createTimestampAssigner(context);
    }

    @Override
    public WatermarkAlignmentParams getAlignmentParameters() {
        return guarded.getAlignmentParameters();
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** Builds an {@link EventTimeWatermarkStrategy}; see its class documentation for what is required. */
    public static final class Builder<T> {

        private EventTimeExtractor<T> extractor;
        private String avroTimestampField;
        private Duration maxOutOfOrderness;
        private String alignmentGroup;
        private Duration alignmentMaxDrift;
        private Duration alignmentUpdateInterval;
        private EventTimeGuard guard;

        Builder() {
            this.alignmentUpdateInterval = DEFAULT_ALIGNMENT_UPDATE_INTERVAL;
        }

        /** Reads the event time with a function; excludes {@link #setAvroTimestampField}. */
        public Builder<T> setEventTimeExtractor(EventTimeExtractor<T> extractor) {
            if (avroTimestampField != null) {
                throw new IllegalStateException(
                        "eventTimeExtractor cannot be set: avroTimestampField is already set to '" + avroTimestampField
                                + "'");
            }
            this.extractor = Objects.requireNonNull(extractor, "eventTimeExtractor must not be null");
            return this;
        }

        /** Reads the event time from a named Avro field; excludes {@link #setEventTimeExtractor}. */
        public Builder<T> setAvroTimestampField(String fieldName) {
            if (extractor != null) {
                throw new IllegalStateException("avroTimestampField cannot be set: eventTimeExtractor is already set");
            }
            if (fieldName == null || fieldName.isBlank()) {
                throw new IllegalArgumentException("avroTimestampField must not be blank");
            }
            this.avroTimestampField = fieldName;
            return this;
        }

        public Builder<T> setMaxOutOfOrderness(Duration maxOutOfOrderness) {
            this.maxOutOfOrderness = maxOutOfOrderness;
            return this;
        }

        /** Joins the watermark alignment group {@code group}, allowing at most {@code maxDrift} ahead. */
        public Builder<T> setAlignment(String group, Duration maxDrift) {
            this.alignmentGroup = group;
            this.alignmentMaxDrift = maxDrift;
            return this;
        }

        public Builder<T> setAlignmentUpdateInterval(Duration updateInterval) {
            this.alignmentUpdateInterval = updateInterval;
            return this;
        }

        /**
         * Rejects event times outside the guard's bounds: they never move the watermark and are
         * counted in {@value EventTimeGuard#REJECTED_METRIC}. No guard by default.
         */
        public Builder<T> setGuard(EventTimeGuard guard) {
            if (guard == null) {
                throw new IllegalArgumentException("guard must not be null");
            }
            this.guard = guard;
            return this;
        }

        public EventTimeWatermarkStrategy<T> build() {
            if (extractor == null && avroTimestampField == null) {
                throw new IllegalArgumentException("eventTimeExtractor or avroTimestampField must be set");
            }
            if (maxOutOfOrderness == null || maxOutOfOrderness.isNegative()) {
                throw new IllegalArgumentException(
                        "maxOutOfOrderness must be set and not negative, was " + maxOutOfOrderness);
            }
            if (alignmentGroup != null || alignmentMaxDrift != null) {
                if (alignmentGroup == null || alignmentGroup.isBlank()) {
                    throw new IllegalArgumentException("alignment group must not be blank");
                }
                if (alignmentMaxDrift == null || alignmentMaxDrift.isZero() || alignmentMaxDrift.isNegative()) {
                    throw new IllegalArgumentException("alignment maxDrift must be positive, was " + alignmentMaxDrift);
                }
                if (alignmentUpdateInterval == null
                        || alignmentUpdateInterval.isZero()
                        || alignmentUpdateInterval.isNegative()) {
                    throw new IllegalArgumentException(
                            "alignmentUpdateInterval must be positive, was " + alignmentUpdateInterval);
                }
            }
            SerializableTimestampAssigner<T> assigner = extractor != null
                    ? new ExtractorTimestampAssigner<>(extractor)
                    : new AvroFieldTimestampAssigner<>(avroTimestampField);
            WatermarkStrategy<T> unguarded =
                    complete(WatermarkStrategy.<T>forBoundedOutOfOrderness(maxOutOfOrderness), assigner);
            WatermarkStrategy<T> guarded = guard == null
                    ? unguarded
                    : complete(
                            WatermarkStrategy.forGenerator(new GuardedWatermarkGeneratorSupplier<>(
                                    WatermarkStrategy.<T>forBoundedOutOfOrderness(maxOutOfOrderness), guard)),
                            assigner);
            return new EventTimeWatermarkStrategy<>(guarded, unguarded, assigner, guard);
        }

        private WatermarkStrategy<T> complete(
                WatermarkStrategy<T> generator, SerializableTimestampAssigner<T> assigner) {
            WatermarkStrategy<T> strategy = generator.withTimestampAssigner(assigner);
            if (alignmentGroup != null) {
                strategy = strategy.withWatermarkAlignment(alignmentGroup, alignmentMaxDrift, alignmentUpdateInterval);
            }
            return strategy;
        }
    }
}
