package dev.streamingblocks.kafka.source.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeOutOfBoundsException;
import dev.streamingblocks.kafka.source.DeadLetter;
import dev.streamingblocks.kafka.source.DeserializationFailureException;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.InvalidRecordException;
import dev.streamingblocks.kafka.source.Payment;
import dev.streamingblocks.kafka.source.RecordValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.formats.json.JsonDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The record validation hook: after deserialization, before the event-time check, by the failure policy. */
class FailureHandlingDeserializationSchemaValidatorTest {

    private static final String METRIC = "deserializationErrors";
    private static final long NOW = Instant.parse("2026-02-06T12:00:00Z").toEpochMilli();
    private static final Payment GOOD = new Payment("p-1", "acc-1", 1250, NOW);
    private static final Payment NEGATIVE = new Payment("p-2", "acc-1", -5, NOW);

    /** Amount not negative, as a user would write it. */
    private static final RecordValidator<Payment> NON_NEGATIVE = p -> p.amountCents() >= 0
            ? Optional.empty()
            : Optional.of("field 'amountCents' must be >= 0, but was " + p.amountCents());

    private final Map<String, Counter> counters = new HashMap<>();
    private final List<Either<DeadLetter, Payment>> out = new ArrayList<>();

    private FailureHandlingDeserializationSchema<Payment> open(
            DeserializationFailurePolicy policy, RecordValidator<Payment> validator, EventTimeGuard guard)
            throws Exception {
        var schema = new FailureHandlingDeserializationSchema<>(
                new JsonDeserializationSchema<>(Payment.class),
                policy,
                METRIC,
                guard == null ? null : (p, ts) -> p.eventTime(),
                guard,
                validator);
        // As the job graph ships it.
        schema = InstantiationUtil.clone(schema, getClass().getClassLoader());
        schema.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup() {
                    @Override
                    public Counter counter(String name) {
                        return counters.computeIfAbsent(name, n -> new SimpleCounter());
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

    private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] key, byte[] value) {
        return new ConsumerRecord<>(
                "payments",
                3,
                offset,
                7_000L,
                TimestampType.CREATE_TIME,
                key == null ? -1 : key.length,
                value == null ? -1 : value.length,
                key,
                value,
                new RecordHeaders(),
                Optional.empty());
    }

    private final Collector<Either<DeadLetter, Payment>> collector = new Collector<>() {
        @Override
        public void collect(Either<DeadLetter, Payment> record) {
            out.add(record);
        }

        @Override
        public void close() {}
    };

    @Test
    void anInvalidValueIsADeadLetterWithItsOriginalBytesAndTheProblem() throws Exception {
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER, NON_NEGATIVE, null);
        schema.deserialize(record(0, "k0".getBytes(UTF_8), GOOD.toJson()), collector);
        schema.deserialize(record(1, "k1".getBytes(UTF_8), NEGATIVE.toJson()), collector);

        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isEqualTo(Either.Right(GOOD));
        DeadLetter letter = out.get(1).left();
        assertThat(letter.getKey()).isEqualTo("k1".getBytes(UTF_8));
        assertThat(letter.getValue()).isEqualTo(NEGATIVE.toJson());
        assertThat(letter.getOffset()).isEqualTo(1L);
        assertThat(letter.getErrorClass()).isEqualTo(InvalidRecordException.class.getName());
        assertThat(letter.getErrorMessage()).isEqualTo("field 'amountCents' must be >= 0, but was -5");
        assertThat(counters.get(METRIC).getCount()).isEqualTo(1L);
    }

    @Test
    void skipCountsAnInvalidValue() throws Exception {
        var schema = open(DeserializationFailurePolicy.SKIP, NON_NEGATIVE, null);
        schema.deserialize(record(0, null, NEGATIVE.toJson()), collector);
        schema.deserialize(record(1, null, GOOD.toJson()), collector);
        assertThat(out).containsExactly(Either.Right(GOOD));
        assertThat(counters.get(METRIC).getCount()).isEqualTo(1L);
    }

    @Test
    void failNamesTheRecordAndTheProblem() throws Exception {
        var schema = open(DeserializationFailurePolicy.FAIL, NON_NEGATIVE, null);
        assertThatThrownBy(() -> schema.deserialize(record(41, null, NEGATIVE.toJson()), collector))
                .isInstanceOf(DeserializationFailureException.class)
                .hasMessage("Cannot accept the value of the record at topic 'payments', partition 3, offset 41: "
                        + "dev.streamingblocks.kafka.source.InvalidRecordException:"
                        + " field 'amountCents' must be >= 0, but was -5")
                .hasCauseInstanceOf(InvalidRecordException.class);
        assertThat(out).isEmpty();
    }

    @Test
    void aValidatorThatThrowsFoundAProblem() throws Exception {
        RecordValidator<Payment> throwing = p -> Optional.of(p.account().substring(10));
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER, throwing, null);
        schema.deserialize(record(0, null, GOOD.toJson()), collector);
        assertThat(out.get(0).left().getErrorClass()).isEqualTo(InvalidRecordException.class.getName());
        assertThat(out.get(0).left().getErrorMessage())
                .isEqualTo("the validator failed: "
                        + "java.lang.StringIndexOutOfBoundsException: begin 10, end 5, length 5");
    }

    /** An invalid record is judged before its event time, so it neither moves the guard's highest time nor counts as rejected. */
    @Test
    void validationRunsBeforeTheEventTimeGuard() throws Exception {
        EventTimeGuard guard = EventTimeGuard.builder()
                .setMaxAheadOfHighestSeen(Duration.ofHours(1))
                .build();
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER, NON_NEGATIVE, guard);
        long farFuture = Instant.parse("2099-01-01T00:00:00Z").toEpochMilli();
        schema.deserialize(record(0, null, GOOD.toJson()), collector);
        // Invalid and far in the future: the validator speaks first.
        schema.deserialize(record(1, null, new Payment("p-3", "acc-1", -1, farFuture).toJson()), collector);
        // Valid and far in the future: the guard rejects it.
        schema.deserialize(record(2, null, new Payment("p-4", "acc-1", 1, farFuture).toJson()), collector);

        assertThat(out.get(0)).isEqualTo(Either.Right(GOOD));
        assertThat(out.get(1).left().getErrorClass()).isEqualTo(InvalidRecordException.class.getName());
        assertThat(out.get(2).left().getErrorClass()).isEqualTo(EventTimeOutOfBoundsException.class.getName());
        assertThat(counters.get(METRIC).getCount()).isEqualTo(2L);
        assertThat(counters.get(EventTimeGuard.REJECTED_METRIC).getCount()).isEqualTo(1L);
    }
}
