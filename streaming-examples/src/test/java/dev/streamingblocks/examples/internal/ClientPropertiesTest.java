package dev.streamingblocks.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientPropertiesTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"alice\" password=\"alice-pw\";";

    @TempDir
    Path dir;

    private static Args parse(String... args) {
        Set<String> withValue = new HashSet<>(ClientProperties.KAFKA_OPTIONS);
        withValue.addAll(ClientProperties.REGISTRY_OPTIONS);
        withValue.add("--bootstrap-servers");
        return Args.parse("fraud", args, withValue, Set.of(), ClientProperties.REPEATABLE);
    }

    @Test
    void repeatedPropertiesAreAllKeptAndAValueMayHoldEqualsSigns() {
        Map<String, String> kafka = ClientProperties.kafka(parse(
                "--kafka-property",
                "security.protocol=SASL_SSL",
                "--kafka-property",
                "sasl.mechanism=PLAIN",
                "--kafka-property",
                "sasl.jaas.config=" + JAAS));
        assertThat(kafka)
                .containsExactly(
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("sasl.mechanism", "PLAIN"),
                        Map.entry("sasl.jaas.config", JAAS));
        assertThat(ClientProperties.registry(parse("--bootstrap-servers", "b:1")))
                .isEmpty();
    }

    @Test
    void aFileIsReadFirstAndTheCommandLineWins() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(
                file,
                "# a comment\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n",
                StandardCharsets.UTF_8);
        Map<String, String> kafka = ClientProperties.kafka(
                parse("--kafka-properties", file.toString(), "--kafka-property", "sasl.mechanism=PLAIN"));
        assertThat(kafka)
                .containsOnly(Map.entry("security.protocol", "SASL_PLAINTEXT"), Map.entry("sasl.mechanism", "PLAIN"));

        Path registry = dir.resolve("registry.properties");
        Files.writeString(
                registry,
                "basic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=flink:pw-1\n",
                StandardCharsets.UTF_8);
        assertThat(ClientProperties.registry(parse("--schema-registry-properties", registry.toString())))
                .containsOnly(
                        Map.entry("basic.auth.credentials.source", "USER_INFO"),
                        Map.entry("basic.auth.user.info", "flink:pw-1"));
    }

    @Test
    void anUnreadableFileIsNamedWithoutItsContent() {
        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> ClientProperties.kafka(parse("--kafka-properties", missing.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fraud: cannot read --kafka-properties file " + missing + " (NoSuchFileException)");
    }

    @Test
    void malformedPairsAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> ClientProperties.kafka(parse("--kafka-property", "hunter2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fraud: --kafka-property needs KEY=VALUE, but a value had no '=' (not shown, it may hold"
                        + " a secret)")
                .message()
                .doesNotContain("hunter2");
        assertThatThrownBy(() -> ClientProperties.registry(parse("--schema-registry-property", "=hunter2")))
                .hasMessage("fraud: --schema-registry-property needs KEY=VALUE, but a value had no key (not shown,"
                        + " it may hold a secret)");
    }

    @Test
    void settingsTheCommandsOwnAreRefusedNamingWhatToUse() {
        assertThatThrownBy(() -> ClientProperties.kafka(parse("--kafka-property", "group.id=g")))
                .hasMessage(
                        "fraud: group.id cannot be set with --kafka-property or --kafka-properties; use --group-id");
        assertThatThrownBy(() -> ClientProperties.kafka(parse("--kafka-property", "isolation.level=read_uncommitted")))
                .hasMessage("fraud: isolation.level cannot be set with --kafka-property or --kafka-properties;"
                        + " the jobs read read_committed");
        assertThatThrownBy(() -> ClientProperties.kafka(parse("--kafka-property", "transactional.id=t")))
                .hasMessage("fraud: transactional.id cannot be set with --kafka-property or --kafka-properties;"
                        + " the jobs' sinks set their transactional ids");
    }

    @Test
    void sourcesAndSinksGetTheSettingsTheirClientsKnow() {
        Map<String, String> kafka = Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.jaas.config",
                JAAS,
                "acks",
                "all",
                "auto.offset.reset",
                "latest");
        // build() would throw for a key a builder refuses; toString() shows no client property at all.
        TypedKafkaSource<String> source = ClientProperties.applyTo(TypedKafkaSource.<String>builder(), kafka)
                .setName("s")
                .setBootstrapServers("b:1")
                .setTopics("t")
                .setGroupId("g")
                .setValueDeserializer(new SimpleStringSchema())
                .build();
        assertThat(source.toString()).doesNotContain("alice-pw");
        TypedKafkaSink<String> sink = ClientProperties.applyTo(TypedKafkaSink.<String>builder(), kafka)
                .setBootstrapServers("b:1")
                .setTopic("t")
                .setValueSerializationSchema(new SimpleStringSchema())
                .setTransactionalIdPrefix("p")
                .build();
        assertThat(sink.toString()).doesNotContain("alice-pw");
    }
}
