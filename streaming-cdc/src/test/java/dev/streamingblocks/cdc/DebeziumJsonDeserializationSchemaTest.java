package dev.streamingblocks.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Envelopes as Debezium 3.6's PostgreSQL connector writes them with the JSON converter, schemas disabled. */
class DebeziumJsonDeserializationSchemaTest {

    static final String SOURCE =
            "\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\",\"name\":\"shop\","
                    + "\"ts_ms\":1770379260000,\"snapshot\":\"false\",\"db\":\"analytics\",\"schema\":\"public\","
                    + "\"table\":\"products\",\"txId\":771,\"lsn\":24023128,\"xmin\":null}";
    static final String WIDGET_10 =
            "{\"id\":\"prod-1\",\"name\":\"Widget\",\"price\":\"10.00\"," + "\"updated_at\":\"2026-02-06T12:00:00Z\"}";
    static final String WIDGET_12 =
            "{\"id\":\"prod-1\",\"name\":\"Widget\",\"price\":\"12.50\"," + "\"updated_at\":\"2026-02-06T12:01:00Z\"}";
    static final Instant COMMITTED = Instant.ofEpochMilli(1770379260000L);

    final DebeziumJsonDeserializationSchema<Product> schema =
            DebeziumJsonDeserializationSchema.of(Product.TYPE_INFO, Product::fromRow);

    static Product widget(String price, String updatedAt) {
        return new Product("prod-1", "Widget", new BigDecimal(price), Instant.parse(updatedAt));
    }

    @Test
    void insertGivesOneInsertOfTheNewRow() throws Exception {
        assertThat(read("{\"before\":null,\"after\":" + WIDGET_10 + "," + SOURCE + ",\"op\":\"c\",\"ts_ms\":1}"))
                .containsExactly(new ChangeRecord<>(
                        ChangeKind.INSERT, widget("10.00", "2026-02-06T12:00:00Z"), COMMITTED, 24023128L, false));
    }

    @Test
    void snapshotReadIsAnInsertMarkedAsSnapshot() throws Exception {
        String source = SOURCE.replace("\"snapshot\":\"false\"", "\"snapshot\":\"last\"");
        assertThat(read("{\"before\":null,\"after\":" + WIDGET_10 + "," + source + ",\"op\":\"r\"}"))
                .containsExactly(new ChangeRecord<>(
                        ChangeKind.INSERT, widget("10.00", "2026-02-06T12:00:00Z"), COMMITTED, 24023128L, true));
    }

    @Test
    void updateWithTheOldRowGivesUpdateBeforeThenUpdateAfter() throws Exception {
        assertThat(read("{\"before\":" + WIDGET_10 + ",\"after\":" + WIDGET_12 + "," + SOURCE + ",\"op\":\"u\"}"))
                .containsExactly(
                        new ChangeRecord<>(
                                ChangeKind.UPDATE_BEFORE,
                                widget("10.00", "2026-02-06T12:00:00Z"),
                                COMMITTED,
                                24023128L,
                                false),
                        new ChangeRecord<>(
                                ChangeKind.UPDATE_AFTER,
                                widget("12.50", "2026-02-06T12:01:00Z"),
                                COMMITTED,
                                24023128L,
                                false));
    }

    @Test
    void updateWithoutTheOldRowGivesOnlyTheUpdateAfter() throws Exception {
        assertThat(read("{\"before\":null,\"after\":" + WIDGET_12 + "," + SOURCE + ",\"op\":\"u\"}"))
                .containsExactly(new ChangeRecord<>(
                        ChangeKind.UPDATE_AFTER, widget("12.50", "2026-02-06T12:01:00Z"), COMMITTED, 24023128L, false));
    }

    @Test
    void deleteGivesADeleteOfTheOldRowAndTheSchemaEnvelopeIsReadToo() throws Exception {
        assertThat(read("{\"schema\":{\"type\":\"struct\"},\"payload\":{\"before\":" + WIDGET_12 + ",\"after\":null,"
                        + SOURCE + ",\"op\":\"d\"}}"))
                .containsExactly(new ChangeRecord<>(
                        ChangeKind.DELETE, widget("12.50", "2026-02-06T12:01:00Z"), COMMITTED, 24023128L, false));
    }

    @Test
    void tombstoneGivesNothing() throws Exception {
        List<ChangeRecord<Product>> out = new ArrayList<>();
        schema.deserialize(null, collector(out));
        schema.deserialize(new byte[0], collector(out));
        assertThat(out).isEmpty();
    }

    @Test
    void envelopeWithoutLsnHasNoLsn() throws Exception {
        String source = SOURCE.replace("\"lsn\":24023128,", "");
        assertThat(read("{\"after\":" + WIDGET_10 + "," + source + ",\"op\":\"c\"}"))
                .extracting(ChangeRecord::lsn)
                .containsExactly(ChangeRecord.NO_LSN);
    }

    @Test
    void malformedEnvelopesNameWhatIsWrong() {
        assertMalformed("{\"after\":", "not a Debezium change event: the value is not JSON (Unexpected end-of-input");
        assertMalformed("[1,2]", "not a Debezium change event: the value is no JSON object");
        assertMalformed(
                "{\"after\":" + WIDGET_10 + "," + SOURCE + "}",
                "not a Debezium change event: 'op' is missing or not text");
        assertMalformed("{\"after\":" + WIDGET_10 + ",\"op\":\"c\"}", "'source' is missing or not an object (op 'c')");
        assertMalformed(
                "{\"after\":" + WIDGET_10 + ",\"source\":{\"lsn\":1},\"op\":\"c\"}",
                "'source.ts_ms' is missing or not an integer");
        assertMalformed(
                "{\"after\":" + WIDGET_10 + "," + SOURCE + ",\"op\":\"t\"}",
                "'op' must be one of c, r, u, d, but was 't'");
        assertMalformed(
                "{\"before\":null," + SOURCE + ",\"op\":\"d\"}", "'before' is missing or not an object (op 'd')");
        assertMalformed(
                "{\"after\":" + WIDGET_10.replace("\"10.00\"", "\"ten\"") + "," + SOURCE + ",\"op\":\"c\"}",
                "'after.price' must be a decimal, but was \"ten\"");
        assertMalformed(
                "{\"after\":" + WIDGET_10.replace("\"name\":\"Widget\",", "") + "," + SOURCE + ",\"op\":\"c\"}",
                "'after.name' is missing or null");
        assertMalformed(
                "{\"after\":" + WIDGET_10.replace("2026-02-06T12:00:00Z", "yesterday") + "," + SOURCE
                        + ",\"op\":\"c\"}",
                "'after.updated_at' must be an ISO-8601 instant, but was \"yesterday\"");
    }

    @Test
    void producedTypeIsAPojoThatRoundTripsWithoutKryo() throws Exception {
        TypeInformation<ChangeRecord<Product>> type = schema.getProducedType();
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<ChangeRecord<Product>> serializer = type.createSerializer(config);
        ChangeRecord<Product> change = new ChangeRecord<>(
                ChangeKind.DELETE, widget("12.50", "2026-02-06T12:01:00Z"), COMMITTED, 24023128L, true);
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(change, out);
        assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                .isEqualTo(change);
    }

    private void assertMalformed(String json, String messageStart) {
        assertThatThrownBy(() -> read(json))
                .isInstanceOf(MalformedChangeEventException.class)
                .message()
                .startsWith(messageStart);
    }

    private List<ChangeRecord<Product>> read(String json) throws Exception {
        List<ChangeRecord<Product>> out = new ArrayList<>();
        schema.deserialize(json.getBytes(StandardCharsets.UTF_8), collector(out));
        return out;
    }

    static <T> Collector<T> collector(List<T> out) {
        return new Collector<>() {
            @Override
            public void collect(T record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
