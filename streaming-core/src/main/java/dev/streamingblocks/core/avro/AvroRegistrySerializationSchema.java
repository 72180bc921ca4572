package dev.streamingblocks.core.avro;

import dev.streamingblocks.core.avro.internal.AvroRegistrySerializer;
import dev.streamingblocks.core.avro.internal.AvroRegistrySerializer.EncoderState;
import dev.streamingblocks.core.avro.internal.AvroRegistrySerializer.WriterState;
import dev.streamingblocks.core.avro.internal.DefaultClientProvider;
import dev.streamingblocks.core.avro.internal.SerdeConfigs;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * A Flink {@link SerializationSchema} that writes Avro records in the Confluent wire format (magic
 * byte, schema id, Avro body) for one topic, registering or looking up the schema once.
 *
 * <pre>{@code
 * Map<String, String> config = Map.of("schema.registry.url", "http://localhost:8081");
 * KafkaRecordSerializationSchema.builder()
 *         .setTopic("orders")
 *         .setValueSerializationSchema(AvroRegistrySerializationSchema.forSpecific(Order.class, "orders", config))
 *         .build();
 * }</pre>
 *
 * <p>Requires: the record class (or the schema for GenericRecords), the topic the records go to
 * (the default {@code TopicNameStrategy} names the subject {@code <topic>-value}) and a
 * configuration with {@code schema.registry.url} (see {@link AvroSerdeConfig} for registration
 * modes and subject strategies). The registry client is created in {@link #open} (or on first
 * use); the schema id is resolved on the first record and cached. A {@code null} record is an
 * {@link InvalidRecordException}. Not thread-safe, like every Flink schema: one per subtask.
 *
 * @param <T> a generated SpecificRecord class or {@link GenericRecord}
 */
public final class AvroRegistrySerializationSchema<T> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> specificClass;
    private final String schemaJson;
    private final String topic;
    private final boolean isKey;
    private final HashMap<String, Object> config;
    private final SchemaRegistryClientProvider clientProvider;

    private transient Schema schema;
    private transient SchemaRegistryClient client;
    private transient AvroRegistrySerializer core;
    private transient WriterState writer;
    private transient EncoderState state;

    private AvroRegistrySerializationSchema(
            Class<T> specificClass,
            Schema schema,
            String topic,
            boolean isKey,
            Map<String, ?> config,
            SchemaRegistryClientProvider clientProvider) {
        this.specificClass = specificClass;
        this.schema = schema;
        this.schemaJson = schema.toString();
        this.topic = topic;
        this.isKey = isKey;
        AvroSerdeConfig parsed = AvroSerdeConfig.fromMap(config);
        try {
            // Name the subject now, so a strategy that needs a topic fails at job construction.
            parsed.subjectNameStrategy(isKey).subjectName(topic, isKey, schema);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid topic for the subject name strategy: " + e.getMessage(), e);
        }
        this.config = SerdeConfigs.serializableCopy(config);
        if (clientProvider == null) {
            throw new IllegalArgumentException("clientProvider must not be null");
        }
        this.clientProvider = clientProvider;
    }

    /**
     * Writes values of the generated class {@code type} to {@code topic}, with the HTTP registry
     * client configured by {@code config} (see {@link AvroSerdeConfig}).
     *
     * @throws IllegalArgumentException naming the key when the configuration is invalid
     */
    public static <T extends SpecificRecord> AvroRegistrySerializationSchema<T> forSpecific(
            Class<T> type, String topic, Map<String, ?> config) {
        DefaultClientProvider.validate(config);
        return forSpecific(type, topic, config, DefaultClientProvider.INSTANCE);
    }

    /** Writes values of the generated class {@code type} to {@code topic}, with a client from {@code clientProvider}. */
    public static <T extends SpecificRecord> AvroRegistrySerializationSchema<T> forSpecific(
            Class<T> type, String topic, Map<String, ?> config, SchemaRegistryClientProvider clientProvider) {
        if (type == null) {
            throw new IllegalArgumentException("forSpecific needs the generated SpecificRecord class, got null");
        }
        return new AvroRegistrySerializationSchema<>(
                type, SpecificData.getForClass(type).getSchema(type), topic, false, config, clientProvider);
    }

    /**
     * Writes GenericRecord values of {@code schema} to {@code topic}, with the HTTP registry client
     * configured by {@code config} (see {@link AvroSerdeConfig}).
     *
     * @throws IllegalArgumentException naming the key when the configuration is invalid
     */
    public static AvroRegistrySerializationSchema<GenericRecord> forGeneric(
            Schema schema, String topic, Map<String, ?> config) {
        DefaultClientProvider.validate(config);
        return forGeneric(schema, topic, config, DefaultClientProvider.INSTANCE);
    }

    /** Writes GenericRecord values of {@code schema} to {@code topic}, with a client from {@code clientProvider}. */
    public static AvroRegistrySerializationSchema<GenericRecord> forGeneric(
            Schema schema, String topic, Map<String, ?> config, SchemaRegistryClientProvider clientProvider) {
        if (schema == null) {
            throw new IllegalArgumentException("forGeneric needs the writer schema, got null");
        }
        return new AvroRegistrySerializationSchema<>(null, schema, topic, false, config, clientProvider);
    }

    /**
     * The same schema writing record keys: the subject comes from {@code key.subject.name.strategy}
     * ({@code <topic>-key} by default).
     */
    public AvroRegistrySerializationSchema<T> forKeys() {
        return new AvroRegistrySerializationSchema<>(specificClass, schema(), topic, true, config, clientProvider);
    }

    @Override
    public void open(InitializationContext context) {
        ensureOpen();
    }

    @Override
    public byte[] serialize(T element) {
        try {
            if (element == null) {
                throw new InvalidRecordException("Cannot serialize a null "
                        + (isKey ? "key" : "record")
                        + " of schema "
                        + schema().getFullName()
                        + ": a tombstone needs a null value written by the sink, not by this schema");
            }
            if (writer == null) {
                ensureOpen();
                writer = core.writerFor(topic, schema, element);
            }
            return AvroRegistrySerializer.encode(writer, element, state);
        } catch (AvroSerdeException e) {
            throw e.attachRecordContext(topic, -1, -1L);
        }
    }

    /** Closes the registry client created by this schema; Flink's interface has no close of its own. */
    public void close() {
        if (client != null) {
            client.close();
            client = null;
            core = null;
            writer = null;
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
        core = new AvroRegistrySerializer(created, AvroSerdeConfig.fromMap(config), isKey);
        schema();
        state = new EncoderState();
    }

    private Schema schema() {
        if (schema == null) {
            // The class's own schema instance, so records and writer share one Schema object.
            schema = specificClass != null
                    ? SpecificData.getForClass(specificClass).getSchema(specificClass)
                    : new Schema.Parser().parse(schemaJson);
        }
        return schema;
    }
}
