package dev.streamingblocks.kafka.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.source.internal.SourceEnvelopeTypeInfo;
import java.time.Duration;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/**
 * The source hands its envelope to the dead-letter splitter uncopied (issue #10: the deep copy of
 * every good record between them was a fifth of the order-stats pipeline's time), and only there.
 */
class SourceEnvelopeTypeInfoTest {

    private static final Payment PAYMENT = new Payment("p-1", "a-1", 10, 1_707_235_200_000L);
    private static final DeadLetter DEAD_LETTER =
            new DeadLetter(null, new byte[] {1, 2}, "payments", 1, 7L, 1_707_235_200_000L, "Bad", "bad bytes");

    @Test
    void attachTypesTheEdgeToTheSplitterWithTheHandOverSerializer() {
        StreamExecutionEnvironment env = env();
        TypedKafkaSource<Payment> source = source();
        KafkaSourceStreams<Payment> streams = source.attach(env);

        TypeInformation<?> envelope =
                streams.records().getTransformation().getInputs().get(0).getOutputType();
        assertThat(envelope).isInstanceOf(SourceEnvelopeTypeInfo.class);
        // Users of kafkaSource() keep Flink's own Either type, which copies.
        assertThat(source.kafkaSource().getProducedType().getClass()).isEqualTo(EitherTypeInfo.class);
    }

    @Test
    void aCopyIsTheEnvelopeItselfAndSerializationIsFlinksEither() throws Exception {
        TypeSerializer<Either<DeadLetter, Payment>> serializer = new SourceEnvelopeTypeInfo<>(
                        DeadLetter.TYPE_INFO, TypeInformation.of(Payment.class))
                .createSerializer(new SerializerConfigImpl());
        Either<DeadLetter, Payment> good = Either.Right(PAYMENT);
        Either<DeadLetter, Payment> bad = Either.Left(DEAD_LETTER);

        assertThat(serializer.copy(good)).isSameAs(good);
        assertThat(serializer.copy(bad, Either.Right(PAYMENT))).isSameAs(bad);
        assertThat(serializer.duplicate().copy(good)).isSameAs(good);

        assertThat(roundTrip(serializer, good)).isEqualTo(good).isNotSameAs(good);
        Either<DeadLetter, Payment> badBack = roundTrip(serializer, bad);
        assertThat(badBack.left().getTopic()).isEqualTo("payments");
        assertThat(badBack.left().getOffset()).isEqualTo(7L);
        assertThat(badBack.left().getValue()).containsExactly(1, 2);
    }

    private static Either<DeadLetter, Payment> roundTrip(
            TypeSerializer<Either<DeadLetter, Payment>> serializer, Either<DeadLetter, Payment> value)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static StreamExecutionEnvironment env() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        return StreamExecutionEnvironment.getExecutionEnvironment(config);
    }

    private static TypedKafkaSource<Payment> source() {
        return TypedKafkaSource.<Payment>builder()
                .setName("payments-source")
                .setBootstrapServers("localhost:9092")
                .setTopics("payments")
                .setGroupId("payments-reader")
                .setJsonValue(Payment.class)
                .setIdleness(Duration.ofSeconds(30))
                .build();
    }
}
