package dev.streamingblocks.core.avro.internal;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.AvroSerdeException;
import dev.streamingblocks.core.avro.InvalidRecordException;
import dev.streamingblocks.core.avro.registry.RegisteredSchema;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import dev.streamingblocks.core.avro.subject.SubjectNameStrategy;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The serializer core shared by the Flink and Kafka adapters: resolves (topic, schema) to a
 * subject and schema id once, then writes records into the wire format with a caller-owned,
 * reused encoder ({@link EncoderState}). Thread-safe; an {@code EncoderState} is not.
 */
public final class AvroRegistrySerializer {

    /** Bound on cached (topic, schema) entries; a stream rarely writes more than a handful. */
    public static final int MAX_CACHED_WRITERS = 1000;

    private final SchemaRegistryClient client;
    private final boolean isKey;
    private final boolean autoRegister;
    private final boolean useLatestVersion;
    private final SubjectNameStrategy strategy;
    private final ConcurrentHashMap<WriterKey, WriterState> writers = new ConcurrentHashMap<>();

    public AvroRegistrySerializer(SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
        this.client = Objects.requireNonNull(client, "client");
        this.isKey = isKey;
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatestVersion = config.useLatestVersion();
        this.strategy = config.subjectNameStrategy(isKey);
    }

    /** The subject and id for writing {@code schema} to {@code topic}; cached after the first call. */
    public WriterState writerFor(String topic, Schema schema, Object sample) {
        WriterKey key = new WriterKey(topic, schema);
        WriterState state = writers.get(key);
        if (state == null) {
            state = resolve(topic, schema, sample);
            if (writers.size() >= MAX_CACHED_WRITERS) {
                writers.clear();
            }
            writers.put(key, state);
        }
        return state;
    }

    /**
     * Serializes {@code record} (whose schema is {@code schema}) for {@code topic}. The per-thread
     * {@code state} remembers the last (topic, schema), so a steady stream skips every lookup.
     */
    public byte[] serialize(String topic, Object record, Schema schema, EncoderState state) {
        WriterState writer;
        if (schema == state.lastSchema && Objects.equals(topic, state.lastTopic)) {
            writer = state.lastWriter;
        } else {
            writer = writerFor(topic, schema, record);
            state.lastTopic = topic;
            state.lastSchema = schema;
            state.lastWriter = writer;
        }
        return encode(writer, record, state);
    }

    /** Writes {@code record} with {@code writer}'s id and datum writer. */
    public static byte[] encode(WriterState writer, Object record, EncoderState state) {
        ReusableOutputBuffer buffer = state.buffer;
        buffer.startRecord(writer.schemaId);
        try {
            writer.datumWriter.write(record, state.encoder);
            state.encoder.flush();
        } catch (IOException | RuntimeException e) {
            // The buffered encoder may hold part of this record: start the next one clean.
            state.resetEncoder();
            throw new InvalidRecordException(
                    "Could not serialize a record of schema "
                            + writer.schema.getFullName()
                            + " for subject '"
                            + writer.subject
                            + "' (schema id "
                            + writer.schemaId
                            + "): "
                            + e,
                    e);
        }
        return buffer.toByteArray();
    }

    private WriterState resolve(String topic, Schema schema, Object sample) {
        String subject;
        try {
            subject = strategy.subjectName(topic, isKey, schema);
        } catch (IllegalArgumentException e) {
            throw new AvroSerdeException(e.getMessage(), e);
        }
        int id;
        if (autoRegister) {
            id = client.register(subject, schema);
        } else if (useLatestVersion) {
            RegisteredSchema latest = client.getLatestVersion(subject);
            // Writing with the latest version is only byte-exact when it is the record's schema;
            // anything else would write the record's fields under another schema's id.
            if (!SchemaNormalization.toParsingForm(latest.schema()).equals(SchemaNormalization.toParsingForm(schema))) {
                throw new AvroSerdeException("use.latest.version: the latest version "
                        + latest.version()
                        + " (schema id "
                        + latest.id()
                        + ") of subject '"
                        + subject
                        + "' is not the record's schema "
                        + schema.getFullName()
                        + "; register the record's schema or turn on auto.register.schemas");
            }
            id = latest.id();
        } else {
            id = client.lookup(subject, schema).id();
        }
        return new WriterState(subject, id, schema, datumWriterFor(schema, sample));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static DatumWriter<Object> datumWriterFor(Schema schema, Object sample) {
        if (sample instanceof SpecificRecord) {
            return new SpecificDatumWriter(schema, SpecificData.getForClass(sample.getClass()));
        }
        return new GenericDatumWriter<>(schema, GenericData.get());
    }

    /** Where a schema is written: its subject, id and a datum writer for it. Immutable. */
    public static final class WriterState {
        final String subject;
        final int schemaId;
        final Schema schema;
        final DatumWriter<Object> datumWriter;

        WriterState(String subject, int schemaId, Schema schema, DatumWriter<Object> datumWriter) {
            this.subject = subject;
            this.schemaId = schemaId;
            this.schema = schema;
            this.datumWriter = datumWriter;
        }

        public String subject() {
            return subject;
        }

        public int schemaId() {
            return schemaId;
        }
    }

    /** One thread's reused buffer and encoder, plus the last writer it used. */
    public static final class EncoderState {
        final ReusableOutputBuffer buffer = new ReusableOutputBuffer();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer, null);
        String lastTopic;
        Schema lastSchema;
        WriterState lastWriter;

        void resetEncoder() {
            encoder = EncoderFactory.get().binaryEncoder(buffer, null);
        }
    }

    /** (topic, schema) with the schema compared by identity: records of one class share one. */
    private static final class WriterKey {
        private final String topic;
        private final Schema schema;

        WriterKey(String topic, Schema schema) {
            this.topic = topic;
            this.schema = schema;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WriterKey other && other.schema == schema && Objects.equals(other.topic, topic);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(topic) + System.identityHashCode(schema);
        }
    }
}
