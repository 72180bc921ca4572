package dev.streamingblocks.core.avro;

import dev.streamingblocks.core.avro.internal.AvroRegistryDeserializer;
import dev.streamingblocks.core.avro.internal.AvroRegistryDeserializer.DecoderState;
import dev.streamingblocks.core.avro.internal.DefaultClientProvider;
import dev.streamingblocks.core.avro.internal.SerdeConfigs;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;

/**
 * A Flink {@link DeserializationSchema} for Avro records in the Confluent wire format (magic byte,
 * schema id, Avro body), resolving each writer schema from the registry to a fixed reader schema.
 * Its produced type is Flink's Avro type information, never a generic (Kryo) type.
 *
 * <pre>{@code
 * Map<String, String> config = Map.of("schema.registry.url", "http://localhost:8081");
 * KafkaSource<Order> source = KafkaSource.<Order>builder()
 *         .setValueOnlyDeserializer(AvroRegistryDeserializationSchema.forSpecific(Order.class, config))
 *         ...
 * }</pre>
 *
 * <p>Requires: the record class (or a reader schema for GenericRecords) and a configuration with
 * {@code schema.registry.url} (see {@link AvroSerdeConfig}). The registry client is created in
 * {@link #open} (or on first use), so the schema itself is serializable. Writer schemas are fetched
 * once per id; evolution follows Avro's resolution rules (added fields with defaults, removed
 * fields ignored). A {@code null} value is a {@link TombstoneException}: this schema never emits
 * null. Not thread-safe, like every Flink schema: one instance per subtask.
 *
 * @param <T> the produced type: a generated SpecificRecord class or {@link GenericRecord}
 */
public final class AvroRegistryDeserializationSchema<T> implements DeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> specificClass;
    private final String readerSchemaJson;
    private final HashMap<String, Object> config;
    private final SchemaRegistryClientProvider clientProvider;

    private transient Schema readerSchema;
    private transient SchemaRegistryClient client;
    private transient AvroRegistryDeserializer<T> core;
    private transient DecoderState state;

    private AvroRegistryDeserializationSchema(
            Class<T> specificClass,
            Schema readerSchema,
            Map<String, ?> config,
            SchemaRegistryClientProvider clientProvider) {
        this.specificClass = specificClass;
        this.readerSchema = readerSchema;
        this.readerSchemaJson = readerSchema == null ? null : readerSchema.toString();
        // Parse now so a bad config fails at job construction, not on a task manager.
        AvroSerdeConfig.fromMap(config);
        this.config = SerdeConfigs.serializableCopy(config);
        if (clientProvider == null) {
            throw new IllegalArgumentException("clientProvider must not be null");
        }
        this.clientProvider = clientProvider;
    }

    /**
     * Decodes into the generated class {@code type}, with the HTTP registry client configured by
     * {@code config} (see {@link AvroSerdeConfig}).
     *
     * @throws IllegalArgumentException naming the key when the configuration is invalid
     */
    public static <T extends SpecificRecordBase> AvroRegistryDeserializationSchema<T> forSpecific(
            Class<T> type, Map<String, ?> config) {
        DefaultClientProvider.validate(config);
        return forSpecific(type, config, DefaultClientProvider.INSTANCE);
    }

    /** Decodes into the generated class {@code type}, with a client from {@code clientProvider}. */
    public static <T extends SpecificRecordBase> AvroRegistryDeserializationSchema<T> forSpecific(
            Class<T> type, Map<String, ?> config, SchemaRegistryClientProvider clientProvider) {
        if (type == null) {
            throw new IllegalArgumentException("forSpecific needs the generated SpecificRecord class, got null");
        }
        return new AvroRegistryDeserializationSchema<>(type, null, config, clientProvider);
    }

    /**
     * Decodes GenericRecords in {@code readerSchema}, with the HTTP registry client configured by
     * {@code config} (see {@link AvroSerdeConfig}).
     *
     * @throws IllegalArgumentException naming the key when the configuration is invalid
     */
    public static AvroRegistryDeserializationSchema<GenericRecord> forGeneric(
            Schema readerSchema, Map<String, ?> config) {
        DefaultClientProvider.validate(config);
        return forGeneric(readerSchema, config, DefaultClientProvider.INSTANCE);
    }

    /** Decodes GenericRecords in {@code readerSchema}, with a client from {@code clientProvider}. */
    public static AvroRegistryDeserializationSchema<GenericRecord> forGeneric(
            Schema readerSchema, Map<String, ?> config, SchemaRegistryClientProvider clientProvider) {
        if (readerSchema == null) {
            // Flink needs one schema for the produced type, so the reader schema is required here.
            throw new IllegalArgumentException(
                    "forGeneric needs a reader schema: Flink's GenericRecordAvroTypeInfo is built from it");
        }
        return new AvroRegistryDeserializationSchema<>(null, readerSchema, config, clientProvider);
    }

    @Override
    public void open(InitializationContext context) {
        ensureOpen();
    }

    @Override
    public T deserialize(byte[] message) throws IOException {
        return decode(message);
    }

    /**
     * Decodes {@code value} from the Kafka record at {@code topic}/{@code partition}/{@code offset};
     * any {@link AvroSerdeException} names those coordinates.
     */
    public T deserialize(byte[] value, String topic, int partition, long offset) {
        try {
            return decode(value);
        } catch (AvroSerdeException e) {
            throw e.attachRecordContext(topic, partition, offset);
        }
    }

    private T decode(byte[] message) {
        if (message == null) {
            throw new TombstoneException("Cannot decode a null value (Kafka tombstone) into "
                    + readerName()
                    + ": a DeserializationSchema must produce a record; filter tombstones before this schema");
        }
        if (core == null) {
            ensureOpen();
        }
        return core.deserialize(message, state);
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public TypeInformation<T> getProducedType() {
        if (specificClass != null) {
            return (TypeInformation<T>) new AvroTypeInfo<>(specificClass.asSubclass(SpecificRecordBase.class));
        }
        return (TypeInformation<T>) new GenericRecordAvroTypeInfo(readerSchema());
    }

    /** Closes the registry client created by this schema; Flink's interface has no close of its own. */
    public void close() {
        if (client != null) {
            client.close();
            client = null;
            core = null;
        }
    }

    private void ensureOpen() {
        if (core != null) {
            return;
        }
        SchemaRegistryClient created = clientProvider.create(config);
        if (created == null) {
            throw new IllegalStateException("The SchemaRegistryClientProvider returned null");
        }
        client = created;
        core = specificClass != null
                ? specificCore(created)
                : AvroRegistryDeserializer.forGeneric(created, readerSchema());
        state = new DecoderState();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private AvroRegistryDeserializer<T> specificCore(SchemaRegistryClient c) {
        return (AvroRegistryDeserializer<T>)
                AvroRegistryDeserializer.forSpecific(c, (Class) specificClass.asSubclass(SpecificRecord.class));
    }

    private Schema readerSchema() {
        if (readerSchema == null && readerSchemaJson != null) {
            readerSchema = new Schema.Parser().parse(readerSchemaJson);
        }
        return readerSchema;
    }

    private String readerName() {
        return specificClass != null ? specificClass.getName() : readerSchema().getFullName();
    }
}
