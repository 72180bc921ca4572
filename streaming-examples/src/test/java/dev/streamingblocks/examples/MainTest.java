package dev.streamingblocks.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.fraud.FraudDetection;
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
        assertThat(out)
                .contains(
                        "--kafka-property KEY=VALUE",
                        "--kafka-properties FILE",
                        "--schema-registry-property KEY=VALUE",
                        "--schema-registry-properties FILE");
    }

    @Test
    void aClientSettingTheCommandOwnsIsRefusedWithoutItsValue() {
        assertThatThrownBy(() -> Main.job(
                        "fraud",
                        new String[] {"--bootstrap-servers", "b:1", "--kafka-property", "bootstrap.servers=other:1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fraud: bootstrap.servers cannot be set with --kafka-property or --kafka-properties;"
                        + " use --bootstrap-servers");
        assertThatThrownBy(() ->
                        Main.produce(new String[] {"--bootstrap-servers", "b:1", "--kafka-property", "s3cr3t-pa55"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("produce: --kafka-property needs KEY=VALUE, but a value had no '=' (not shown, it may"
                        + " hold a secret)");
        assertThatThrownBy(() -> Main.consume(new String[] {
                    "--bootstrap-servers",
                    "b:1",
                    "--schema-registry-url",
                    "http://r",
                    "--schema-registry-property",
                    "schema.registry.url=http://x"
                }))
                .hasMessage("consume: schema.registry.url cannot be set with --schema-registry-property or"
                        + " --schema-registry-properties; use --schema-registry-url");
    }

    @Test
    void theLocalStackDefaultsToTheArticlesPortsAndEachCanBeChanged() throws Exception {
        String out = captured(() -> Main.main(new String[] {"local-stack", "--help"}));
        assertThat(out)
                .contains(
                        "--kafka-port PORT               the local stack's Kafka port (default 9092; 0 picks a free one)",
                        "--registry-port PORT            the local stack's schema registry port (default 8081; 0: free)",
                        "--postgres-port PORT            the local stack's PostgreSQL port (default 5432; 0: free)");
        assertThat(captured(() -> Main.main(new String[] {"order-stats", "--help"})))
                .contains("--kafka-port PORT");
        assertThatThrownBy(() -> Main.job("order-stats", new String[] {"--web-ui-port", "8081"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("order-stats: --web-ui-port 8081 is the local stack's schema registry port; choose"
                        + " another (Flink's usual 8081 is the registry's here)");
    }

    @Test
    void aJobOnExistingInfrastructurePrintsItsAddressesWebUiAndHowToFeedIt() {
        assertThat(Main.startupSummary("order-stats", null, "broker:9092", "https://registry:8081", null, 40123))
                .isEqualTo("""
                        order-stats on existing infrastructure:
                          Kafka bootstrap servers  broker:9092
                          Schema registry          https://registry:8081
                          Flink web UI             http://localhost:40123
                        Feed it with: Main produce --type orders --schema-registry-url https://registry:8081\
                         --bootstrap-servers broker:9092""");
        assertThat(Main.startupSummary("sessions", null, "broker:9092", null, "jdbc:postgresql://db:5432/a", null))
                .isEqualTo("""
                        sessions on existing infrastructure:
                          Kafka bootstrap servers  broker:9092
                          PostgreSQL JDBC URL      jdbc:postgresql://db:5432/a
                        Feed it with: Main produce --type page-views --bootstrap-servers broker:9092""");
    }

    @Test
    void fraudFormatRulesAndRuleRecordsAreCheckedWithSpecificMessages() {
        assertThat(Main.fraudRules("tumbling, sliding"))
                .extracting(r -> r.getRuleId())
                .containsExactly("article-tumbling-1m", "article-sliding-1m");
        assertThatThrownBy(() -> Main.fraudRules("hopping"))
                .hasMessage("fraud: --rules takes tumbling and/or sliding (comma-separated), was 'hopping'");
        assertThat(Main.fraudEvaluation("on-arrival")).isEqualTo(FraudDetection.Evaluation.ON_ARRIVAL);
        assertThat(Main.fraudEvaluation("at-watermark")).isEqualTo(FraudDetection.Evaluation.AT_WATERMARK);
        assertThatThrownBy(
                        () -> Main.job("fraud", new String[] {"--evaluation", "eager", "--bootstrap-servers", "b:1"}))
                .hasMessage("fraud: --evaluation takes at-watermark or on-arrival, was 'eager'");
        assertThatThrownBy(() -> Main.job("sessions", new String[] {"--evaluation", "on-arrival"}))
                .hasMessage("sessions: --evaluation is an option of fraud only");
        assertThatThrownBy(() -> Main.job("fraud", new String[] {"--format", "json", "--bootstrap-servers", "b:1"}))
                .hasMessage("fraud: --format must be confluent or avro, was 'json'");
        assertThatThrownBy(() -> Main.produce(new String[] {"--bootstrap-servers", "b:1", "--type", "transactions"}))
                .hasMessage("produce: --schema-registry-url (or --format avro) is required; try produce --help");
        assertThatThrownBy(() -> Main.produce(
                        new String[] {"--bootstrap-servers", "b:1", "--type", "rules", "--format", "avro"}))
                .hasMessage("produce --type rules: give exactly one of --rule JSON and --delete-rule ID");
        assertThatThrownBy(() -> Main.produce(new String[] {
                    "--bootstrap-servers",
                    "b:1",
                    "--type",
                    "rules",
                    "--format",
                    "avro",
                    "--rule",
                    "{\"rule_id\":\"r\",\"alert_type\":\"A\",\"window_kind\":\"SLIDING\","
                            + "\"amount_threshold\":1.0,\"min_count\":0,\"window_millis\":1000,\"deleted\":false}"
                }))
                .hasMessage("produce --type rules: rule 'r': min_count must be at least 1, was 0");
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
