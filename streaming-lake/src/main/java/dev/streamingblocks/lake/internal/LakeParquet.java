package dev.streamingblocks.lake.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.flink.formats.parquet.ParquetInputFile;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/** Parquet writers for the sink's records and the compaction's generic copies of them. */
public final class LakeParquet {

    private LakeParquet() {}

    /**
     * The Avro data model: a generated class's own (it carries the conversions of its logical types,
     * e.g. {@code Instant} for {@code timestamp-millis}), else the generic one.
     */
    static GenericData model(Class<?> specificClass) {
        return specificClass != null ? SpecificData.getForClass(specificClass) : GenericData.get();
    }

    /** Writes records of {@code specificClass} (or generic records when it is null) with {@code schema}. */
    public static <T> BulkWriter.Factory<T> writerFactory(
            Schema schema, Class<?> specificClass, CompressionCodecName compression) {
        return new ParquetWriterFactory<>(new AvroBuilder<>(schema.toString(), specificClass, compression));
    }

    /** Reads every record of a Parquet file as generic records of {@code schema}. */
    static List<GenericRecord> readAll(Path file, Schema schema) throws IOException {
        FileSystem fs = file.getFileSystem();
        long length = fs.getFileStatus(file).getLen();
        List<GenericRecord> records = new ArrayList<>();
        try (FSDataInputStream in = fs.open(file);
                ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
                                new ParquetInputFile(in, length))
                        .withDataModel(GenericData.get())
                        .build()) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                records.add(r);
            }
        }
        return records;
    }

    private static final class AvroBuilder<T> implements ParquetBuilder<T> {
        private static final long serialVersionUID = 1L;

        private final String schemaJson;
        private final Class<?> specificClass;
        private final CompressionCodecName compression;

        AvroBuilder(String schemaJson, Class<?> specificClass, CompressionCodecName compression) {
            this.schemaJson = schemaJson;
            this.specificClass = specificClass;
            this.compression = compression;
        }

        @Override
        public ParquetWriter<T> createWriter(OutputFile out) throws IOException {
            return AvroParquetWriter.<T>builder(out)
                    .withSchema(new Schema.Parser().parse(schemaJson))
                    .withDataModel(model(specificClass))
                    .withCompressionCodec(compression)
                    .build();
        }
    }
}
