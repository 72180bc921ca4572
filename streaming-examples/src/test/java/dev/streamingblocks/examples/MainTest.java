package dev.streamingblocks.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers --help without starting anything; bad options are named. */
class MainTest {

    @ParameterizedTest
    @ValueSource(strings = {"local-stack", "order-stats", "fraud", "sessions", "produce", "consume"})
    void everyCommandHasHelp(String command) throws Exception {
        String out = captured(() -> Main.main(new String[] {command, "--help"}));
        assertThat(out).startsWith("Usage: Main " + command).contains("--help");
    }

    @ParameterizedTest
    @ValueSource(strings = {"order-stats-sql", "sessions-sql", "enrich"})
    void sqlCommandsShowTheSqlJobsHelp(String command) throws Exception {
        String out = captured(() -> Main.main(new String[] {command, "--help"}));
        assertThat(out).contains("Options:", "--bootstrap-servers HOSTS", "--bounded", "--help");
    }

    @Test
    void withoutACommandItListsTheCommands() throws Exception {
        String out = captured(() -> Main.main(new String[0]));
        assertThat(out).isEqualTo(Main.USAGE + System.lineSeparator());
    }

    @Test
    void unknownOptionsAndMissingRequiredOptionsAreNamed() {
        assertThatThrownBy(() -> Main.job("fraud", new String[] {"--bootstrap", "x"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fraud: unknown option '--bootstrap'; try fraud --help");
        assertThatThrownBy(() -> Main.produce(new String[] {"--count", "5"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("produce: --bootstrap-servers is required; try produce --help");
        assertThatThrownBy(() -> Main.produce(new String[] {"--bootstrap-servers", "b:1", "--type", "clicks"}))
                .hasMessage("--type must be orders, transactions or page-views, was 'clicks'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"order-stats", "fraud", "sessions", "produce", "consume"})
    void commandsTalkingToKafkaTakeTheUsersClientSettings(String command) throws Exception {
        String out = captured(() -> Main.main(new String[] {command, "--help"}));
        assertThat(out).contains("--kafka-property KEY=VALUE", "--kafka-properties FILE",
                "--schema-registry-property KEY=VALUE", "--schema-registry-properties FILE");
    }

    @Test
    void aClientSettingTheCommandOwnsIsRefusedWithoutItsValue() {
        assertThatThrownBy(() -> Main.job("fraud", new String[] {"--bootstrap-servers", "b:1",
                "--kafka-property", "bootstrap.servers=other:1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fraud: bootstrap.servers cannot be set with --kafka-property or --kafka-properties;"
                        + " use --bootstrap-servers");
        assertThatThrownBy(() -> Main.produce(new String[] {"--bootstrap-servers", "b:1",
                "--kafka-property", "s3cr3t-pa55"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("produce: --kafka-property needs KEY=VALUE, but a value had no '=' (not shown, it may"
                        + " hold a secret)");
        assertThatThrownBy(() -> Main.consume(new String[] {"--bootstrap-servers", "b:1", "--schema-registry-url",
                "http://r", "--schema-registry-property", "schema.registry.url=http://x"}))
                .hasMessage("consume: schema.registry.url cannot be set with --schema-registry-property or"
                        + " --schema-registry-properties; use --schema-registry-url");
    }

    interface Action {
        void run() throws Exception;
    }

    private static String captured(Action action) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
