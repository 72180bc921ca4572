package dev.streamingblocks.kafka.source.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.streamingblocks.kafka.source.DeadLetter;
import dev.streamingblocks.kafka.source.DeserializationFailureException;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Wraps a value {@link DeserializationSchema} and applies a {@link DeserializationFailurePolicy}
 * to any exception it throws. Good values come out as {@code Right}, dead letters as {@code Left},
 * so one source carries both without Kryo.
 */
public final class FailureHandlingDeserializationSchema<T>
        implements KafkaRecordDeserializationSchema<Either<DeadLetter, T>> {

    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<T> valueSchema;
    private final DeserializationFailurePolicy policy;
    private final String errorsMetricName;

    private transient Counter errors;
    private transient List<T> buffer;
    private transient Collector<T> bufferCollector;

    public FailureHandlingDeserializationSchema(
            DeserializationSchema<T> valueSchema, DeserializationFailurePolicy policy, String errorsMetricName) {
        this.valueSchema = valueSchema;
        this.policy = policy;
        this.errorsMetricName = errorsMetricName;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        valueSchema.open(context);
        errors = context.getMetricGroup().counter(errorsMetricName);
        buffer = new ArrayList<>(1);
        bufferCollector = new Collector<>() {
            @Override
            public void collect(T record) {
                buffer.add(record);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, T>> out)
            throws IOException {
        buffer.clear();
        try {
            valueSchema.deserialize(record.value(), bufferCollector);
        } catch (Exception e) {
            // Only the value schema runs inside the try: a failure downstream must not be taken for bad bytes.
            buffer.clear();
            handleFailure(record, e, out);
            return;
        }
        for (T value : buffer) {
            out.collect(Either.Right(value));
        }
        buffer.clear();
    }

    private void handleFailure(ConsumerRecord<byte[], byte[]> record, Exception e,
            Collector<Either<DeadLetter, T>> out) throws DeserializationFailureException {
        switch (policy) {
            case FAIL:
                throw new DeserializationFailureException(record.topic(), record.partition(), record.offset(), e);
            case SKIP:
                errors.inc();
                return;
            case DEAD_LETTER:
                errors.inc();
                out.collect(Either.Left(new DeadLetter(
                        record.key(),
                        record.value(),
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.timestamp(),
                        e.getClass().getName(),
                        e.getMessage() == null ? "" : e.getMessage())));
                return;
            default:
                throw new IllegalStateException("Unknown policy " + policy);
        }
    }

    @Override
    public TypeInformation<Either<DeadLetter, T>> getProducedType() {
        return new EitherTypeInfo<>(DeadLetter.TYPE_INFO, valueSchema.getProducedType());
    }
}
