package dev.streamingblocks.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.registry.protocol.CompatibilityLevel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every validation message of {@link EmbeddedSchemaRegistry.Builder#build()}. */
class EmbeddedSchemaRegistryBuilderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsNeedNoProperty() {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder().build();
        assertThat(registry.toString())
                .isEqualTo("EmbeddedSchemaRegistry{url=not serving, storageFile=in memory,"
                        + " defaultCompatibility=BACKWARD, basicAuth=off}");
        assertThat(EmbeddedSchemaRegistry.DEFAULT_COMPATIBILITY).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(EmbeddedSchemaRegistry.DEFAULT_PORT).isZero();
    }

    @Test
    void rejectsAPortOutOfRange() {
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder().setPort(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 0 and 65535, was -1");
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder().setPort(65536).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 0 and 65535, was 65536");
    }

    @Test
    void rejectsANullDefaultCompatibility() {
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder()
                        .setDefaultCompatibility(null)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultCompatibility must not be null");
    }

    @Test
    void rejectsAStorageFileItCannotCreate() {
        Path missingDir = dir.resolve("absent").resolve("registry.jsonl");
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder()
                        .setStorageFile(missingDir)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("storageFile's directory does not exist: " + dir.resolve("absent"));
        assertThatThrownBy(() ->
                        EmbeddedSchemaRegistry.builder().setStorageFile(dir).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("storageFile must be a file, but is a directory: " + dir);
    }

    @Test
    void rejectsIncompleteBasicAuthWithoutEchoingThePassword() {
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder()
                        .setBasicAuth(null, "pw-123")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("basicAuth user must not be empty");
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder()
                        .setBasicAuth("", "pw-123")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("basicAuth user must not be empty");
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder()
                        .setBasicAuth("a:b", "pw-123")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("basicAuth user must not contain ':'");
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder()
                        .setBasicAuth("flink", null)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("basicAuth password must not be null");
    }

    @Test
    void toStringNeverShowsCredentials() {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                .setBasicAuth("flink", "pw-123")
                .setStorageFile(dir.resolve("r.jsonl"))
                .setDefaultCompatibility(CompatibilityLevel.FULL_TRANSITIVE)
                .build();
        assertThat(registry.toString())
                .isEqualTo("EmbeddedSchemaRegistry{url=not serving, storageFile=" + dir.resolve("r.jsonl")
                        + ", defaultCompatibility=FULL_TRANSITIVE, basicAuth=on}");
    }

    @Test
    void httpsNeedsAnExistingKeyStoreAndAPassword() {
        Path missing = dir.resolve("missing.p12");
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder()
                        .setHttps(missing, "store-pw-1")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("https keyStore must be an existing file, was " + missing);
        assertThatThrownBy(() ->
                        EmbeddedSchemaRegistry.builder().setHttps(dir, null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("https keyStore must be an existing file, was " + dir);
    }
}
