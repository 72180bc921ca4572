package dev.streamingblocks.benchmarks.avro;

import dev.streamingblocks.core.avro.AvroRegistryDeserializationSchema;
import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.testkit.confluent.ConfluentPeer;
import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Encode and decode of the article's {@code Order}, one record per operation, in three variants
 * measured in one run:
 *
 * <ul>
 *   <li>{@code raw*}, the floor: SpecificDatumWriter/Reader with a reused encoder, decoder and
 *       buffer, no wire-format header, no registry;
 *   <li>{@code ours*}: {@code AvroRegistrySerializationSchema} / {@code
 *       AvroRegistryDeserializationSchema} for the generated {@code Order} class, and {@code
 *       oursGeneric*} the same on GenericRecords, like for like with the peer;
 *   <li>{@code peer*}: Flink's {@code ConfluentRegistryAvroSerializationSchema} / {@code
 *       ConfluentRegistryAvroDeserializationSchema} (Confluent's client inside) through {@link
 *       ConfluentPeer}, on GenericRecords because the peer only takes its shaded Avro's classes.
 * </ul>
 *
 * <p>Both registry-backed variants talk HTTP to one in-process {@link EmbeddedSchemaRegistry} (ours
 * through its default HTTP client from {@code schema.registry.url}, the peer through Confluent's
 * client) and are warmed in their setup (schema registered, id and writer/reader cached); each
 * trial then fails if the registry saw a single request during measurement, so no HTTP is on the
 * hot path. Figures and the exact command: {@code docs/benchmarks.md}.
 *
 * <pre>{@code
 * mvn -B -pl streaming-benchmarks -am package -DskipTests
 * java -jar streaming-benchmarks/target/benchmarks.jar AvroSerdeBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s \
 *     -prof gc -prof dev.streamingblocks.benchmarks.avro.ProcessCpuTimeProfiler
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AvroSerdeBenchmark {

    static final String TOPIC = "orders";
    static final String SUBJECT = TOPIC + "-value";
    static final String ORDER_SCHEMA = Order.getClassSchema().toString();

    /** The seed article's example order. */
    static Order articleOrder() {
        return Order.newBuilder()
                .setOrderId("ord-123")
                .setUserId("user-456")
                .setProductId("prod-789")
                .setQuantity(2)
                .setPrice(49.99)
                .setTimestamp(1707235200000L)
                .build();
    }

    static GenericRecord articleOrderGeneric() {
        Order order = articleOrder();
        GenericData.Record record = new GenericData.Record(Order.getClassSchema());
        for (Schema.Field field : Order.getClassSchema().getFields()) {
            record.put(field.pos(), order.get(field.pos()));
        }
        return record;
    }

    static Map<String, Object> articleOrderFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("order_id", "ord-123");
        fields.put("user_id", "user-456");
        fields.put("product_id", "prod-789");
        fields.put("quantity", 2);
        fields.put("price", 49.99);
        fields.put("timestamp", 1707235200000L);
        return fields;
    }

    /** Plain Avro with everything reusable reused. */
    @State(Scope.Thread)
    public static class RawAvro {
        final Order order = articleOrder();
        final SpecificDatumWriter<Order> writer = new SpecificDatumWriter<>(Order.class);
        final SpecificDatumReader<Order> reader = new SpecificDatumReader<>(Order.class);
        final GrowableBuffer buffer = new GrowableBuffer(128);
        // bound to the one buffer for good: re-obtaining it per record would allocate a sink each time
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer, null);
        BinaryDecoder decoder;
        byte[] encoded;

        @Setup
        public void encodeOnce() throws IOException {
            encoded = encode();
            requireSame(order, decode(), "raw Avro");
        }

        byte[] encode() throws IOException {
            buffer.reset();
            writer.write(order, encoder);
            encoder.flush();
            return buffer.toByteArray();
        }

        Order decode() throws IOException {
            decoder = DecoderFactory.get().binaryDecoder(encoded, decoder);
            return reader.read(null, decoder);
        }
    }

    /** The registry both registry-backed variants use, and the peer's class loader. */
    @State(Scope.Benchmark)
    public static class Infrastructure {
        EmbeddedSchemaRegistry registry;
        ConfluentPeer peer;

        @Setup(Level.Trial)
        public void start() {
            registry = EmbeddedSchemaRegistry.builder().build();
            registry.start();
            peer = ConfluentPeer.load();
        }

        @TearDown(Level.Trial)
        public void stop() {
            peer.close();
            registry.close();
        }
    }

    /** Our serdes, warm. */
    @State(Scope.Thread)
    public static class Ours {
        final Order order = articleOrder();
        AvroRegistrySerializationSchema<Order> serializer;
        AvroRegistryDeserializationSchema<Order> deserializer;
        byte[] encoded;
        private Infrastructure infrastructure;
        private long requestsWhenWarm;

        @Setup(Level.Trial)
        public void warm(Infrastructure infrastructure) throws IOException {
            this.infrastructure = infrastructure;
            Map<String, Object> config =
                    Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, infrastructure.registry.url());
            serializer = AvroRegistrySerializationSchema.forSpecific(Order.class, TOPIC, config);
            deserializer = AvroRegistryDeserializationSchema.forSpecific(Order.class, config);
            serializer.open(null);
            deserializer.open(null);
            encoded = serializer.serialize(order);
            requireSame(order, deserializer.deserialize(encoded), "our serdes");
            requestsWhenWarm = infrastructure.registry.requestCount();
        }

        @TearDown(Level.Trial)
        public void requireNoHttpWhileMeasured() {
            requireNoRequestsSince(infrastructure, requestsWhenWarm, "our serdes");
            serializer.close();
            deserializer.close();
        }
    }

    /** Our serdes on GenericRecords: the like-for-like comparison with the peer. */
    @State(Scope.Thread)
    public static class OursGeneric {
        final GenericRecord record = articleOrderGeneric();
        AvroRegistrySerializationSchema<GenericRecord> serializer;
        AvroRegistryDeserializationSchema<GenericRecord> deserializer;
        byte[] encoded;
        private Infrastructure infrastructure;
        private long requestsWhenWarm;

        @Setup(Level.Trial)
        public void warm(Infrastructure infrastructure) throws IOException {
            this.infrastructure = infrastructure;
            Map<String, Object> config =
                    Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, infrastructure.registry.url());
            serializer = AvroRegistrySerializationSchema.forGeneric(Order.getClassSchema(), TOPIC, config);
            deserializer = AvroRegistryDeserializationSchema.forGeneric(Order.getClassSchema(), config);
            serializer.open(null);
            deserializer.open(null);
            encoded = serializer.serialize(record);
            requireSame(record, deserializer.deserialize(encoded), "our generic serdes");
            requestsWhenWarm = infrastructure.registry.requestCount();
        }

        @TearDown(Level.Trial)
        public void requireNoHttpWhileMeasured() {
            requireNoRequestsSince(infrastructure, requestsWhenWarm, "our generic serdes");
            serializer.close();
            deserializer.close();
        }
    }

    /** Flink's Confluent-registry schemas, warm. */
    @State(Scope.Thread)
    public static class Peer {
        Object record;
        SerializationSchema<Object> serializer;
        DeserializationSchema<Object> deserializer;
        byte[] encoded;
        private Infrastructure infrastructure;
        private long requestsWhenWarm;

        @Setup(Level.Trial)
        public void warm(Infrastructure infrastructure) throws IOException {
            this.infrastructure = infrastructure;
            ConfluentPeer peer = infrastructure.peer;
            String url = infrastructure.registry.url();
            record = peer.newRecord(ORDER_SCHEMA, articleOrderFields());
            serializer = peer.serializer(SUBJECT, ORDER_SCHEMA, url);
            deserializer = peer.deserializer(ORDER_SCHEMA, url);
            encoded = serializer.serialize(record);
            requireSame(articleOrderFields(), peer.fields(deserializer.deserialize(encoded)), "the peer");
            requestsWhenWarm = infrastructure.registry.requestCount();
        }

        @TearDown(Level.Trial)
        public void requireNoHttpWhileMeasured() {
            requireNoRequestsSince(infrastructure, requestsWhenWarm, "the peer");
        }
    }

    @Benchmark
    public byte[] rawEncode(RawAvro raw) throws IOException {
        return raw.encode();
    }

    @Benchmark
    public Order rawDecode(RawAvro raw) throws IOException {
        return raw.decode();
    }

    @Benchmark
    public byte[] oursEncode(Ours ours) {
        return ours.serializer.serialize(ours.order);
    }

    @Benchmark
    public Order oursDecode(Ours ours) throws IOException {
        return ours.deserializer.deserialize(ours.encoded);
    }

    @Benchmark
    public byte[] oursGenericEncode(OursGeneric ours) {
        return ours.serializer.serialize(ours.record);
    }

    @Benchmark
    public GenericRecord oursGenericDecode(OursGeneric ours) throws IOException {
        return ours.deserializer.deserialize(ours.encoded);
    }

    @Benchmark
    public byte[] peerEncode(Peer peer) {
        return peer.serializer.serialize(peer.record);
    }

    @Benchmark
    public Object peerDecode(Peer peer) throws IOException {
        return peer.deserializer.deserialize(peer.encoded);
    }

    private static void requireSame(Object expected, Object actual, String variant) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(variant + " round trip changed the order: " + actual);
        }
    }

    private static void requireNoRequestsSince(Infrastructure infrastructure, long before, String variant) {
        long during = infrastructure.registry.requestCount() - before;
        if (during != 0) {
            throw new IllegalStateException(
                    variant + " sent " + during + " registry requests while measured: its caches were not warm");
        }
    }
}
