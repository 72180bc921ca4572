package dev.streamingblocks.core.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig;
import dev.streamingblocks.core.avro.subject.RecordNameStrategy;
import dev.streamingblocks.core.avro.subject.TopicNameStrategy;
import dev.streamingblocks.core.avro.subject.TopicRecordNameStrategy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

    @Test
    void defaultsAreConfluents() {
        AvroSerdeConfig config = AvroSerdeConfig.fromMap(Map.of("schema.registry.url", "http://r:8081"));

        assertThat(config.autoRegisterSchemas()).isTrue();
        assertThat(config.useLatestVersion()).isFalse();
        assertThat(config.specificAvroReader()).isFalse();
        assertThat(config.keySubjectNameStrategy()).isInstanceOf(TopicNameStrategy.class);
        assertThat(config.valueSubjectNameStrategy()).isInstanceOf(TopicNameStrategy.class);
    }

    @Test
    void aConfluentProducerConfigParsesUnchanged() {
        Map<String, Object> confluent = Map.of(
                "bootstrap.servers", "localhost:9092",
                "schema.registry.url", "http://localhost:8081",
                "auto.register.schemas", "false",
                "use.latest.version", " TRUE ",
                "specific.avro.reader", true,
                "key.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy",
                "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");

        AvroSerdeConfig config = AvroSerdeConfig.fromMap(confluent);

        assertThat(config.autoRegisterSchemas()).isFalse();
        assertThat(config.useLatestVersion()).isTrue();
        assertThat(config.specificAvroReader()).isTrue();
        assertThat(config.subjectNameStrategy(true)).isInstanceOf(RecordNameStrategy.class);
        assertThat(config.subjectNameStrategy(false)).isInstanceOf(TopicRecordNameStrategy.class);
        assertThat(config.originals()).isEqualTo(confluent);
    }

    @Test
    void malformedValuesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> AvroSerdeConfig.fromMap(Map.of("specific.avro.reader", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value '1' for configuration 'specific.avro.reader': expected true or false");
        assertThatThrownBy(() -> AvroSerdeConfig.fromMap(Map.of("value.subject.name.strategy", "Nope")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "Invalid value for configuration 'value.subject.name.strategy': Unknown subject name"
                                + " strategy 'Nope'");
    }

    @Test
    void confluentKeysThisSerdeDoesNotImplementAreRejected() {
        assertThatThrownBy(() -> AvroSerdeConfig.fromMap(Map.of("use.schema.id", 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Configuration 'use.schema.id' is a Confluent serde setting that this serde does not"
                        + " support; remove it. Supported serde keys: [schema.registry.url,"
                        + " auto.register.schemas, use.latest.version, specific.avro.reader,"
                        + " key.subject.name.strategy, value.subject.name.strategy]");
    }

    @Test
    void unknownRegistryKeysAreRejectedByTheClientConfigEvenWithoutAUrl() {
        assertThatThrownBy(() -> AvroSerdeConfig.fromMap(Map.of("schema.registry.urls", "http://r:8081")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown schema registry configuration key(s) [schema.registry.urls]; supported keys: "
                        + SchemaRegistryClientConfig.supportedKeys());
        assertThatThrownBy(() -> AvroSerdeConfig.fromMap(
                        Map.of("schema.registry.url", "http://r:8081", "basic.auth.password", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown schema registry configuration key(s) [basic.auth.password]");
    }

    @Test
    void supportedKeysAreTheSerdesAndTheClients() {
        assertThat(AvroSerdeConfig.supportedKeys())
                .containsAll(AvroSerdeConfig.serdeKeys())
                .containsAll(SchemaRegistryClientConfig.supportedKeys())
                .hasSize(AvroSerdeConfig.serdeKeys().size()
                        + SchemaRegistryClientConfig.supportedKeys().size()
                        - 1);
    }

    @Test
    void aNullMapIsRejected() {
        assertThatThrownBy(() -> AvroSerdeConfig.fromMap(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Serde configuration map must not be null");
    }

    @Test
    void toStringShowsSettingsButNeverTheOriginals() {
        AvroSerdeConfig config = AvroSerdeConfig.fromMap(Map.of(
                "schema.registry.url", "http://r:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "user:s3cret"));

        assertThat(config.toString())
                .isEqualTo("AvroSerdeConfig{autoRegisterSchemas=true, useLatestVersion=false,"
                        + " specificAvroReader=false, keySubjectNameStrategy=TopicNameStrategy,"
                        + " valueSubjectNameStrategy=TopicNameStrategy}");
    }
}
