package dev.streamingblocks.kafka.source.internal;

import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeOutOfBoundsException;
import dev.streamingblocks.core.time.InvalidEventTimeException;
import dev.streamingblocks.kafka.internal.TransientFailures;
import dev.streamingblocks.kafka.source.DeadLetter;
import dev.streamingblocks.kafka.source.DeserializationFailureException;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.InvalidRecordException;
import dev.streamingblocks.kafka.source.RecordValidator;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Wraps a value {@link DeserializationSchema} and applies a {@link DeserializationFailurePolicy}
 * to any exception it throws. Good values come out as {@code Right}, dead letters as {@code Left},
 * so one source carries both without Kryo.
 *
 * <p>Given a {@link RecordValidator}, it checks each deserialized value first: a value with a
 * problem is handled by the same policy, with an {@link InvalidRecordException} whose message is
 * the problem.
 *
 * <p>Given the watermark strategy's timestamp assigner (and {@link EventTimeGuard}), it also reads
 * each value's event time before emitting it: a time that cannot be read
 * ({@link InvalidEventTimeException}) or that the guard rejects ({@link EventTimeOutOfBoundsException},
 * also counted in {@value EventTimeGuard#REJECTED_METRIC}) is handled by the same policy, so such a
 * record neither fails the job (unless the policy is {@code FAIL}) nor moves the watermark. The
 * highest event time seen is kept per instance, that is per source subtask (across the partitions
 * it reads), in memory only.
 *
 * <p>A failure that says nothing about the record (the schema registry unavailable after its
 * client's retries, a refused or timed-out connection) is never dead-lettered or skipped, whatever
 * the policy: it fails the job with {@link DeserializationFailureException#forTransientFailure}, and
 * the job's restart strategy retries the record once the job is back.
 */
public final class FailureHandlingDeserializationSchema<T>
        implements KafkaRecordDeserializationSchema<Either<DeadLetter, T>> {

    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<T> valueSchema;
    private final DeserializationFailurePolicy policy;
    private final String errorsMetricName;
    private final SerializableTimestampAssigner<T> timestampAssigner;
    private final EventTimeGuard guard;
    private final RecordValidator<T> validator;

    private transient Counter errors;
    private transient Counter eventTimeRejected;
    /** The guard with its last wall-clock reading, so the clock is not read for every record. */
    private transient EventTimeGuard.Checker guardChecker;

    private transient long highestSeen;
    private transient List<T> buffer;
    private transient Collector<T> bufferCollector;

    public FailureHandlingDeserializationSchema(
            DeserializationSchema<T> valueSchema, DeserializationFailurePolicy policy, String errorsMetricName) {
        this(valueSchema, policy, errorsMetricName, null, null, null);
    }

    /** Without a record validator. */
    public FailureHandlingDeserializationSchema(
            DeserializationSchema<T> valueSchema,
            DeserializationFailurePolicy policy,
            String errorsMetricName,
            SerializableTimestampAssigner<T> timestampAssigner,
            EventTimeGuard guard) {
        this(valueSchema, policy, errorsMetricName, timestampAssigner, guard, null);
    }

    /**
     * @param timestampAssigner reads each good value's event time; {@code null} to leave event time
     *     to the watermark strategy alone
     * @param guard checks each event time; {@code null} for none (needs a timestamp assigner)
     * @param validator checks each value before its event time is read; {@code null} for none
     */
    public FailureHandlingDeserializationSchema(
            DeserializationSchema<T> valueSchema,
            DeserializationFailurePolicy policy,
            String errorsMetricName,
            SerializableTimestampAssigner<T> timestampAssigner,
            EventTimeGuard guard,
            RecordValidator<T> validator) {
        if (guard != null && timestampAssigner == null) {
            throw new IllegalArgumentException("an event time guard needs a timestamp assigner");
        }
        this.valueSchema = valueSchema;
        this.policy = policy;
        this.errorsMetricName = errorsMetricName;
        this.timestampAssigner = timestampAssigner;
        this.guard = guard;
        this.validator = validator;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        valueSchema.open(context);
        errors = context.getMetricGroup().counter(errorsMetricName);
        if (guard != null) {
            eventTimeRejected = context.getMetricGroup().counter(EventTimeGuard.REJECTED_METRIC);
            guardChecker = guard.newChecker();
        }
        highestSeen = Long.MIN_VALUE;
        if (timestampAssigner != null) {
            // Read by dashboards: the watermark's lag behind the newest event this subtask has read.
            context.getMetricGroup().gauge(TypedKafkaSource.NEWEST_EVENT_TIME_METRIC, (Gauge<Long>) () -> highestSeen);
        }
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
            if (TransientFailures.isTransient(e)) {
                // Nothing is wrong with the record: dead-lettering or skipping it would lose a good
                // record for an outage. The job fails and its restart strategy tries again.
                throw DeserializationFailureException.forTransientFailure(
                        record.topic(), record.partition(), record.offset(), e);
            }
            handleFailure(record, e, out, Stage.VALUE);
            return;
        }
        if (validator != null && !acceptValues(record, out)) {
            buffer.clear();
            return;
        }
        if (timestampAssigner != null && !acceptEventTimes(record, out)) {
            buffer.clear();
            return;
        }
        for (T value : buffer) {
            out.collect(Either.Right(value));
        }
        buffer.clear();
    }

    /** Validates every value of the record; on the first problem, handles the whole record by the policy. */
    private boolean acceptValues(ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, T>> out)
            throws DeserializationFailureException {
        for (T value : buffer) {
            Optional<String> problem;
            try {
                problem =
                        value == null ? Optional.of("the value deserializer returned null") : validator.problem(value);
            } catch (RuntimeException e) {
                // A validator that throws on odd data (a null field it did not expect) found a problem too.
                problem = Optional.of("the validator failed: " + e);
            }
            if (problem.isPresent()) {
                handleFailure(record, new InvalidRecordException(problem.get()), out, Stage.VALIDATION);
                return false;
            }
        }
        return true;
    }

    /**
     * Reads and checks the event time of every value of the record; on the first bad one, handles
     * the whole record by the policy and returns false. Only an accepted record raises the highest
     * time seen.
     */
    private boolean acceptEventTimes(ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, T>> out)
            throws DeserializationFailureException {
        long highest = highestSeen;
        for (T value : buffer) {
            long eventTime;
            try {
                eventTime = timestampAssigner.extractTimestamp(value, record.timestamp());
            } catch (InvalidEventTimeException e) {
                handleFailure(record, e, out, Stage.EVENT_TIME);
                return false;
            }
            if (guardChecker != null) {
                EventTimeOutOfBoundsException rejected = guardChecker.check(eventTime, highest);
                if (rejected != null) {
                    eventTimeRejected.inc();
                    handleFailure(record, rejected, out, Stage.EVENT_TIME);
                    return false;
                }
            }
            if (eventTime > highest) {
                highest = eventTime;
            }
        }
        highestSeen = highest;
        return true;
    }

    private void handleFailure(
            ConsumerRecord<byte[], byte[]> record, Exception e, Collector<Either<DeadLetter, T>> out, Stage stage)
            throws DeserializationFailureException {
        switch (policy) {
            case FAIL:
                switch (stage) {
                    case EVENT_TIME:
                        throw DeserializationFailureException.forEventTime(
                                record.topic(), record.partition(), record.offset(), e);
                    case VALIDATION:
                        throw DeserializationFailureException.forInvalidRecord(
                                record.topic(), record.partition(), record.offset(), e);
                    default:
                        throw new DeserializationFailureException(
                                record.topic(), record.partition(), record.offset(), e);
                }
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

    /** Where a record failed, for the message under {@code FAIL}. */
    private enum Stage {
        VALUE,
        VALIDATION,
        EVENT_TIME
    }

    @Override
    public TypeInformation<Either<DeadLetter, T>> getProducedType() {
        return new EitherTypeInfo<>(DeadLetter.TYPE_INFO, valueSchema.getProducedType());
    }
}
