package dev.streamingblocks.testkit.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void defaultsToConfluentsPortInMemoryAndBackward() {
        assertThat(CommandLine.parse(new String[0], Map.of()).build().toString())
                .isEqualTo("EmbeddedSchemaRegistry{url=not serving, storageFile=in memory,"
                        + " defaultCompatibility=BACKWARD, basicAuth=off}");
    }

    @Test
    void readsEveryOptionAndTheCredentialsFromTheEnvironment() {
        String[] args = {"--port", "0", "--storage-file", "/tmp/r.jsonl", "--default-compatibility", "full_transitive"};
        assertThat(CommandLine.parse(args, Map.of(CommandLine.USER_INFO_ENV, "flink:pw:with:colons"))
                        .build()
                        .toString())
                .isEqualTo("EmbeddedSchemaRegistry{url=not serving, storageFile=" + Path.of("/tmp/r.jsonl")
                        + ", defaultCompatibility=FULL_TRANSITIVE, basicAuth=on}");
    }

    @Test
    void namesTheBadOption() {
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--verbose"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown option '--verbose'");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--port"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Option --port needs a value");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--port", "http"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Option --port needs a number, was 'http'");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--default-compatibility", "SOME"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Option --default-compatibility: Invalid compatibility level 'SOME'. Valid values"
                        + " are none, backward, forward, full, backward_transitive, forward_transitive, and"
                        + " full_transitive");
    }

    @Test
    void rejectsMalformedCredentialsWithoutEchoingThem() {
        assertThatThrownBy(() -> CommandLine.parse(new String[0], Map.of(CommandLine.USER_INFO_ENV, "secretonly")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Environment variable SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO must be user:password");
    }
}
