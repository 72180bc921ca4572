package dev.streamingblocks.fraud.internal;

import dev.streamingblocks.core.avro.TombstoneException;
import dev.streamingblocks.core.avro.internal.BoundedDecoder;
import dev.streamingblocks.fraud.MalformedFraudRecordException;
import java.io.IOException;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Plain Avro binary (no registry header) into a generated class, strictly: unlike Flink's
 * {@code AvroDeserializationSchema}, which returns nothing for a tombstone (so the record vanishes
 * without a trace) and ignores bytes after the record, it fails on a {@code null} or empty value,
 * on truncated data, on a string that is not valid UTF-8 and on trailing bytes, naming the record type.
 */
public final class PlainAvroDeserializationSchema<T extends SpecificRecordBase> implements DeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;

    private transient SpecificDatumReader<T> reader;
    private transient BoundedDecoder bounded;

    public PlainAvroDeserializationSchema(Class<T> type) {
        this.type = type;
    }

    @Override
    public T deserialize(byte[] message) throws IOException {
        String name = type.getSimpleName();
        if (message == null) {
            throw new TombstoneException(name + " record has no value (a tombstone)");
        }
        if (message.length == 0) {
            throw new MalformedFraudRecordException(name + " record value is empty (0 bytes)");
        }
        if (reader == null) {
            reader = new SpecificDatumReader<>(type);
            bounded = new BoundedDecoder();
        }
        T record;
        int left;
        try {
            // Bounded: no allocation beyond the value's size, and strings must be valid UTF-8.
            record = reader.read(null, bounded.reset(message, 0, message.length));
            left = bounded.remaining();
        } catch (IOException | RuntimeException e) {
            throw new MalformedFraudRecordException(
                    name + " record value (" + message.length + " bytes) is not plain Avro binary of its schema: " + e,
                    e);
        }
        if (left != 0) {
            throw new MalformedFraudRecordException(name + " record value (" + message.length + " bytes) has " + left
                    + " bytes left after the record: not plain Avro binary of its schema");
        }
        return record;
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return new AvroTypeInfo<>(type);
    }
}
