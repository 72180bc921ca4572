package dev.streamingblocks.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Reads Debezium's JSON change-event envelope (what Flink SQL's {@code debezium-json} format reads)
 * into typed {@link ChangeRecord}s, for {@code TypedKafkaSource}, whose failure policy then handles
 * a malformed envelope (dead letter, skip or fail).
 *
 * <pre>{@code
 * KafkaSourceStreams<ChangeRecord<Product>> changes = TypedKafkaSource.<ChangeRecord<Product>>builder()
 *         .setName("products-cdc").setBootstrapServers(bootstrap).setTopics("products-cdc").setGroupId("enrich")
 *         .setValueDeserializer(DebeziumJsonDeserializationSchema.of(Product.TYPE_INFO, Product::fromRow))
 *         .setWatermarkStrategy(ChangeRecords.watermarks(Duration.ZERO))
 *         .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER).setDeadLetterTopic("products-cdc-dlq")
 *         .build().attach(env);
 * }</pre>
 *
 * <p>One envelope gives: {@code op} {@code c} or {@code r} one {@link ChangeKind#INSERT} of
 * {@code after}; {@code u} an {@link ChangeKind#UPDATE_BEFORE} of {@code before} (only when the
 * envelope has it: PostgreSQL sends the old row only with {@code REPLICA IDENTITY FULL}) and an
 * {@link ChangeKind#UPDATE_AFTER} of {@code after}; {@code d} one {@link ChangeKind#DELETE} of
 * {@code before}. Each carries {@code source.ts_ms}, {@code source.lsn} and the snapshot flag.
 * Envelopes with schemas ({@code {"schema":...,"payload":...}}) are read too.
 *
 * <p>A tombstone (a {@code null} value, which Debezium writes after each delete so that a compacted
 * topic can drop the key) gives nothing and is counted in {@value #TOMBSTONES_METRIC}. Anything else
 * that is not such an envelope (not JSON, no or an unknown {@code op}, a missing row image or
 * {@code source.ts_ms}, a row the {@link RowMapper} rejects, a truncate or message event) throws a
 * {@link MalformedChangeEventException} naming the field.
 */
public final class DebeziumJsonDeserializationSchema<T> implements DeserializationSchema<ChangeRecord<T>> {

    private static final long serialVersionUID = 1L;

    /** The counter, on the source operator, of tombstones read (and skipped). */
    public static final String TOMBSTONES_METRIC = "cdcTombstones";

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private final TypeInformation<T> rowType;
    private final RowMapper<T> rowMapper;

    private transient Counter tombstones;

    private DebeziumJsonDeserializationSchema(TypeInformation<T> rowType, RowMapper<T> rowMapper) {
        this.rowType = Objects.requireNonNull(rowType, "rowType must not be null");
        this.rowMapper = Objects.requireNonNull(rowMapper, "rowMapper must not be null");
    }

    /** Change records of rows of {@code rowType}, each row image mapped by {@code rowMapper}. */
    public static <T> DebeziumJsonDeserializationSchema<T> of(TypeInformation<T> rowType, RowMapper<T> rowMapper) {
        return new DebeziumJsonDeserializationSchema<>(rowType, rowMapper);
    }

    @Override
    public void open(InitializationContext context) {
        tombstones = context.getMetricGroup().counter(TOMBSTONES_METRIC);
    }

    @Override
    public ChangeRecord<T> deserialize(byte[] message) throws IOException {
        throw new UnsupportedOperationException("An envelope may give two records: use deserialize(byte[], Collector)");
    }

    @Override
    public void deserialize(byte[] message, Collector<ChangeRecord<T>> out) throws IOException {
        if (message == null || message.length == 0) {
            if (tombstones != null) {
                tombstones.inc();
            }
            return;
        }
        JsonNode envelope;
        try {
            envelope = MAPPER.readTree(message);
        } catch (JsonProcessingException e) {
            throw new MalformedChangeEventException(
                    "not a Debezium change event: the value is not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (envelope == null || !envelope.isObject()) {
            throw new MalformedChangeEventException("not a Debezium change event: the value is no JSON object");
        }
        if (envelope.has("payload") && envelope.has("schema")) {
            envelope = envelope.get("payload");
        }
        JsonNode op = envelope.get("op");
        if (op == null || !op.isTextual()) {
            throw new MalformedChangeEventException("not a Debezium change event: 'op' is missing or not text");
        }
        JsonNode source = envelope.get("source");
        if (source == null || !source.isObject()) {
            throw new MalformedChangeEventException(
                    "'source' is missing or not an object (op '" + op.textValue() + "')");
        }
        JsonNode tsMs = source.get("ts_ms");
        if (tsMs == null || !tsMs.isIntegralNumber()) {
            throw new MalformedChangeEventException("'source.ts_ms' is missing or not an integer");
        }
        Instant sourceTimestamp = Instant.ofEpochMilli(tsMs.longValue());
        JsonNode lsnNode = source.get("lsn");
        long lsn = lsnNode != null && lsnNode.isIntegralNumber() ? lsnNode.longValue() : ChangeRecord.NO_LSN;
        JsonNode snapshotNode = source.get("snapshot");
        boolean snapshot = snapshotNode != null
                && snapshotNode.isTextual()
                && !snapshotNode.textValue().equals("false");
        switch (op.textValue()) {
            case "c" -> out.collect(record(ChangeKind.INSERT, envelope, "after", sourceTimestamp, lsn, snapshot));
            case "r" -> out.collect(record(ChangeKind.INSERT, envelope, "after", sourceTimestamp, lsn, true));
            case "u" -> {
                ChangeRecord<T> after =
                        record(ChangeKind.UPDATE_AFTER, envelope, "after", sourceTimestamp, lsn, snapshot);
                JsonNode before = envelope.get("before");
                if (before != null && !before.isNull()) {
                    out.collect(record(ChangeKind.UPDATE_BEFORE, envelope, "before", sourceTimestamp, lsn, snapshot));
                }
                out.collect(after);
            }
            case "d" -> out.collect(record(ChangeKind.DELETE, envelope, "before", sourceTimestamp, lsn, snapshot));
            default ->
                throw new MalformedChangeEventException(
                        "'op' must be one of c, r, u, d, but was '" + abbreviate(op.textValue()) + "'");
        }
    }

    private ChangeRecord<T> record(
            ChangeKind kind, JsonNode envelope, String image, Instant sourceTimestamp, long lsn, boolean snapshot)
            throws MalformedChangeEventException {
        JsonNode row = envelope.get(image);
        if (row == null || !row.isObject()) {
            throw new MalformedChangeEventException("'" + image + "' is missing or not an object (op '"
                    + envelope.get("op").textValue() + "')");
        }
        T mapped;
        try {
            mapped = rowMapper.map(new ChangeRow(row, image));
        } catch (MalformedChangeEventException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MalformedChangeEventException("the row mapper failed on '" + image + "': " + e, e);
        }
        if (mapped == null) {
            throw new MalformedChangeEventException("the row mapper returned null for '" + image + "'");
        }
        return new ChangeRecord<>(kind, mapped, sourceTimestamp, lsn, snapshot);
    }

    private static String abbreviate(String text) {
        return text.length() > 16 ? text.substring(0, 16) + "..." : text;
    }

    @Override
    public boolean isEndOfStream(ChangeRecord<T> nextElement) {
        return false;
    }

    @Override
    public TypeInformation<ChangeRecord<T>> getProducedType() {
        return ChangeRecord.typeInfo(rowType);
    }
}
