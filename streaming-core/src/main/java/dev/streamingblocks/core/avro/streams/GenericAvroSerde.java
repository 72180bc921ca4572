package dev.streamingblocks.core.avro.streams;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroDeserializer;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka Streams {@link Serde} for Avro {@link GenericRecord}s on the Confluent wire format, the
 * counterpart of Confluent's {@code io.confluent.kafka.streams.serdes.avro.GenericAvroSerde}, with
 * the same config keys (see {@link AvroSerdeConfig}). Records are read in their writer's schema;
 * {@code specific.avro.reader} is always {@code false} here.
 *
 * <pre>{@code
 * GenericAvroSerde values = new GenericAvroSerde();
 * values.configure(Map.of("schema.registry.url", "http://localhost:8081"), false);
 * }</pre>
 */
public class GenericAvroSerde implements Serde<GenericRecord> {

    private final KafkaAvroSerializer serializer;
    private final KafkaAvroDeserializer deserializer;

    /** For Kafka Streams' reflective creation: {@link #configure} creates the registry client. */
    public GenericAvroSerde() {
        this.serializer = new KafkaAvroSerializer();
        this.deserializer = new KafkaAvroDeserializer();
    }

    /** Uses {@code client} (not closed by {@link #close()}); call {@link #configure} before use. */
    public GenericAvroSerde(SchemaRegistryClient client) {
        this.serializer = new KafkaAvroSerializer(client);
        this.deserializer = new KafkaAvroDeserializer(client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> generic = new HashMap<>(configs);
        generic.put(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, false);
        serializer.configure(generic, isKey);
        deserializer.configure(generic, isKey);
    }

    @Override
    public Serializer<GenericRecord> serializer() {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, GenericRecord data) {
                return serializer.serialize(topic, data);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, GenericRecord data) {
                return serializer.serialize(topic, headers, data);
            }
        };
    }

    @Override
    public Deserializer<GenericRecord> deserializer() {
        return new Deserializer<>() {
            @Override
            public GenericRecord deserialize(String topic, byte[] data) {
                return (GenericRecord) deserializer.deserialize(topic, data);
            }

            @Override
            public GenericRecord deserialize(String topic, Headers headers, byte[] data) {
                return (GenericRecord) deserializer.deserialize(topic, headers, data);
            }
        };
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
