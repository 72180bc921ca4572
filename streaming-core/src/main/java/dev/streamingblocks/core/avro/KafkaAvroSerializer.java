package dev.streamingblocks.core.avro;

import dev.streamingblocks.core.avro.internal.AvroRegistrySerializer;
import dev.streamingblocks.core.avro.internal.AvroRegistrySerializer.EncoderState;
import dev.streamingblocks.core.avro.internal.DefaultClientProvider;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serializer} writing Avro in the Confluent wire format, configured with the same
 * keys as Confluent's {@code io.confluent.kafka.serializers.KafkaAvroSerializer} (see {@link
 * AvroSerdeConfig}), so a plain producer config moves over by changing the class name only.
 *
 * <pre>{@code
 * Properties props = new Properties();
 * props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
 * props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, KafkaAvroSerializer.class);
 * props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://localhost:8081");
 * try (KafkaProducer<String, Object> producer = new KafkaProducer<>(props)) {
 *     producer.send(new ProducerRecord<>("orders", order.getOrderId(), order));
 * }
 * }</pre>
 *
 * <p>Writes SpecificRecords, GenericRecords (any {@link GenericContainer}) and, like Confluent,
 * the primitives {@code Boolean}, {@code Integer}, {@code Long}, {@code Float}, {@code Double},
 * {@code CharSequence} and {@code byte[]} as Avro primitives. A {@code null} record is written as
 * {@code null} (a Kafka tombstone), Confluent's contract. Thread-safe: a producer may call it from
 * several threads; each thread reuses its own encoder and buffer.
 */
public class KafkaAvroSerializer implements Serializer<Object> {

    private static final Schema BOOLEAN = Schema.create(Schema.Type.BOOLEAN);
    private static final Schema INT = Schema.create(Schema.Type.INT);
    private static final Schema LONG = Schema.create(Schema.Type.LONG);
    private static final Schema FLOAT = Schema.create(Schema.Type.FLOAT);
    private static final Schema DOUBLE = Schema.create(Schema.Type.DOUBLE);
    private static final Schema STRING = Schema.create(Schema.Type.STRING);
    private static final Schema BYTES = Schema.create(Schema.Type.BYTES);

    private final SchemaRegistryClient injectedClient;
    private SchemaRegistryClient client;
    private AvroRegistrySerializer core;
    private boolean isKey;
    private final ThreadLocal<EncoderState> states = ThreadLocal.withInitial(EncoderState::new);

    /**
     * For Kafka's reflective creation: {@link #configure} creates the HTTP registry client from
     * {@code schema.registry.url} and the other client keys, and {@link #close()} closes it.
     */
    public KafkaAvroSerializer() {
        this.injectedClient = null;
    }

    /** Uses {@code client} (not closed by {@link #close()}); call {@link #configure} before use. */
    public KafkaAvroSerializer(SchemaRegistryClient client) {
        if (client == null) {
            throw new IllegalArgumentException("client must not be null");
        }
        this.injectedClient = client;
    }

    /** Uses {@code client} and configures this serializer for record values. */
    public KafkaAvroSerializer(SchemaRegistryClient client, Map<String, ?> config) {
        this(client);
        configure(config, false);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = AvroSerdeConfig.fromMap(configs);
        SchemaRegistryClient c =
                injectedClient != null ? injectedClient : DefaultClientProvider.INSTANCE.create(configs);
        this.client = c;
        this.isKey = isKey;
        this.core = new AvroRegistrySerializer(c, config, isKey);
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        return serialize(topic, null, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Object data) {
        if (data == null) {
            return null;
        }
        if (core == null) {
            throw new IllegalStateException(
                    "KafkaAvroSerializer is not configured: call configure(config, isKey) first");
        }
        try {
            Schema schema = schemaOf(data);
            Object datum = data instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : data;
            return core.serialize(topic, datum, schema, states.get());
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

    private Schema schemaOf(Object data) {
        if (data instanceof GenericContainer container) {
            return container.getSchema();
        }
        if (data instanceof CharSequence) {
            return STRING;
        }
        if (data instanceof Integer) {
            return INT;
        }
        if (data instanceof Long) {
            return LONG;
        }
        if (data instanceof Boolean) {
            return BOOLEAN;
        }
        if (data instanceof Double) {
            return DOUBLE;
        }
        if (data instanceof Float) {
            return FLOAT;
        }
        if (data instanceof byte[] || data instanceof ByteBuffer) {
            return BYTES;
        }
        throw new InvalidRecordException("KafkaAvroSerializer cannot write a "
                + data.getClass().getName()
                + " as a "
                + (isKey ? "key" : "value")
                + ": it writes SpecificRecord, GenericRecord, Boolean, Integer, Long, Float, Double,"
                + " CharSequence and byte[]");
    }
}
