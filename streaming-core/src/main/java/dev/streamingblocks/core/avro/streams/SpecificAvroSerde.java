package dev.streamingblocks.core.avro.streams;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroDeserializer;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka Streams {@link Serde} for generated Avro classes on the Confluent wire format, configured
 * with Confluent's keys ({@code schema.registry.url}, {@code auto.register.schemas},
 * {@code use.latest.version}, the subject name strategies, {@code basic.auth.*}, ...; see {@link
 * AvroSerdeConfig}), so a Streams app written for Confluent's
 * {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde} moves over by changing the import.
 *
 * <pre>{@code
 * SpecificAvroSerde<Order> orders = new SpecificAvroSerde<>();
 * orders.configure(Map.of("schema.registry.url", "http://localhost:8081"), false);
 * builder.stream("orders", Consumed.with(Serdes.String(), orders))
 *         .filter((key, order) -> order.getQuantity() > 1)
 *         .to("bulk-orders", Produced.with(Serdes.String(), orders));
 * }</pre>
 *
 * <p>Required: {@code schema.registry.url}, given to {@link #configure}, which Kafka Streams calls
 * itself when this class is the {@code default.value.serde} (or {@code default.key.serde}).
 * {@code specific.avro.reader} is always {@code true} here, as in Confluent's class: records come
 * back as the generated class their writer schema names, resolved to that class's schema. It wraps
 * {@link KafkaAvroSerializer} and {@link KafkaAvroDeserializer}, so bytes, errors ({@code
 * AvroSerdeException}s naming schema id and topic) and tombstones ({@code null}) are theirs.
 *
 * @param <T> the generated record class
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final KafkaAvroSerializer serializer;
    private final KafkaAvroDeserializer deserializer;

    /** For Kafka Streams' reflective creation: {@link #configure} creates the registry client. */
    public SpecificAvroSerde() {
        this.serializer = new KafkaAvroSerializer();
        this.deserializer = new KafkaAvroDeserializer();
    }

    /** Uses {@code client} (not closed by {@link #close()}); call {@link #configure} before use. */
    public SpecificAvroSerde(SchemaRegistryClient client) {
        this.serializer = new KafkaAvroSerializer(client);
        this.deserializer = new KafkaAvroDeserializer(client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> specific = new HashMap<>(configs);
        specific.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
        serializer.configure(specific, isKey);
        deserializer.configure(specific, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, T data) {
                return serializer.serialize(topic, data);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, T data) {
                return serializer.serialize(topic, headers, data);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return new Deserializer<>() {
            @Override
            public T deserialize(String topic, byte[] data) {
                return cast(deserializer.deserialize(topic, data));
            }

            @Override
            public T deserialize(String topic, Headers headers, byte[] data) {
                return cast(deserializer.deserialize(topic, headers, data));
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object record) {
        return (T) record;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
