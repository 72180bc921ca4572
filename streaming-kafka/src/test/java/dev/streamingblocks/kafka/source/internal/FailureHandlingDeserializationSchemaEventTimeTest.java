package dev.streamingblocks.kafka.source.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.kafka.source.DeadLetter;
import dev.streamingblocks.kafka.source.DeserializationFailureException;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.Payment;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.formats.json.JsonDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The deserializer reads and checks event times with the watermark strategy's assigner and guard. */
class FailureHandlingDeserializationSchemaEventTimeTest {

    private static final String ERRORS = "deserializationErrors";
    private static final Instant NOW = Instant.parse("2026-02-06T12:00:00Z");
    private static final long YEAR_2099 = Instant.parse("2099-01-01T00:00:00Z").toEpochMilli();
    private static final String REJECTED_CLASS = "dev.streamingblocks.core.time.EventTimeOutOfBoundsException";

    private final Map<String, Counter> counters = new HashMap<>();
    private final Map<String, Gauge<?>> gauges = new HashMap<>();
    private final List<Either<DeadLetter, Payment>> out = new ArrayList<>();

    private static long t(long seconds) {
        return NOW.minusSeconds(600).plusSeconds(seconds).toEpochMilli();
    }

    private static Payment payment(String id, long eventTime) {
        return new Payment(id, "acc-1", 100, eventTime);
    }

    private static EventTimeWatermarkStrategy<Payment> strategy(EventTimeGuard guard) {
        EventTimeWatermarkStrategy.Builder<Payment> builder = EventTimeWatermarkStrategy.<Payment>builder()
                .setEventTimeExtractor(p -> p.eventTime() == 0 ? null : Instant.ofEpochMilli(p.eventTime()))
                .setMaxOutOfOrderness(Duration.ofSeconds(5));
        return guard == null ? builder.build() : builder.setGuard(guard).build();
    }

    private static EventTimeGuard guard() {
        return EventTimeGuard.builder()
                .setWallClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .setMaxBehindHighestSeen(Duration.ofDays(1))
                .build();
    }

    private FailureHandlingDeserializationSchema<Payment> open(
            DeserializationFailurePolicy policy, EventTimeWatermarkStrategy<Payment> strategy) throws Exception {
        var schema = new FailureHandlingDeserializationSchema<>(
                new JsonDeserializationSchema<>(Payment.class),
                policy,
                ERRORS,
                strategy.timestampAssigner(),
                strategy.guard().orElse(null));
        schema.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup() {
                    @Override
                    public Counter counter(String name) {
                        return counters.computeIfAbsent(name, n -> new SimpleCounter());
                    }

                    @Override
                    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
                        gauges.put(name, gauge);
                        return gauge;
                    }
                };
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
            }
        });
        return schema;
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, Payment payment) {
        byte[] value = payment.toJson();
        return new ConsumerRecord<>(
                "payments",
                3,
                offset,
                7_000L,
                TimestampType.CREATE_TIME,
                -1,
                value.length,
                null,
                value,
                new RecordHeaders(),
                Optional.empty());
    }

    private void deserialize(FailureHandlingDeserializationSchema<Payment> schema, long offset, Payment payment)
            throws Exception {
        schema.deserialize(record(offset, payment), new Collector<>() {
            @Override
            public void collect(Either<DeadLetter, Payment> record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
    }

    @Test
    void aYear2099RecordIsADeadLetterWithTheReasonAndLaterRecordsFlow() throws Exception {
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER, strategy(guard()));
        Payment future = payment("future", YEAR_2099);

        deserialize(schema, 0, payment("a", t(1)));
        deserialize(schema, 1, future);
        deserialize(schema, 2, payment("b", t(2)));

        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isEqualTo(Either.Right(payment("a", t(1))));
        assertThat(out.get(2)).isEqualTo(Either.Right(payment("b", t(2))));
        DeadLetter letter = out.get(1).left();
        assertThat(letter)
                .isEqualTo(
                        new DeadLetter(
                                null,
                                future.toJson(),
                                "payments",
                                3,
                                1L,
                                7_000L,
                                REJECTED_CLASS,
                                "Event time 2099-01-01T00:00:00Z is more than PT1H ahead of the wall clock 2026-02-06T12:00:00Z"));
        assertThat(counters.get(ERRORS).getCount()).isEqualTo(1L);
        assertThat(counters.get(EventTimeGuard.REJECTED_METRIC).getCount()).isEqualTo(1L);
    }

    @Test
    void aRejectedTimeIsNotTheHighestSeenAndTheHorizonIsPerSubtask() throws Exception {
        var schema = open(
                DeserializationFailurePolicy.DEAD_LETTER,
                strategy(EventTimeGuard.builder()
                        .disableMaxAheadOfWallClock()
                        .setMaxAheadOfHighestSeen(Duration.ofDays(1))
                        .setMaxBehindHighestSeen(Duration.ofHours(1))
                        .build()));
        long twoDaysLater = t(0) + Duration.ofDays(2).toMillis();

        deserialize(schema, 0, payment("a", t(0)));
        deserialize(schema, 1, payment("jump", twoDaysLater)); // rejected: more than 1 day ahead
        deserialize(schema, 2, payment("b", t(60))); // on time: the jump did not count
        deserialize(schema, 3, payment("old", 1_000L)); // rejected: 1970, behind the horizon

        assertThat(out)
                .extracting(
                        e -> e.isRight() ? e.right().id() : "dead:" + e.left().getOffset())
                .containsExactly("a", "dead:1", "b", "dead:3");
        assertThat(out.get(1).left().getErrorMessage())
                .isEqualTo("Event time " + Instant.ofEpochMilli(twoDaysLater)
                        + " is more than PT24H ahead of the highest event time seen " + Instant.ofEpochMilli(t(0)));
        assertThat(out.get(3).left().getErrorMessage())
                .isEqualTo("Event time 1970-01-01T00:00:01Z is more than" + " PT1H behind the highest event time seen "
                        + Instant.ofEpochMilli(t(60)));
        assertThat(counters.get(EventTimeGuard.REJECTED_METRIC).getCount()).isEqualTo(2L);
    }

    @Test
    void skipDropsAndCountsARejectedRecord() throws Exception {
        var schema = open(DeserializationFailurePolicy.SKIP, strategy(guard()));

        deserialize(schema, 0, payment("future", YEAR_2099));
        deserialize(schema, 1, payment("a", t(1)));

        assertThat(out).containsExactly(Either.Right(payment("a", t(1))));
        assertThat(counters.get(ERRORS).getCount()).isEqualTo(1L);
        assertThat(counters.get(EventTimeGuard.REJECTED_METRIC).getCount()).isEqualTo(1L);
    }

    @Test
    void failNamesTheRecordAndTheReason() throws Exception {
        var schema = open(DeserializationFailurePolicy.FAIL, strategy(guard()));

        assertThatThrownBy(() -> deserialize(schema, 41, payment("future", YEAR_2099)))
                .isInstanceOf(DeserializationFailureException.class)
                .hasMessage("Cannot accept the event time of the record at topic 'payments', partition 3, offset 41: "
                        + REJECTED_CLASS + ": Event time 2099-01-01T00:00:00Z is more than PT1H ahead of the wall"
                        + " clock 2026-02-06T12:00:00Z");
        assertThat(out).isEmpty();
    }

    @Test
    void anUnreadableEventTimeIsADeadLetterEvenWithoutAGuard() throws Exception {
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER, strategy(null));
        Payment noTime = payment("no-time", 0L);

        deserialize(schema, 5, noTime);
        deserialize(schema, 6, payment("far-future-but-unguarded", YEAR_2099));

        assertThat(out).hasSize(2);
        assertThat(out.get(0).left())
                .isEqualTo(new DeadLetter(
                        null,
                        noTime.toJson(),
                        "payments",
                        3,
                        5L,
                        7_000L,
                        "dev.streamingblocks.core.time.InvalidEventTimeException",
                        "The event time extractor returned null for a " + Payment.class.getName()));
        assertThat(out.get(1).isRight()).isTrue();
        assertThat(counters.get(ERRORS).getCount()).isEqualTo(1L);
        assertThat(counters).doesNotContainKey(EventTimeGuard.REJECTED_METRIC);
    }

    @Test
    void theNewestEventTimeGaugeShowsTheHighestAcceptedTimeAndIgnoresRejectedOnes() throws Exception {
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER, strategy(guard()));
        Gauge<?> newest = gauges.get(TypedKafkaSource.NEWEST_EVENT_TIME_METRIC);
        assertThat(newest.getValue()).isEqualTo(Long.MIN_VALUE);

        deserialize(schema, 0, payment("a", t(20)));
        deserialize(schema, 1, payment("b", t(10)));
        deserialize(schema, 2, payment("future", YEAR_2099));

        assertThat(newest.getValue()).isEqualTo(t(20));
    }
}
