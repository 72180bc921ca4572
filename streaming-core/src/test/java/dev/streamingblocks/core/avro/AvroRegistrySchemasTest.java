package dev.streamingblocks.core.avro;

import static dev.streamingblocks.core.avro.testutils.TestOrders.ORDER_NO_DEFAULT;
import static dev.streamingblocks.core.avro.testutils.TestOrders.ORDER_V2;
import static dev.streamingblocks.core.avro.testutils.TestOrders.genericV1;
import static dev.streamingblocks.core.avro.testutils.TestOrders.genericV2;
import static dev.streamingblocks.core.avro.testutils.TestOrders.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.registry.IncompatibleSchemaException;
import dev.streamingblocks.core.avro.registry.SchemaNotFoundException;
import dev.streamingblocks.core.avro.registry.SubjectNotFoundException;
import dev.streamingblocks.core.avro.testing.Order;
import dev.streamingblocks.core.avro.testutils.CountingRegistryClient;
import dev.streamingblocks.core.avro.testutils.SharedRegistries;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The Flink serialization and deserialization schemas against an in-memory registry. */
class AvroRegistrySchemasTest {

    private static final String TOPIC = "orders";
    private static final String SUBJECT = "orders-value";
    private static final String ORDER_NAME = "dev.streamingblocks.core.avro.testing.Order";

    private final Map<String, Object> config = new HashMap<>();
    private String registryName;
    private CountingRegistryClient registry;

    @BeforeEach
    void setUp(TestInfo info) {
        registryName = getClass().getName() + "#" + info.getDisplayName();
        registry = SharedRegistries.create(registryName);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://registry.invalid:8081");
    }

    private AvroRegistrySerializationSchema<Order> specificWriter() {
        return AvroRegistrySerializationSchema.forSpecific(
                Order.class, TOPIC, config, SharedRegistries.provider(registryName));
    }

    private AvroRegistryDeserializationSchema<Order> specificReader() {
        return AvroRegistryDeserializationSchema.forSpecific(
                Order.class, config, SharedRegistries.provider(registryName));
    }

    private AvroRegistryDeserializationSchema<GenericRecord> genericReader(org.apache.avro.Schema reader) {
        return AvroRegistryDeserializationSchema.forGeneric(reader, config, SharedRegistries.provider(registryName));
    }

    private AvroRegistrySerializationSchema<GenericRecord> genericWriter(org.apache.avro.Schema schema) {
        return AvroRegistrySerializationSchema.forGeneric(
                schema, TOPIC, config, SharedRegistries.provider(registryName));
    }

    @Test
    void specificRoundTripWritesTheWireFormatAndReadsBackEqualRecords() throws Exception {
        AvroRegistrySerializationSchema<Order> writer = specificWriter();
        AvroRegistryDeserializationSchema<Order> reader = specificReader();

        byte[] bytes = writer.serialize(order(1));

        int id = registry.getLatestVersion(SUBJECT).id();
        assertThat(id).isEqualTo(1);
        assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0, 0, 0, 0, 1);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(rawAvro(order(1)));
        assertThat(reader.deserialize(bytes)).isEqualTo(order(1));
    }

    @Test
    void genericRoundTripReadsTheSameFieldValues() throws Exception {
        AvroRegistrySerializationSchema<GenericRecord> writer = genericWriter(Order.getClassSchema());
        AvroRegistryDeserializationSchema<GenericRecord> reader = genericReader(Order.getClassSchema());

        GenericRecord back = reader.deserialize(writer.serialize(genericV1(3)));

        assertThat(back).isEqualTo(genericV1(3));
        assertThat(back.get("order_id").toString()).isEqualTo("ord-3");
        assertThat(back.get("quantity")).isEqualTo(4);
        assertThat(back.get("price")).isEqualTo(52.99);
    }

    @Test
    void idsAndWriterSchemasAreFetchedOnceAcrossManyRecords() throws Exception {
        AvroRegistrySerializationSchema<Order> writer = specificWriter();
        AvroRegistryDeserializationSchema<Order> reader = specificReader();
        writer.open(null);
        reader.open(null);

        for (int i = 0; i < 500; i++) {
            assertThat(reader.deserialize(writer.serialize(order(i)))).isEqualTo(order(i));
        }

        assertThat(registry.registerCalls.get()).isEqualTo(1);
        assertThat(registry.byIdCalls.get()).isEqualTo(1);
    }

    @Test
    void newerWriterWithAnAddedDefaultFieldIsReadByTheOlderSpecificReader() throws Exception {
        specificWriter().serialize(order(0)); // v1 is version 1 of the subject
        byte[] v2Bytes = genericWriter(ORDER_V2).serialize(genericV2(5, "USD"));

        Order read = specificReader().deserialize(v2Bytes);

        assertThat(registry.getVersions(SUBJECT)).containsExactly(1, 2);
        assertThat(read).isEqualTo(order(5));
    }

    @Test
    void olderWriterIsReadByTheNewerReaderWithTheNewFieldsDefault() throws Exception {
        byte[] v1Bytes = specificWriter().serialize(order(7));

        GenericRecord read = genericReader(ORDER_V2).deserialize(v1Bytes);

        assertThat(read.getSchema()).isEqualTo(ORDER_V2);
        assertThat(read.get("order_id").toString()).isEqualTo("ord-7");
        assertThat(read.get("timestamp")).isEqualTo(1707235200007L);
        assertThat(read.get("currency").toString()).isEqualTo("EUR");
    }

    @Test
    void oneReaderDecodesInterleavedWriterVersions() throws Exception {
        byte[] v1 = specificWriter().serialize(order(1));
        byte[] v2 = genericWriter(ORDER_V2).serialize(genericV2(2, "USD"));
        AvroRegistryDeserializationSchema<GenericRecord> reader = genericReader(ORDER_V2);

        for (int round = 0; round < 3; round++) {
            assertThat(reader.deserialize(v1).get("currency").toString()).isEqualTo("EUR");
            assertThat(reader.deserialize(v2).get("currency").toString()).isEqualTo("USD");
        }
        assertThat(registry.byIdCalls.get()).isEqualTo(2);
    }

    @Test
    void withoutAutoRegistrationTheSchemaIsLookedUp() throws Exception {
        int id = registry.register(SUBJECT, Order.getClassSchema());
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");

        byte[] bytes = specificWriter().serialize(order(1));

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(registry.registerCalls.get()).isEqualTo(1); // only the test's own call
        assertThat(registry.lookupCalls.get()).isEqualTo(1);
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaFailsNamingTheSubject() {
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);

        assertThatThrownBy(() -> specificWriter().serialize(order(1)))
                .isInstanceOf(SubjectNotFoundException.class)
                .hasMessage("Schema registry has no subject 'orders-value' (topic 'orders')");
    }

    @Test
    void useLatestVersionWritesWithTheLatestId() throws Exception {
        registry.register(SUBJECT, Order.getClassSchema());
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        config.put(AvroSerdeConfig.USE_LATEST_VERSION, true);

        byte[] bytes = specificWriter().serialize(order(1));

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(1);
        assertThat(registry.latestCalls.get()).isEqualTo(1);
        assertThat(registry.lookupCalls.get()).isZero();
    }

    @Test
    void useLatestVersionRefusesALatestSchemaThatIsNotTheRecords() {
        registry.register(SUBJECT, Order.getClassSchema());
        registry.register(SUBJECT, ORDER_V2);
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        config.put(AvroSerdeConfig.USE_LATEST_VERSION, true);

        assertThatThrownBy(() -> specificWriter().serialize(order(1)))
                .isExactlyInstanceOf(AvroSerdeException.class)
                .hasMessage("use.latest.version: the latest version 2 (schema id 2) of subject 'orders-value' is"
                        + " not the record's schema "
                        + ORDER_NAME
                        + "; register the record's schema or turn on auto.register.schemas"
                        + " (topic 'orders')");
    }

    @Test
    void incompatibleSchemaOnRegistrationNamesTheSubject() throws Exception {
        specificWriter().serialize(order(1));

        assertThatThrownBy(() -> genericWriter(ORDER_NO_DEFAULT).serialize(genericV1(1)))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageStartingWith("Schema registry rejected the schema for subject 'orders-value' as incompatible"
                        + " under compatibility level BACKWARD")
                .hasMessageEndingWith("(topic 'orders')");
    }

    @Test
    void keysUseTheKeySubject() throws Exception {
        specificWriter().forKeys().serialize(order(1));

        assertThat(registry.getSubjects()).containsExactly("orders-key");
    }

    @Test
    void recordNameStrategyGivenByConfluentClassNameNamesTheSubjectAfterTheRecord() throws Exception {
        config.put(
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.RecordNameStrategy");

        specificWriter().serialize(order(1));

        assertThat(registry.getSubjects()).containsExactly(ORDER_NAME);
    }

    @Test
    void wrongMagicByteNamesTheByteAndTheRecordCoordinates() {
        byte[] bytes = {7, 0, 0, 0, 1, 2, 3};

        assertThatThrownBy(() -> specificReader().deserialize(bytes, "orders", 2, 42L))
                .isInstanceOf(InvalidWireFormatException.class)
                .hasMessage("Unknown magic byte 0x07 in Avro record: expected 0x00 (Confluent wire format)"
                        + " (topic 'orders', partition 2, offset 42)");
    }

    @Test
    void fewerThanFiveBytesIsAnInvalidWireFormat() {
        assertThatThrownBy(() -> specificReader().deserialize(new byte[] {0, 0, 1}))
                .isInstanceOf(InvalidWireFormatException.class)
                .hasMessage("Avro record has 3 byte(s), fewer than the 5 bytes of the Confluent wire-format header"
                        + " (magic byte 0 and a 4-byte schema id)");
        assertThatThrownBy(() -> specificReader().deserialize(new byte[0]))
                .isInstanceOf(InvalidWireFormatException.class)
                .hasMessageStartingWith("Avro record has 0 byte(s), fewer than the 5 bytes");
    }

    @Test
    void truncatedBodyIsMalformedNamingTheWriterSchemaId() throws Exception {
        byte[] good = specificWriter().serialize(order(1));
        byte[] truncated = Arrays.copyOf(good, good.length - 10);

        assertThatThrownBy(() -> specificReader().deserialize(truncated, "orders", 0, 9L))
                .isInstanceOf(MalformedAvroDataException.class)
                .hasMessage("Avro record with writer schema id 1 could not be decoded: the body ends early"
                        + " (truncated) (topic 'orders', partition 0, offset 9)")
                .satisfies(e ->
                        assertThat(((MalformedAvroDataException) e).schemaId()).isEqualTo(1));
    }

    @Test
    void trailingBytesAfterTheRecordAreMalformed() throws Exception {
        byte[] good = specificWriter().serialize(order(1));
        byte[] longer = Arrays.copyOf(good, good.length + 2);

        assertThatThrownBy(() -> specificReader().deserialize(longer))
                .isInstanceOf(MalformedAvroDataException.class)
                .hasMessage("Avro record with writer schema id 1 could not be decoded: 2 byte(s) left after the"
                        + " record (not written with this schema?)");
    }

    @Test
    void unknownSchemaIdIsTheRegistrysSchemaNotFound() {
        byte[] bytes = {0, 0, 0, 0, 99, 2, 3};

        assertThatThrownBy(() -> specificReader().deserialize(bytes, "orders", 1, 5L))
                .isInstanceOf(SchemaNotFoundException.class)
                .hasMessage("Schema registry has no schema with id 99 (topic 'orders', partition 1, offset 5)");
    }

    @Test
    void aReaderThatCannotReadTheWriterSchemaNamesBoth() throws Exception {
        byte[] v1 = specificWriter().serialize(order(1));

        assertThatThrownBy(() -> genericReader(ORDER_NO_DEFAULT).deserialize(v1))
                .isInstanceOf(IncompatibleReaderSchemaException.class)
                .hasMessage("Reader schema "
                        + ORDER_NAME
                        + " cannot read data written with schema id 1 ("
                        + ORDER_NAME
                        + "): READER_FIELD_MISSING_DEFAULT_VALUE at /fields/6: channel");
    }

    @Test
    void anIncompatibleWriterIdIsJudgedOnceNotPerRecord() throws Exception {
        byte[] v1 = specificWriter().serialize(order(1));
        AvroRegistryDeserializationSchema<GenericRecord> reader = genericReader(ORDER_NO_DEFAULT);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> reader.deserialize(v1, "orders", 0, 10L))
                    .isInstanceOf(IncompatibleReaderSchemaException.class)
                    .hasMessageEndingWith("READER_FIELD_MISSING_DEFAULT_VALUE at /fields/6: channel (topic 'orders',"
                            + " partition 0, offset 10)");
        }
        assertThat(registry.byIdCalls.get()).isEqualTo(1);
    }

    @Test
    void tombstoneIsRefusedByTheFlinkDeserializer() {
        assertThatThrownBy(() -> specificReader().deserialize(null, "orders", 3, 7L))
                .isInstanceOf(TombstoneException.class)
                .hasMessage("Cannot decode a null value (Kafka tombstone) into "
                        + ORDER_NAME
                        + ": a DeserializationSchema must produce a record; filter tombstones before"
                        + " this schema (topic 'orders', partition 3, offset 7)");
    }

    @Test
    void nullRecordIsRefusedByTheSerializer() {
        assertThatThrownBy(() -> specificWriter().serialize(null))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("Cannot serialize a null record of schema "
                        + ORDER_NAME
                        + ": a tombstone needs a null value written by the sink, not by this schema"
                        + " (topic 'orders')");
    }

    @Test
    void aRecordBreakingItsSchemaFailsAndTheNextRecordIsWrittenCleanly() throws Exception {
        AvroRegistrySerializationSchema<GenericRecord> writer = genericWriter(Order.getClassSchema());
        GenericRecord broken = genericV1(1);
        broken.put("user_id", null);

        assertThatThrownBy(() -> writer.serialize(broken))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("Could not serialize a record of schema "
                        + ORDER_NAME
                        + " for subject 'orders-value' (schema id 1): ")
                .hasMessageContaining("user_id");

        byte[] next = writer.serialize(genericV1(2));
        assertThat(Arrays.copyOfRange(next, 5, next.length)).isEqualTo(rawAvro(order(2)));
    }

    @Test
    void aBadRecordLeavesNoStateBehindForTheNextRecord() throws Exception {
        AvroRegistryDeserializationSchema<Order> reader = specificReader();
        byte[] good = specificWriter().serialize(order(1));
        byte[] truncated = Arrays.copyOf(good, good.length - 10);
        byte[] corruptUnion = good.clone();
        corruptUnion[5] = (byte) 0x81; // a string length varint that runs into the next field

        assertThat(reader.deserialize(good)).isEqualTo(order(1));
        assertThatThrownBy(() -> reader.deserialize(truncated)).isInstanceOf(MalformedAvroDataException.class);
        assertThat(reader.deserialize(good)).isEqualTo(order(1));
        assertThatThrownBy(() -> reader.deserialize(corruptUnion)).isInstanceOf(AvroSerdeException.class);
        assertThat(reader.deserialize(good)).isEqualTo(order(1));
    }

    @Test
    void aHugeClaimedStringLengthFailsBeforeAnythingIsAllocated() throws Exception {
        specificWriter().serialize(order(1));
        // Header for id 1, then order_id's length as zigzag varint 2^31 (a claimed 1 GiB string).
        byte[] bytes = {0, 0, 0, 0, 1, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 'a', 'b'};

        assertThatThrownBy(() -> specificReader().deserialize(bytes))
                .isInstanceOf(MalformedAvroDataException.class)
                .hasMessage("Avro record with writer schema id 1 could not be decoded: the body ends early"
                        + " (truncated): the string claims 1073741824 byte(s) but the body has only 7");
    }

    @Test
    void randomBytesAfterAValidHeaderNeverLeakAnAvroInternalException() throws Exception {
        AvroRegistryDeserializationSchema<Order> reader = specificReader();
        byte[] good = specificWriter().serialize(order(1));
        Random random = new Random(20261124L);
        int failures = 0;
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[5 + random.nextInt(60)];
            random.nextBytes(bytes);
            System.arraycopy(good, 0, bytes, 0, 5);
            try {
                reader.deserialize(bytes);
            } catch (AvroSerdeException e) {
                assertThat(e).isInstanceOf(MalformedAvroDataException.class);
                failures++;
            }
            assertThat(reader.deserialize(good)).isEqualTo(order(1));
        }
        assertThat(failures).isGreaterThan(1_900);
    }

    @Test
    void producedTypesAreFlinksAvroTypeInformation() {
        assertThat(specificReader().getProducedType())
                .isInstanceOf(AvroTypeInfo.class)
                .isEqualTo(new AvroTypeInfo<>(Order.class));
        assertThat(genericReader(ORDER_V2).getProducedType())
                .isInstanceOf(GenericRecordAvroTypeInfo.class)
                .isEqualTo(new GenericRecordAvroTypeInfo(ORDER_V2));
    }

    @Test
    void schemasSurviveJavaSerializationAndCreateTheirClientOnFirstUse() throws Exception {
        AvroRegistrySerializationSchema<Order> writer =
                InstantiationUtil.clone(specificWriter(), getClass().getClassLoader());
        AvroRegistryDeserializationSchema<GenericRecord> reader =
                InstantiationUtil.clone(genericReader(ORDER_V2), getClass().getClassLoader());

        GenericRecord read = reader.deserialize(writer.serialize(order(4)));

        assertThat(read.get("order_id").toString()).isEqualTo("ord-4");
        assertThat(reader.getProducedType()).isEqualTo(new GenericRecordAvroTypeInfo(ORDER_V2));
    }

    @Test
    void closeClosesTheCreatedClient() throws Exception {
        AvroRegistryDeserializationSchema<Order> reader = specificReader();
        reader.open(null);

        reader.close();

        assertThat(registry.closeCalls.get()).isEqualTo(1);
    }

    @Test
    void invalidFactoryArgumentsAreNamed() {
        assertThatThrownBy(() -> AvroRegistryDeserializationSchema.forGeneric(
                        null, config, SharedRegistries.provider(registryName)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("forGeneric needs a reader schema: Flink's GenericRecordAvroTypeInfo is built from it");
        assertThatThrownBy(() -> AvroRegistrySerializationSchema.forSpecific(
                        Order.class, null, config, SharedRegistries.provider(registryName)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid topic for the subject name strategy: TopicNameStrategy needs a topic to name"
                        + " the subject (<topic>-value)");
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "yes");
        assertThatThrownBy(this::specificReader)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value 'yes' for configuration 'auto.register.schemas': expected true or false");
    }

    @Test
    void aNonSerializableConfigValueIsRejectedNamingTheKey() {
        config.put("some.key", new Object());

        assertThatThrownBy(this::specificReader)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Configuration 'some.key' has a value of type java.lang.Object that is not Serializable;"
                        + " a Flink schema ships its configuration to the task managers, so pass a String"
                        + " or another Serializable value");
    }

    private static byte[] rawAvro(Order order) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(Order.class).write(order, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @SuppressWarnings("unused")
    private static byte[] rawAvro(GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema(), GenericData.get()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
