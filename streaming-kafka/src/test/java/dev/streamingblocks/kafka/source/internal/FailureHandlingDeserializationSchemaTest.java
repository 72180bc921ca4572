package dev.streamingblocks.kafka.source.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.registry.SchemaNotFoundException;
import dev.streamingblocks.core.avro.registry.SchemaRegistryUnavailableException;
import dev.streamingblocks.kafka.source.DeadLetter;
import dev.streamingblocks.kafka.source.DeserializationFailureException;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.Payment;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.formats.json.JsonDeserializationSchema;
import org.apache.flink.metrics.Counter;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureHandlingDeserializationSchemaTest {

    private static final String METRIC = "deserializationErrors";
    private static final Payment GOOD = new Payment("p-1", "acc-1", 1250, 1_000L);
    private static final byte[] BAD = "{\"id\":".getBytes(UTF_8);

    private final Map<String, Counter> counters = new HashMap<>();
    private final List<Either<DeadLetter, Payment>> out = new ArrayList<>();

    private FailureHandlingDeserializationSchema<Payment> open(DeserializationFailurePolicy policy) throws Exception {
        return open(policy, new JsonDeserializationSchema<>(Payment.class));
    }

    private FailureHandlingDeserializationSchema<Payment> open(
            DeserializationFailurePolicy policy, DeserializationSchema<Payment> valueSchema) throws Exception {
        var schema = new FailureHandlingDeserializationSchema<>(valueSchema, policy, METRIC);
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

    private Collector<Either<DeadLetter, Payment>> collector() {
        return new Collector<>() {
            @Override
            public void collect(Either<DeadLetter, Payment> record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void goodValuesComeOutAsRight() throws Exception {
        var schema = open(DeserializationFailurePolicy.FAIL);
        schema.deserialize(record(0, null, GOOD.toJson()), collector());
        assertThat(out).containsExactly(Either.Right(GOOD));
        assertThat(counters.get(METRIC).getCount()).isZero();
    }

    @Test
    void failPolicyNamesTopicPartitionOffsetAndCause() throws Exception {
        var schema = open(DeserializationFailurePolicy.FAIL);
        assertThatThrownBy(() -> schema.deserialize(record(41, null, BAD), collector()))
                .isInstanceOf(DeserializationFailureException.class)
                .hasMessageStartingWith(
                        "Cannot deserialize the value of the record at topic 'payments'," + " partition 3, offset 41: ")
                .hasMessageContaining("JsonEOFException")
                .satisfies(e -> {
                    DeserializationFailureException f = (DeserializationFailureException) e;
                    assertThat(f.topic()).isEqualTo("payments");
                    assertThat(f.partition()).isEqualTo(3);
                    assertThat(f.offset()).isEqualTo(41L);
                    assertThat(f.getCause()).isNotNull();
                });
        assertThat(out).isEmpty();
    }

    @Test
    void skipPolicyDropsAndCounts() throws Exception {
        var schema = open(DeserializationFailurePolicy.SKIP);
        schema.deserialize(record(0, null, BAD), collector());
        schema.deserialize(record(1, null, GOOD.toJson()), collector());
        schema.deserialize(record(2, null, new byte[0]), collector());
        assertThat(out).containsExactly(Either.Right(GOOD));
        assertThat(counters.get(METRIC).getCount()).isEqualTo(2L);
    }

    @Test
    void deadLetterPolicyKeepsOriginalBytesAndContext() throws Exception {
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER);
        byte[] key = "acc-1".getBytes(UTF_8);
        schema.deserialize(record(9, key, BAD), collector());

        assertThat(out).hasSize(1);
        assertThat(out.get(0).isLeft()).isTrue();
        DeadLetter letter = out.get(0).left();
        assertThat(letter.getKey()).isEqualTo(key);
        assertThat(letter.getValue()).isEqualTo(BAD);
        assertThat(letter.getTopic()).isEqualTo("payments");
        assertThat(letter.getPartition()).isEqualTo(3);
        assertThat(letter.getOffset()).isEqualTo(9L);
        assertThat(letter.getTimestamp()).isEqualTo(7_000L);
        assertThat(letter.getErrorClass())
                .isEqualTo("org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.io.JsonEOFException");
        assertThat(letter.getErrorMessage()).startsWith("Unexpected end-of-input");
        assertThat(counters.get(METRIC).getCount()).isEqualTo(1L);
    }

    @Test
    void aTombstoneIsADeadLetterWithANullValue() throws Exception {
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER);
        schema.deserialize(record(5, null, null), collector());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).left().getValue()).isNull();
        assertThat(out.get(0).left().getOffset()).isEqualTo(5L);
    }

    @Test
    void aFailureDownstreamIsNotTakenForBadBytes() throws Exception {
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER);
        Collector<Either<DeadLetter, Payment>> failing = new Collector<>() {
            @Override
            public void collect(Either<DeadLetter, Payment> record) {
                throw new IllegalStateException("downstream broke");
            }

            @Override
            public void close() {}
        };
        assertThatThrownBy(() -> schema.deserialize(record(0, null, GOOD.toJson()), failing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("downstream broke");
        assertThat(counters.get(METRIC).getCount()).isZero();
    }

    /** A value schema whose registry is down, as the Avro registry deserializer is during an outage. */
    private static final class RegistryDown extends JsonDeserializationSchema<Payment> {
        private static final long serialVersionUID = 1L;

        RegistryDown() {
            super(Payment.class);
        }

        @Override
        public Payment deserialize(byte[] message) {
            throw new SchemaRegistryUnavailableException(
                    "Schema registry unavailable: cannot fetch the schema with"
                            + " id 2 (GET /schemas/ids/2) after 2 attempts on [http://127.0.0.1:1]; last failure: connection"
                            + " refused",
                    -1,
                    new ConnectException("Connection refused"));
        }
    }

    @ParameterizedTest
    @EnumSource(DeserializationFailurePolicy.class)
    void anUnavailableRegistryFailsTheJobUnderEveryPolicyAndIsNeitherDeadLetteredNorCounted(
            DeserializationFailurePolicy policy) throws Exception {
        var schema = open(policy, new RegistryDown());
        assertThatThrownBy(() -> schema.deserialize(record(12, "acc-1".getBytes(UTF_8), GOOD.toJson()), collector()))
                .isInstanceOf(DeserializationFailureException.class)
                .hasMessage("Cannot deserialize the value of the record at topic 'payments', partition 3, offset 12"
                        + " for now (a transient failure, not a data error: the record is not dead-lettered or"
                        + " skipped; the job fails and its restart strategy tries again): "
                        + SchemaRegistryUnavailableException.class.getName() + ": Schema registry unavailable:"
                        + " cannot fetch the schema with id 2 (GET /schemas/ids/2) after 2 attempts on"
                        + " [http://127.0.0.1:1]; last failure: connection refused")
                .hasCauseInstanceOf(SchemaRegistryUnavailableException.class);
        assertThat(out).isEmpty();
        assertThat(counters.get(METRIC).getCount()).isZero();
    }

    @Test
    void anUnknownSchemaIdIsStillADataErrorAndDeadLettered() throws Exception {
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER, new JsonDeserializationSchema<>(Payment.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public Payment deserialize(byte[] message) {
                throw new SchemaNotFoundException("Schema 987654 not found");
            }
        });
        schema.deserialize(record(13, null, GOOD.toJson()), collector());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).left().getErrorClass()).isEqualTo(SchemaNotFoundException.class.getName());
        assertThat(counters.get(METRIC).getCount()).isEqualTo(1L);
    }

    @Test
    void producesAnEitherOfDeadLetterAndTheValueType() throws Exception {
        var schema = open(DeserializationFailurePolicy.DEAD_LETTER);
        assertThat(schema.getProducedType()).isInstanceOf(EitherTypeInfo.class);
        EitherTypeInfo<DeadLetter, Payment> type = (EitherTypeInfo<DeadLetter, Payment>) schema.getProducedType();
        assertThat(type.getLeftType()).isEqualTo(DeadLetter.TYPE_INFO);
        assertThat(type.getRightType()).isEqualTo(new JsonDeserializationSchema<>(Payment.class).getProducedType());
    }
}
