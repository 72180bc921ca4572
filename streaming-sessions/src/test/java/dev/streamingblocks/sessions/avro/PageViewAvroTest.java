package dev.streamingblocks.sessions.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.AvroSerdeException;
import dev.streamingblocks.core.avro.SchemaRegistryClientProvider;
import dev.streamingblocks.core.avro.registry.InMemorySchemaRegistryClient;
import dev.streamingblocks.sessions.MalformedPageViewException;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.PageViewLimits;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.formats.avro.typeutils.AvroSchemaConverter;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.logical.LogicalType;
import org.junit.jupiter.api.Test;

class PageViewAvroTest {

    private static final InMemorySchemaRegistryClient REGISTRY = new InMemorySchemaRegistryClient();
    private static final SchemaRegistryClientProvider PROVIDER = config -> REGISTRY;
    private static final Map<String, String> CONFIG =
            Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://registry.invalid:8081");

    @Test
    void roundTripsThroughTheRegistryWireFormat() throws Exception {
        PageView view = new PageView("alice", "/home", Instant.parse("2026-02-06T12:00:00.250Z"));
        byte[] bytes = new PageViewAvroSerializationSchema("avro-round-trip", CONFIG, PROVIDER).serialize(view);
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(new PageViewAvroDeserializationSchema(CONFIG, PROVIDER).deserialize(bytes))
                .isEqualTo(view);
        assertThat(REGISTRY.getSubjects()).contains("avro-round-trip-value");
    }

    /** Flink SQL's avro-confluent format derives the writer schema from the table's (NOT NULL) row: nullable fields. */
    @Test
    void readsWhatFlinkSqlsAvroConfluentFormatWrites() throws Exception {
        LogicalType table = DataTypes.ROW(
                        DataTypes.FIELD("user_id", DataTypes.STRING()),
                        DataTypes.FIELD("page_url", DataTypes.STRING()),
                        DataTypes.FIELD("view_time", DataTypes.TIMESTAMP(3)))
                .notNull()
                .getLogicalType();
        Schema flinkSchema = AvroSchemaConverter.convertToSchema(table);
        assertThat(flinkSchema.getFullName()).isEqualTo("org.apache.flink.avro.generated.record");

        GenericRecord record = new GenericData.Record(flinkSchema);
        record.put("user_id", "bob");
        record.put("page_url", "/cart");
        record.put("view_time", Instant.parse("2026-02-06T12:30:00Z").toEpochMilli());
        byte[] bytes = AvroRegistrySerializationSchema.forGeneric(flinkSchema, "avro-from-flink-sql", CONFIG, PROVIDER)
                .serialize(record);

        assertThat(new PageViewAvroDeserializationSchema(CONFIG, PROVIDER).deserialize(bytes))
                .isEqualTo(new PageView("bob", "/cart", Instant.parse("2026-02-06T12:30:00Z")));
    }

    @Test
    void nullFieldFailsNamingIt() {
        byte[] bytes = AvroRegistrySerializationSchema.forSpecific(
                        PageViewEvent.class, "avro-null-field", CONFIG, PROVIDER)
                .serialize(new PageViewEvent("alice", "/home", null));
        assertThatThrownBy(() -> new PageViewAvroDeserializationSchema(CONFIG, PROVIDER).deserialize(bytes))
                .isInstanceOf(MalformedPageViewException.class)
                .hasMessage("Page view lacks field 'view_time'");
    }

    /** Issue #9: the same source-edge limits as the JSON reader. */
    @Test
    void anOversizedUserIdFailsNamingTheLimitUnlessItIsRaised() throws Exception {
        String huge = "u".repeat(900_000);
        byte[] bytes = new PageViewAvroSerializationSchema("avro-oversized", CONFIG, PROVIDER)
                .serialize(new PageView(huge, "/home", Instant.parse("2026-02-06T12:00:00Z")));
        assertThatThrownBy(() -> new PageViewAvroDeserializationSchema(CONFIG, PROVIDER).deserialize(bytes))
                .isInstanceOf(MalformedPageViewException.class)
                .hasMessage("Page view field 'user_id' is 900000 characters long, more than the limit of 512"
                        + " (PageViewLimits.maxUserIdLength)");
        assertThat(new PageViewAvroDeserializationSchema(
                                CONFIG, PROVIDER, PageViewLimits.DEFAULTS.withMaxUserIdLength(900_000))
                        .deserialize(bytes)
                        .userId())
                .isEqualTo(huge);
        PageViewLimits shortUrls = PageViewLimits.DEFAULTS.withMaxPageUrlLength(4);
        assertThatThrownBy(() -> new PageViewAvroDeserializationSchema(CONFIG, PROVIDER, shortUrls)
                        .deserialize(new PageViewAvroSerializationSchema("avro-long-url", CONFIG, PROVIDER)
                                .serialize(new PageView("alice", "/home", Instant.EPOCH))))
                .isInstanceOf(MalformedPageViewException.class)
                .hasMessage("Page view field 'page_url' is 5 characters long, more than the limit of 4"
                        + " (PageViewLimits.maxPageUrlLength)");
    }

    @Test
    void garbageFailsWithTheSerdeException() {
        assertThatThrownBy(
                        () -> new PageViewAvroDeserializationSchema(CONFIG, PROVIDER).deserialize(new byte[] {7, 1, 2}))
                .isInstanceOf(AvroSerdeException.class);
    }

    @Test
    void incompleteViewIsRejectedNamingTheFields() {
        assertThatThrownBy(() -> new PageViewAvroSerializationSchema("avro-incomplete", CONFIG, PROVIDER)
                        .serialize(new PageView("alice", null, Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PageView needs userId, pageUrl and viewTime for Avro, but was"
                        + " PageView[userId=alice, pageUrl=null, viewTime=1970-01-01T00:00:00Z]");
    }
}
