package dev.streamingblocks.lake.internal;

import dev.streamingblocks.core.time.EventTimeExtractor;
import dev.streamingblocks.kafka.source.RecordValidator;
import dev.streamingblocks.lake.InvalidLakeRecordException;
import dev.streamingblocks.lake.LakePartitions;
import dev.streamingblocks.lake.LateRecordException;
import dev.streamingblocks.lake.UnwritableLakeRecordException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes on the records the lake can write and sends the others to {@link #DEAD_LETTERS} (or, without
 * a dead-letter topic, fails the job naming the record's problem). A record is written when its event
 * time can be read, it fits the sink's Avro schema (so the Parquet writer cannot fail on it later and
 * stop the job in a restart loop), the user's validator finds no problem, and its partition is not
 * closed yet by the watermark and the allowed lateness. Stateless.
 */
public final class LakeRecordRouter<T> extends ProcessFunction<T, T> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<LakeDeadLetter> DEAD_LETTERS =
            new OutputTag<>("lake-dead-letters", LakeDeadLetter.TYPE_INFO);

    /** The counter of records sent to the dead-letter topic. */
    public static final String DEAD_LETTER_RECORDS_METRIC = "deadLetterRecords";

    private final String schemaJson;
    private final Class<?> specificClass;
    private final EventTimeExtractor<T> eventTime;
    private final RecordValidator<T> validator;
    private final Duration allowedLateness;
    private final boolean deadLetters;
    private transient Schema schema;
    private transient GenericData model;
    private transient Counter deadLetterRecords;

    public LakeRecordRouter(
            Schema schema,
            Class<?> specificClass,
            EventTimeExtractor<T> eventTime,
            RecordValidator<T> validator,
            Duration allowedLateness,
            boolean deadLetters) {
        this.schemaJson = schema.toString();
        this.specificClass = specificClass;
        this.eventTime = eventTime;
        this.validator = validator;
        this.allowedLateness = allowedLateness;
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(OpenContext openContext) {
        schema = new Schema.Parser().parse(schemaJson);
        model = LakeParquet.model(specificClass);
        deadLetterRecords = getRuntimeContext().getMetricGroup().counter(DEAD_LETTER_RECORDS_METRIC);
    }

    @Override
    public void processElement(T record, Context ctx, Collector<T> out) {
        String partition = null;
        try {
            Instant time = eventTimeOf(record, ctx.timestamp());
            partition = LakePartitions.partitionOf(time);
            checkFits(record);
            long watermark = ctx.timerService().currentWatermark();
            if (LakePartitions.closingWatermark(time, allowedLateness) <= watermark) {
                throw new LateRecordException("The record's event time " + time + " belongs to partition "
                        + partition + ", which is closed: the watermark is at " + Instant.ofEpochMilli(watermark)
                        + " and the allowed lateness is " + allowedLateness);
            }
            out.collect(record);
        } catch (UnwritableLakeRecordException e) {
            if (!deadLetters) {
                throw e;
            }
            deadLetterRecords.inc();
            ctx.output(DEAD_LETTERS, LakeDeadLetter.of(record, partition, e));
        }
    }

    private Instant eventTimeOf(T record, Long elementTimestamp) {
        if (record == null) {
            throw new InvalidLakeRecordException("The record is null");
        }
        if (eventTime == null) {
            if (elementTimestamp == null) {
                throw new InvalidLakeRecordException("The record has no event timestamp: assign timestamps in the"
                        + " source (a WatermarkStrategy) or set an event time extractor on the lake sink");
            }
            return Instant.ofEpochMilli(elementTimestamp);
        }
        Instant time;
        try {
            time = eventTime.eventTime(record);
        } catch (RuntimeException e) {
            throw new InvalidLakeRecordException("The event time extractor failed: " + e, e);
        }
        if (time == null) {
            throw new InvalidLakeRecordException("The event time extractor returned null");
        }
        return time;
    }

    private void checkFits(T record) {
        if (!(record instanceof IndexedRecord indexed)) {
            throw new InvalidLakeRecordException(
                    "The record is a " + record.getClass().getName() + ", not an Avro record");
        }
        if (!schema.equals(indexed.getSchema())) {
            throw new InvalidLakeRecordException("The record's schema "
                    + indexed.getSchema().getFullName() + " differs from the sink's schema " + schema.getFullName());
        }
        for (Schema.Field field : schema.getFields()) {
            Object value = indexed.get(field.pos());
            if (!fits(field.schema(), value)) {
                throw new InvalidLakeRecordException(
                        "Field '" + field.name() + "' does not fit its schema " + field.schema() + ": "
                                + (value == null ? "null" : value.getClass().getSimpleName()));
            }
        }
        if (validator != null) {
            Optional<String> problem = validator.problem(record);
            if (problem.isPresent()) {
                throw new InvalidLakeRecordException(problem.get());
            }
        }
    }

    /** Avro's structural check, accepting the values of logical types the model converts (an Instant). */
    private boolean fits(Schema s, Object value) {
        if (value == null) {
            return s.getType() == Schema.Type.NULL
                    || s.getType() == Schema.Type.UNION
                            && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
        }
        if (s.getType() == Schema.Type.UNION) {
            return s.getTypes().stream().anyMatch(t -> t.getType() != Schema.Type.NULL && fits(t, value));
        }
        if (s.getLogicalType() != null && model.getConversionByClass(value.getClass(), s.getLogicalType()) != null) {
            return true;
        }
        if (s.getType() == Schema.Type.RECORD && value instanceof IndexedRecord nested) {
            for (Schema.Field f : s.getFields()) {
                if (!fits(f.schema(), nested.get(f.pos()))) {
                    return false;
                }
            }
            return true;
        }
        return model.validate(s, value);
    }
}
