package dev.streamingblocks.benchmarks.avro;

import dev.streamingblocks.core.avro.testing.Order;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode and decode of the article's {@code Order}, one record per operation.
 *
 * <pre>{@code
 * mvn -B -pl streaming-benchmarks -am package -DskipTests
 * java -jar streaming-benchmarks/target/benchmarks.jar AvroSerdeBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 *
 * <p>{@code raw*} is the floor: SpecificDatumWriter/Reader with a reused encoder, decoder and
 * buffer, no wire-format header and no registry.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AvroSerdeBenchmark {

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

    /** Plain Avro with everything reusable reused. */
    @State(Scope.Thread)
    public static class RawAvro {
        final Order order = articleOrder();
        final SpecificDatumWriter<Order> writer = new SpecificDatumWriter<>(Order.class);
        final SpecificDatumReader<Order> reader = new SpecificDatumReader<>(Order.class);
        final GrowableBuffer buffer = new GrowableBuffer(128);
        BinaryEncoder encoder;
        BinaryDecoder decoder;
        byte[] encoded;

        @Setup
        public void encodeOnce() throws IOException {
            encoded = encode();
            Order decoded = decode();
            if (!order.equals(decoded)) {
                throw new IllegalStateException("raw Avro round trip changed the order: " + decoded);
            }
        }

        byte[] encode() throws IOException {
            buffer.reset();
            encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
            writer.write(order, encoder);
            encoder.flush();
            return buffer.toByteArray();
        }

        Order decode() throws IOException {
            decoder = DecoderFactory.get().binaryDecoder(encoded, decoder);
            return reader.read(null, decoder);
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
}
