package dev.streamingblocks.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.lake.testutils.LakeOrder;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class LakeSinkBuilderTest {

    private static LakeSinkBuilder<LakeOrder> valid() {
        return LakeSink.<LakeOrder>builder()
                .setName("orders-lake")
                .setBasePath("file:///tmp/lake/orders")
                .setSpecificRecordClass(LakeOrder.class);
    }

    @Test
    void defaultsAreTheNamedConstants() {
        LakeSinkBuilder<LakeOrder> builder = valid();
        assertThat(builder.allowedLateness)
                .isEqualTo(LakeSink.DEFAULT_ALLOWED_LATENESS)
                .isEqualTo(Duration.ZERO);
        assertThat(builder.targetFileSize).isEqualTo(LakeSink.DEFAULT_TARGET_FILE_SIZE);
        assertThat(builder.maxCheckpointsBeforeCompaction)
                .isEqualTo(LakeSink.DEFAULT_MAX_CHECKPOINTS_BEFORE_COMPACTION);
        assertThat(builder.compression).isEqualTo(LakeSink.DEFAULT_COMPRESSION);
        assertThat(builder.successMarkers)
                .isEqualTo(LakeSink.DEFAULT_SUCCESS_MARKERS)
                .isTrue();
        assertThat(builder.deadLetterDeliveryGuarantee).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(builder.deadLetterTransactionTimeout).isEqualTo(Duration.ofMinutes(15));
        assertThat(builder.build().toString())
                .isEqualTo("LakeSink{name='orders-lake', basePath='file:///tmp/lake/orders',"
                        + " schema=dev.streamingblocks.lake.testutils.LakeOrder, allowedLateness=PT0S}");
    }

    @Test
    void buildNamesTheMissingProperty() {
        assertThatThrownBy(() -> LakeSink.<LakeOrder>builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("name is required: call setName(...)");
        assertThatThrownBy(() -> LakeSink.<LakeOrder>builder().setName("n").build())
                .hasMessage("basePath is required: call setBasePath(...)");
        assertThatThrownBy(() -> LakeSink.<LakeOrder>builder()
                        .setName("n")
                        .setBasePath("/tmp/x")
                        .build())
                .hasMessage("the record type is required: call setSpecificRecordClass(...) or"
                        + " setGenericRecordSchema(...)");
        assertThatThrownBy(() -> valid().setDeadLetterTopic("dlq").build())
                .hasMessage("bootstrapServers is required with a deadLetterTopic: call setBootstrapServers(...)");
        assertThatThrownBy(() -> valid().setBootstrapServers("broker:9092").build())
                .hasMessage("bootstrapServers is set but deadLetterTopic is not: call setDeadLetterTopic(...), or"
                        + " leave both out to fail the job on a record it cannot write");
        assertThatThrownBy(() -> valid().setName("orders lake")
                        .setDeadLetterTopic("dlq")
                        .setBootstrapServers("broker:9092")
                        .setDeadLetterDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .build())
                .hasMessage("name 'orders lake' derives the dead letters' transactional id prefix and may then only"
                        + " contain ASCII letters, digits, '.', '_' and '-'");
    }

    @Test
    void settersRejectBadValuesNamingTheProperty() {
        assertThatThrownBy(() -> valid().setName(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must not be blank");
        assertThatThrownBy(() -> valid().setBasePath(null)).hasMessage("basePath must not be null");
        assertThatThrownBy(() -> valid().setSpecificRecordClass(LakeOrder.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("specificRecordClass cannot be set: a record type is already set");
        assertThatThrownBy(() -> valid().setGenericRecordSchema(LakeOrder.getClassSchema()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("genericRecordSchema cannot be set: a record type is already set");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<LakeOrder> notAvro = (Class) String.class;
        assertThatThrownBy(() -> LakeSink.<LakeOrder>builder().setSpecificRecordClass(notAvro))
                .hasMessage("specificRecordClass needs a generated Avro SpecificRecord class, but java.lang.String is"
                        + " not one; use setGenericRecordSchema(...) for GenericRecords");
        assertThatThrownBy(
                        () -> LakeSink.<GenericRecord>builder().setGenericRecordSchema(Schema.create(Schema.Type.LONG)))
                .hasMessage("genericRecordSchema must be a record schema, but is a LONG");
        assertThatThrownBy(() -> valid().setEventTimeExtractor(null)).hasMessage("eventTimeExtractor must not be null");
        assertThatThrownBy(() -> valid().setRecordValidator(null)).hasMessage("recordValidator must not be null");
        assertThatThrownBy(() -> valid().setAllowedLateness(Duration.ofSeconds(-1)))
                .hasMessage("allowedLateness must not be negative, but is PT-1S");
        assertThatThrownBy(() -> valid().setTargetFileSize(MemorySize.ZERO))
                .hasMessage("targetFileSize must be positive, but is 0 bytes");
        assertThatThrownBy(() -> valid().setMaxCheckpointsBeforeCompaction(0))
                .hasMessage("maxCheckpointsBeforeCompaction must be at least 1, but is 0");
        assertThatThrownBy(() -> valid().setCompression(null)).hasMessage("compression must not be null");
        assertThatThrownBy(() -> valid().setDeadLetterTopic("")).hasMessage("deadLetterTopic must not be blank");
        assertThatThrownBy(() -> valid().setBootstrapServers(" ")).hasMessage("bootstrapServers must not be blank");
        assertThatThrownBy(() -> valid().setKafkaProperty("bootstrap.servers", "x"))
                .hasMessage("kafka property 'bootstrap.servers' is set by the builder: use setBootstrapServers(...)"
                        + " instead");
        assertThatThrownBy(() -> valid().setKafkaProperty("acks", null))
                .hasMessage("kafka property 'acks' must not be null");
        assertThatThrownBy(() -> valid().setDeadLetterDeliveryGuarantee(DeliveryGuarantee.NONE))
                .hasMessage("deadLetterDeliveryGuarantee NONE is not supported: it may lose dead letters silently;"
                        + " use AT_LEAST_ONCE or EXACTLY_ONCE");
        assertThatThrownBy(() -> valid().setDeadLetterTransactionTimeout(Duration.ZERO))
                .hasMessage("deadLetterTransactionTimeout must be positive, but is PT0S");
    }

    @Test
    void aGenericSinkBuildsFromItsSchema() {
        Schema schema =
                SchemaBuilder.record("Reading").fields().requiredLong("ts").endRecord();
        LakeSink<GenericRecord> sink = LakeSink.<GenericRecord>builder()
                .setName("readings")
                .setBasePath("/tmp/r")
                .setGenericRecordSchema(schema)
                .build();
        assertThat(sink.name()).isEqualTo("readings");
    }

    @Test
    void partitionsAreUtcHoursOfEventTime() {
        assertThat(LakePartitions.partitionOf(java.time.Instant.parse("2026-02-06T23:59:59.999Z")))
                .isEqualTo("dt=2026-02-06/hour=23");
        assertThat(LakePartitions.closingWatermark("dt=2026-02-06/hour=23", Duration.ofMinutes(5)))
                .isEqualTo(java.time.Instant.parse("2026-02-07T00:05:00Z").toEpochMilli() - 1);
        assertThatThrownBy(() -> LakePartitions.startOf("dt=2026-02-06"))
                .hasMessage("'dt=2026-02-06' is not a partition like dt=2026-02-06/hour=12");
    }
}
