package dev.streamingblocks.lake.iceberg;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.formats.avro.AvroToRowDataConverters;
import org.apache.flink.formats.avro.typeutils.AvroSchemaConverter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;
import org.apache.iceberg.hadoop.HadoopCatalog;

/**
 * The same Avro records as an Apache Iceberg table (the option of issue 12): a Hadoop file-system catalog in
 * a folder, the table created on first use with the records' schema and partitioned by the hour of an
 * event-time field, written by Iceberg's own {@code IcebergSink}, which commits a snapshot per checkpoint
 * (exactly once; readers see only committed snapshots). Checked on Flink 2.2.1 with
 * {@code iceberg-flink-runtime-2.0} 1.10.0, which users add themselves (it is {@code provided} here).
 *
 * <pre>{@code
 * IcebergLakeSink.<Order>builder().setName("orders-iceberg").setWarehouse("file:///data/warehouse")
 *         .setTable("lake", "orders").setSpecificRecordClass(Order.class).setHourPartitionField("timestamp")
 *         .build().sinkTo(orders);
 * }</pre>
 *
 * <p>Required: name (operator uids), warehouse, table, record type, and a {@code timestamp-millis}/{@code -micros}
 * field to partition by. Late data is not dead-lettered: Iceberg adds it to its past partition in a new snapshot.
 */
public final class IcebergLakeSink<T> {

    /** Appended to the name for the uid and name of the Avro-to-RowData conversion. */
    public static final String CONVERT_SUFFIX = "-to-rowdata";

    private final Builder<T> config;

    private IcebergLakeSink(Builder<T> config) {
        this.config = config;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** Creates the table if it does not exist, and adds the conversion and Iceberg's sink to the job. */
    public DataStreamSink<?> sinkTo(DataStream<T> stream) {
        RowType rowType = rowType(config.schema);
        org.apache.iceberg.Schema icebergSchema = FlinkSchemaUtil.convert(FlinkSchemaUtil.toResolvedSchema(rowType));
        TableIdentifier id = TableIdentifier.of(Namespace.of(config.namespace), config.table);
        try (HadoopCatalog catalog = new HadoopCatalog(new Configuration(), config.warehouse)) {
            if (!catalog.tableExists(id)) {
                catalog.createTable(id, icebergSchema,
                        PartitionSpec.builderFor(icebergSchema).hour(config.hourPartitionField).build());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot open the Iceberg catalog at " + config.warehouse, e);
        }
        DataStream<RowData> rows = stream
                .map(new ToRowData<T>(config.schema.toString()), InternalTypeInfo.of(rowType))
                .uid(config.name + CONVERT_SUFFIX).name(config.name + CONVERT_SUFFIX);
        // IcebergSink (Sink V2), not FlinkSink: FlinkSink ships its FlinkWriteResult as a Kryo generic type.
        return IcebergSink.forRowData(rows)
                .tableLoader(TableLoader.fromHadoopTable(config.warehouse + "/" + config.namespace + "/"
                        + config.table, new Configuration()))
                .uidSuffix(config.name)
                .append();
    }

    static RowType rowType(Schema schema) {
        return (RowType) AvroSchemaConverter.convertToDataType(schema.toString()).getLogicalType();
    }

    private static final class ToRowData<T> extends RichMapFunction<T, RowData> {
        private static final long serialVersionUID = 1L;
        private final String schemaJson;
        private transient AvroToRowDataConverters.AvroToRowDataConverter converter;

        ToRowData(String schemaJson) {
            this.schemaJson = schemaJson;
        }

        @Override
        public void open(OpenContext openContext) {
            converter = AvroToRowDataConverters.createRowConverter(rowType(new Schema.Parser().parse(schemaJson)));
        }

        @Override
        public RowData map(T record) {
            return (RowData) converter.convert((IndexedRecord) record);
        }
    }

    /** Builds an {@link IcebergLakeSink}; {@link #build()} names the missing property. */
    public static final class Builder<T> {
        private String name;
        private String warehouse;
        private String namespace;
        private String table;
        private Schema schema;
        private String hourPartitionField;

        private Builder() {}

        public Builder<T> setName(String name) {
            this.name = requireText(name, "name");
            return this;
        }

        /** The Hadoop catalog's folder, e.g. {@code file:///data/warehouse}. */
        public Builder<T> setWarehouse(String warehouse) {
            this.warehouse = requireText(warehouse, "warehouse");
            return this;
        }

        public Builder<T> setTable(String namespace, String table) {
            this.namespace = requireText(namespace, "namespace");
            this.table = requireText(table, "table");
            return this;
        }

        public Builder<T> setSpecificRecordClass(Class<T> recordClass) {
            if (recordClass == null || !SpecificRecord.class.isAssignableFrom(recordClass)) {
                throw new IllegalArgumentException("specificRecordClass must be a generated Avro SpecificRecord class");
            }
            this.schema = SpecificData.getForClass(recordClass).getSchema(recordClass);
            return this;
        }

        public Builder<T> setGenericRecordSchema(Schema schema) {
            if (schema == null || schema.getType() != Schema.Type.RECORD) {
                throw new IllegalArgumentException("genericRecordSchema must be a record schema");
            }
            this.schema = schema;
            return this;
        }

        /** A {@code timestamp-millis} or {@code timestamp-micros} field; the table is partitioned by its hour. */
        public Builder<T> setHourPartitionField(String field) {
            this.hourPartitionField = requireText(field, "hourPartitionField");
            return this;
        }

        public IcebergLakeSink<T> build() {
            if (name == null) {
                throw new IllegalStateException("name is required: call setName(...)");
            }
            if (warehouse == null) {
                throw new IllegalStateException("warehouse is required: call setWarehouse(...)");
            }
            if (table == null) {
                throw new IllegalStateException("table is required: call setTable(...)");
            }
            if (schema == null) {
                throw new IllegalStateException("the record type is required: call setSpecificRecordClass(...) or"
                        + " setGenericRecordSchema(...)");
            }
            if (hourPartitionField == null) {
                throw new IllegalStateException("hourPartitionField is required: call setHourPartitionField(...)");
            }
            Schema.Field field = schema.getField(hourPartitionField);
            if (field == null || field.schema().getLogicalType() == null
                    || !field.schema().getLogicalType().getName().startsWith("timestamp-")) {
                throw new IllegalStateException("hourPartitionField '" + hourPartitionField + "' must be a"
                        + " timestamp-millis or timestamp-micros field of " + schema.getFullName());
            }
            return new IcebergLakeSink<>(this);
        }

        private static String requireText(String value, String property) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(property + " must not be null or blank");
            }
            return value;
        }
    }
}
