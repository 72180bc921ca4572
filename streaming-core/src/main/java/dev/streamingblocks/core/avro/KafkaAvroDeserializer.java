package dev.streamingblocks.core.avro;

import dev.streamingblocks.core.avro.internal.AvroRegistryDeserializer;
import dev.streamingblocks.core.avro.internal.AvroRegistryDeserializer.DecoderState;
import dev.streamingblocks.core.avro.internal.DefaultClientProvider;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka {@link Deserializer} reading Avro in the Confluent wire format, configured with the same
 * keys as Confluent's {@code io.confluent.kafka.serializers.KafkaAvroDeserializer} (see {@link
 * AvroSerdeConfig}), so a plain consumer config moves over by changing the class name only.
 *
 * <pre>{@code
 * Properties props = new Properties();
 * props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
 * props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, KafkaAvroDeserializer.class);
 * props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://localhost:8081");
 * props.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true); // Order instead of GenericRecord
 * }</pre>
 *
 * <p>With {@code specific.avro.reader=false} (the default) it returns a {@code GenericRecord} in
 * the writer's schema; with {@code true} an instance of the generated class named by the writer
 * schema (resolved to that class's schema). Primitive values come back as Java values ({@code
 * String}, {@code Integer}, ...). <b>A {@code null} value (a tombstone) is returned as {@code
 * null}</b>, Confluent's contract. Errors are {@link AvroSerdeException}s naming the schema id and
 * the topic. Thread-safe; each thread reuses its own decoder.
 */
public class KafkaAvroDeserializer implements Deserializer<Object> {

    private final SchemaRegistryClient injectedClient;
    private SchemaRegistryClient client;
    private AvroRegistryDeserializer<Object> core;
    private final ThreadLocal<DecoderState> states = ThreadLocal.withInitial(DecoderState::new);

    /**
     * For Kafka's reflective creation: {@link #configure} creates the HTTP registry client from
     * {@code schema.registry.url} and the other client keys, and {@link #close()} closes it.
     */
    public KafkaAvroDeserializer() {
        this.injectedClient = null;
    }

    /** Uses {@code client} (not closed by {@link #close()}); call {@link #configure} before use. */
    public KafkaAvroDeserializer(SchemaRegistryClient client) {
        if (client == null) {
            throw new IllegalArgumentException("client must not be null");
        }
        this.injectedClient = client;
    }

    /** Uses {@code client} and configures this deserializer for record values. */
    public KafkaAvroDeserializer(SchemaRegistryClient client, Map<String, ?> config) {
        this(client);
        configure(config, false);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = AvroSerdeConfig.fromMap(configs);
        SchemaRegistryClient c =
                injectedClient != null ? injectedClient : DefaultClientProvider.INSTANCE.create(configs);
        this.client = c;
        if (config.specificAvroReader()) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            this.core = AvroRegistryDeserializer.forSpecificByWriterName(
                    c, loader != null ? loader : KafkaAvroDeserializer.class.getClassLoader());
        } else {
            this.core = AvroRegistryDeserializer.forGeneric(c, null);
        }
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public Object deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        if (core == null) {
            throw new IllegalStateException(
                    "KafkaAvroDeserializer is not configured: call configure(config, isKey) first");
        }
        try {
            Object result = core.deserialize(data, states.get());
            return result instanceof Utf8 ? result.toString() : result;
        } catch (AvroSerdeException e) {
            throw e.attachRecordContext(topic, -1, -1L);
        }
    }

    @Override
    public void close() {
        states.remove();
        if (injectedClient == null && client != null) {
            client.close();
        }
        client = null;
        core = null;
    }
}
