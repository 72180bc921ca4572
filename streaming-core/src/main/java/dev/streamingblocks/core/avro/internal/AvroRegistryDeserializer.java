package dev.streamingblocks.core.avro.internal;

import dev.streamingblocks.core.avro.AvroSerdeException;
import dev.streamingblocks.core.avro.IncompatibleReaderSchemaException;
import dev.streamingblocks.core.avro.MalformedAvroDataException;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * The deserializer core shared by the Flink and Kafka adapters: reads the writer schema id from
 * the header, resolves writer to reader once per id (cached, bounded, lock-free to read) and
 * decodes with a caller-owned, reused decoder ({@link DecoderState}). Thread-safe; a {@code
 * DecoderState} is not.
 *
 * @param <T> the decoded type
 */
public final class AvroRegistryDeserializer<T> {

    /** Bound on cached writer ids; a topic rarely has more than a few schema versions live. */
    public static final int MAX_CACHED_READERS = 1000;

    private final SchemaRegistryClient client;
    private final ReaderMode mode;
    private final Class<?> specificClass;
    private final Schema readerSchema;
    private final SpecificData specificData;
    private final IntKeyedCache<DatumReader<T>> readers = new IntKeyedCache<>(MAX_CACHED_READERS);

    private enum ReaderMode {
        /** A generated SpecificRecord class fixed up front. */
        SPECIFIC_CLASS,
        /** The generated class named by each writer schema (Kafka's specific.avro.reader). */
        SPECIFIC_BY_WRITER_NAME,
        /** GenericRecords in a fixed reader schema. */
        GENERIC_READER,
        /** GenericRecords in each record's writer schema. */
        GENERIC_WRITER
    }

    private AvroRegistryDeserializer(
            SchemaRegistryClient client,
            ReaderMode mode,
            Class<?> specificClass,
            Schema readerSchema,
            SpecificData specificData) {
        this.client = Objects.requireNonNull(client, "client");
        this.mode = mode;
        this.specificClass = specificClass;
        this.readerSchema = readerSchema;
        this.specificData = specificData;
    }

    /** Decodes into {@code type}, resolving each writer schema to the class's schema. */
    public static <T extends SpecificRecord> AvroRegistryDeserializer<T> forSpecific(
            SchemaRegistryClient client, Class<T> type) {
        SpecificData data = SpecificData.getForClass(type);
        return new AvroRegistryDeserializer<>(client, ReaderMode.SPECIFIC_CLASS, type, data.getSchema(type), data);
    }

    /** Decodes GenericRecords in {@code readerSchema}, or in the writer schema when null. */
    public static <T> AvroRegistryDeserializer<T> forGeneric(SchemaRegistryClient client, Schema readerSchema) {
        return new AvroRegistryDeserializer<>(
                client,
                readerSchema == null ? ReaderMode.GENERIC_WRITER : ReaderMode.GENERIC_READER,
                null,
                readerSchema,
                null);
    }

    /**
     * Decodes into the generated class named by each writer schema, loaded with {@code loader};
     * a writer schema that is not a record (e.g. a string key) is read generically.
     */
    public static <T> AvroRegistryDeserializer<T> forSpecificByWriterName(
            SchemaRegistryClient client, ClassLoader loader) {
        return new AvroRegistryDeserializer<>(
                client, ReaderMode.SPECIFIC_BY_WRITER_NAME, null, null, new SpecificData(loader));
    }

    /** The fixed reader schema, or {@code null} when records are read in their writer schema. */
    public Schema readerSchema() {
        return readerSchema;
    }

    /** Decodes {@code bytes} (not null) in the wire format. */
    public T deserialize(byte[] bytes, DecoderState state) {
        int id = WireFormat.readSchemaId(bytes, "record");
        DatumReader<T> reader;
        if (id == state.lastId && state.lastReader != null) {
            reader = getLast(state);
        } else {
            reader = readerFor(id);
            state.lastId = id;
            state.lastReader = reader;
        }
        BoundedDecoder bounded =
                state.bounded.reset(bytes, WireFormat.HEADER_SIZE, bytes.length - WireFormat.HEADER_SIZE);
        T result;
        int left;
        try {
            result = reader.read(null, bounded);
            left = bounded.remaining();
        } catch (AvroSerdeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedAvroDataException(
                    "Avro record with writer schema id " + id + " could not be decoded: " + describe(e), id, e);
        } catch (StackOverflowError e) {
            // Random bytes can describe absurdly deep recursive records.
            throw new MalformedAvroDataException(
                    "Avro record with writer schema id " + id + " could not be decoded: nesting too deep", id, e);
        }
        if (left != 0) {
            throw new MalformedAvroDataException(
                    "Avro record with writer schema id "
                            + id
                            + " could not be decoded: "
                            + left
                            + " byte(s) left after the record (not written with this schema?)",
                    id,
                    null);
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private DatumReader<T> getLast(DecoderState state) {
        return (DatumReader<T>) state.lastReader;
    }

    /** The datum reader for writer schema {@code id}; fetches and resolves the schema once. */
    public DatumReader<T> readerFor(int id) {
        DatumReader<T> reader = readers.get(id);
        if (reader == null) {
            Schema writer = client.getSchemaById(id);
            try {
                reader = createReader(id, writer);
            } catch (AvroSerdeException e) {
                // Remember the verdict: every later record of this id fails the same way, and must
                // not cost a registry call each (the HTTP client itself does not cache).
                reader = new FailingReader<>(e.getMessage(), id, e instanceof IncompatibleReaderSchemaException);
            }
            readers.put(id, reader);
        }
        return reader;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private DatumReader<T> createReader(int id, Schema writer) {
        switch (mode) {
            case SPECIFIC_CLASS:
                checkCompatible(id, writer, readerSchema);
                return new SpecificDatumReader(writer, readerSchema, specificData);
            case GENERIC_READER:
                checkCompatible(id, writer, readerSchema);
                return new GenericDatumReader<>(writer, readerSchema, GenericData.get());
            case GENERIC_WRITER:
                return new GenericDatumReader<>(writer, writer, GenericData.get());
            case SPECIFIC_BY_WRITER_NAME:
                if (writer.getType() != Schema.Type.RECORD) {
                    return new GenericDatumReader<>(writer, writer, GenericData.get());
                }
                Class<?> type = specificData.getClass(writer);
                if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
                    throw new AvroSerdeException("specific.avro.reader is true but no generated SpecificRecord class "
                            + writer.getFullName()
                            + " for writer schema id "
                            + id
                            + " is on the classpath");
                }
                Schema reader = specificData.getSchema(type);
                checkCompatible(id, writer, reader);
                return new SpecificDatumReader(writer, reader, specificData);
            default:
                throw new IllegalStateException("Unknown reader mode " + mode);
        }
    }

    private static void checkCompatible(int id, Schema writer, Schema reader) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            StringBuilder why = new StringBuilder();
            for (SchemaCompatibility.Incompatibility incompatibility :
                    result.getResult().getIncompatibilities()) {
                if (why.length() > 0) {
                    why.append("; ");
                }
                why.append(incompatibility.getType())
                        .append(" at ")
                        .append(incompatibility.getLocation())
                        .append(": ")
                        .append(incompatibility.getMessage());
            }
            throw new IncompatibleReaderSchemaException(
                    "Reader schema "
                            + reader.getFullName()
                            + " cannot read data written with schema id "
                            + id
                            + " ("
                            + writer.getFullName()
                            + "): "
                            + why,
                    id);
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof EOFException) {
            return "the body ends early (truncated)" + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Stands in for a reader that could not be created, failing each record with the same message. */
    private static final class FailingReader<T> implements DatumReader<T> {
        private final String message;
        private final int id;
        private final boolean incompatible;

        FailingReader(String message, int id, boolean incompatible) {
            this.message = message;
            this.id = id;
            this.incompatible = incompatible;
        }

        @Override
        public void setSchema(Schema schema) {}

        @Override
        public T read(T reuse, org.apache.avro.io.Decoder in) {
            throw incompatible ? new IncompatibleReaderSchemaException(message, id) : new AvroSerdeException(message);
        }
    }

    /** One thread's reused decoder and the last writer id it saw. */
    public static final class DecoderState {
        final BoundedDecoder bounded = new BoundedDecoder();
        int lastId;
        DatumReader<?> lastReader;
    }
}
