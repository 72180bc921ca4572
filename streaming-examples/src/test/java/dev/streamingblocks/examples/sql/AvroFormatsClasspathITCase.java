package dev.streamingblocks.examples.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.LogicalType;
import org.junit.jupiter.api.Test;

/**
 * The examples' classpath holds flink-avro (for streaming-core's serdes) and Flink's SQL {@code
 * avro-confluent} format only in its relocated form, so no flink-avro class name exists twice. An
 * ITCase because it needs streaming-sql-avro-confluent's packaged (shaded) jar, which the reactor
 * hands out only from the package phase on; OrderStatsSqlITCase shows both at work in one job run.
 */
class AvroFormatsClasspathITCase {

    static final String RELOCATED = "dev.streamingblocks.shaded.sqlavro.";
    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void avroConfluentResolvesToTheRelocatedFactoryAndAvroToFlinkAvro() {
        assertThat(FactoryUtil.discoverFactory(loader, DeserializationFormatFactory.class, "avro-confluent")
                        .getClass()
                        .getName())
                .isEqualTo(RELOCATED + "org.apache.flink.formats.avro.registry.confluent.RegistryAvroFormatFactory");
        Class<?> avro = FactoryUtil.discoverFactory(loader, DeserializationFormatFactory.class, "avro")
                .getClass();
        assertThat(avro.getName()).isEqualTo("org.apache.flink.formats.avro.AvroFormatFactory");
        assertThat(avro.getProtectionDomain().getCodeSource().getLocation().getPath())
                .endsWith("/flink-avro-2.2.1.jar");
    }

    @Test
    void noFlinkAvroClassNameExistsTwice() throws Exception {
        List<URL> converters = Collections.list(
                loader.getResources("org/apache/flink/formats/avro/typeutils/AvroSchemaConverter.class"));
        assertThat(converters).hasSize(1);
        assertThat(converters.get(0).getPath()).contains("/flink-avro-2.2.1.jar!");
        // Only the unrelocated fat jar has this name; it must not be on the classpath.
        assertThat(loader.getResource(
                        "org/apache/flink/formats/avro/registry/confluent/RegistryAvroFormatFactory.class"))
                .isNull();
    }

    @Test
    void theTwoCopiesSpeakDifferentAvros() throws Exception {
        // Why one class name cannot serve both: same method, different Schema class.
        assertThat(Class.forName("org.apache.flink.formats.avro.typeutils.AvroSchemaConverter", false, loader)
                        .getMethod("convertToSchema", LogicalType.class)
                        .getReturnType()
                        .getName())
                .isEqualTo("org.apache.avro.Schema");
        assertThat(Class.forName(
                                RELOCATED + "org.apache.flink.formats.avro.typeutils.AvroSchemaConverter",
                                false,
                                loader)
                        .getMethod("convertToSchema", LogicalType.class)
                        .getReturnType()
                        .getName())
                .isEqualTo("org.apache.flink.avro.shaded.org.apache.avro.Schema");
    }
}
