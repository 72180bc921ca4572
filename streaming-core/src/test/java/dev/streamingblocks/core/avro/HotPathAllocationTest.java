package dev.streamingblocks.core.avro;

import static dev.streamingblocks.core.avro.testutils.TestOrders.order;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.registry.InMemorySchemaRegistryClient;
import dev.streamingblocks.core.avro.testing.Order;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The serdes allocate no more per record than raw Avro with a reused encoder/decoder does: the
 * header, caches and reused state must cost nothing per record once warm. Measured with the
 * JVM's per-thread allocation counter, which does not depend on machine load.
 */
class HotPathAllocationTest {

    private static final int WARM_UP = 30_000;
    private static final int MEASURED = 20_000;
    /** Slack per record for counter granularity; far below one extra object (16+ bytes). */
    private static final double SLACK_BYTES_PER_RECORD = 4.0;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final Map<String, String> config =
            Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://unused.invalid");
    private final Order order = order(123);

    @Test
    void decodingAllocatesNoMoreThanRawAvro() throws Exception {
        AvroRegistryDeserializationSchema<Order> ours =
                AvroRegistryDeserializationSchema.forSpecific(Order.class, config, c -> registry);
        byte[] framed = AvroRegistrySerializationSchema.forSpecific(Order.class, "orders", config, c -> registry)
                .serialize(order);
        byte[] body = Arrays.copyOfRange(framed, 5, framed.length);
        RawAvro raw = new RawAvro();

        double rawBytes = bytesPerRecord(() -> raw.decode(body));
        double ourBytes = bytesPerRecord(() -> ours.deserialize(framed));

        assertThat(ourBytes)
                .as("bytes allocated per decoded record: ours %.1f, raw Avro %.1f", ourBytes, rawBytes)
                .isLessThanOrEqualTo(rawBytes + SLACK_BYTES_PER_RECORD);
    }

    @Test
    void encodingAllocatesNoMoreThanRawAvro() throws Exception {
        AvroRegistrySerializationSchema<Order> ours =
                AvroRegistrySerializationSchema.forSpecific(Order.class, "orders", config, c -> registry);
        RawAvro raw = new RawAvro();

        double rawBytes = bytesPerRecord(() -> raw.encode(order));
        double ourBytes = bytesPerRecord(() -> ours.serialize(order));

        // Our result carries the 5-byte header: the same array rounded up to 8 bytes, at most 8 more.
        assertThat(ourBytes)
                .as("bytes allocated per encoded record: ours %.1f, raw Avro %.1f", ourBytes, rawBytes)
                .isLessThanOrEqualTo(rawBytes + 8 + SLACK_BYTES_PER_RECORD);
    }

    private static double bytesPerRecord(Work work) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < WARM_UP; i++) {
            sink += work.run() == null ? 0 : 1;
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < MEASURED; i++) {
            sink += work.run() == null ? 0 : 1;
        }
        long after = threads.getCurrentThreadAllocatedBytes();
        assertThat(sink).isEqualTo(WARM_UP + MEASURED);
        return (after - before) / (double) MEASURED;
    }

    @FunctionalInterface
    private interface Work {
        Object run() throws Exception;
    }

    /** The floor: Avro with a reused encoder, decoder and buffer, no registry. */
    private static final class RawAvro {
        final SpecificDatumWriter<Order> writer = new SpecificDatumWriter<>(Order.class);
        final SpecificDatumReader<Order> reader = new SpecificDatumReader<>(Order.class);
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        BinaryEncoder encoder;
        BinaryDecoder decoder;

        byte[] encode(Order order) throws IOException {
            buffer.reset();
            encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
            writer.write(order, encoder);
            encoder.flush();
            return buffer.toByteArray();
        }

        Order decode(byte[] body) throws IOException {
            decoder = DecoderFactory.get().binaryDecoder(body, decoder);
            return reader.read(null, decoder);
        }
    }
}
