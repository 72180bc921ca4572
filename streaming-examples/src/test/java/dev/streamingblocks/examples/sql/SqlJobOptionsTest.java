package dev.streamingblocks.examples.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlJobOptionsTest {

    @Test
    void defaultsPointAtALocalStack() {
        SqlJobOptions options = SqlJobOptions.parse(new String[0], Map.of());
        assertThat(options.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(options.schemaRegistryUrl()).isEqualTo("http://localhost:8081");
        assertThat(options.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/analytics");
        assertThat(options.jdbcUser()).isNull();
        assertThat(options.jdbcPassword()).isNull();
        assertThat(options.bounded()).isFalse();
        assertThat(options.help()).isFalse();
    }

    @Test
    void parsesEveryOption() {
        SqlJobOptions options = SqlJobOptions.parse(
                new String[] {
                    "--bootstrap-servers",
                    "kafka:9093",
                    "--schema-registry-url",
                    "http://registry:8085",
                    "--jdbc-url",
                    "jdbc:postgresql://db:5433/shop",
                    "--jdbc-user",
                    "shop",
                    "--jdbc-password",
                    "s3cret",
                    "--bounded"
                },
                Map.of());
        assertThat(options.bootstrapServers()).isEqualTo("kafka:9093");
        assertThat(options.schemaRegistryUrl()).isEqualTo("http://registry:8085");
        assertThat(options.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/shop");
        assertThat(options.jdbcUser()).isEqualTo("shop");
        assertThat(options.jdbcPassword()).isEqualTo("s3cret");
        assertThat(options.bounded()).isTrue();
    }

    @Test
    void credentialsComeFromTheEnvironmentUnlessGivenAsOptions() {
        Map<String, String> env = Map.of("PGUSER", "env-user", "PGPASSWORD", "env-secret");
        SqlJobOptions fromEnv = SqlJobOptions.parse(new String[0], env);
        assertThat(fromEnv.jdbcUser()).isEqualTo("env-user");
        assertThat(fromEnv.jdbcPassword()).isEqualTo("env-secret");
        SqlJobOptions fromArgs = SqlJobOptions.parse(new String[] {"--jdbc-password", "arg-secret"}, env);
        assertThat(fromArgs.jdbcUser()).isEqualTo("env-user");
        assertThat(fromArgs.jdbcPassword()).isEqualTo("arg-secret");
    }

    @Test
    void toStringNeverShowsThePassword() {
        SqlJobOptions options = SqlJobOptions.parse(new String[] {"--jdbc-password", "s3cret"}, Map.of());
        assertThat(options.toString())
                .isEqualTo("SqlJobOptions{bootstrapServers=localhost:9092, schemaRegistryUrl=http://localhost:8081,"
                        + " jdbcUrl=jdbc:postgresql://localhost:5432/analytics, jdbcUser=null, jdbcPassword=****,"
                        + " bounded=false}")
                .doesNotContain("s3cret");
    }

    @Test
    void helpIsRecognised() {
        assertThat(SqlJobOptions.parse(new String[] {"--help"}, Map.of()).help())
                .isTrue();
        assertThat(SqlJobOptions.parse(new String[] {"-h"}, Map.of()).help()).isTrue();
        assertThat(SqlJobOptions.usage("my-job: does things"))
                .startsWith("my-job: does things\n\nOptions:\n")
                .contains("--jdbc-password PASSWORD    database password (default: $PGPASSWORD; prefer the variable)")
                .endsWith("--help                      this text");
    }

    @Test
    void badCommandLinesNameTheOption() {
        assertThatThrownBy(() -> SqlJobOptions.parse(new String[] {"--topic", "x"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown option '--topic'; try --help");
        assertThatThrownBy(() -> SqlJobOptions.parse(new String[] {"--jdbc-url"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--jdbc-url needs a value; try --help");
        assertThatThrownBy(() -> SqlJobOptions.parse(new String[] {"--bootstrap-servers", "--bounded"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--bootstrap-servers needs a value; try --help");
    }

    @Test
    void buildValidatesNamingTheProperty() {
        assertThatThrownBy(() -> SqlJobOptions.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bootstrapServers (--bootstrap-servers) must not be blank");
        assertThatThrownBy(() -> SqlJobOptions.builder()
                        .setBootstrapServers("k:9092")
                        .setSchemaRegistryUrl(" ")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("schemaRegistryUrl (--schema-registry-url) must not be blank");
        assertThatThrownBy(() -> SqlJobOptions.builder()
                        .setBootstrapServers("k:9092")
                        .setJdbcUrl("")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jdbcUrl (--jdbc-url) must not be blank");
    }

    @Test
    void jobsSayWhatTheyNeed() {
        SqlJobOptions options =
                SqlJobOptions.builder().setBootstrapServers("k:9092").build();
        assertThatThrownBy(options::requireSchemaRegistryUrl)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("schemaRegistryUrl (--schema-registry-url) is required by this job");
        assertThatThrownBy(options::requireJdbcUrl)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jdbcUrl (--jdbc-url) is required by this job");
    }

    @Test
    void usersClientSettingsBecomeTableOptionsAndAreNeverPrinted() {
        SqlJobOptions options = SqlJobOptions.parse(
                new String[] {
                    "--kafka-property", "security.protocol=SASL_SSL",
                    "--kafka-property", "sasl.jaas.config=x required password=\"k-pw\";",
                    "--schema-registry-property", "basic.auth.credentials.source=USER_INFO",
                    "--schema-registry-property", "basic.auth.user.info=flink:r-pw"
                },
                Map.of());
        assertThat(options.withKafkaProperties(new java.util.LinkedHashMap<>()))
                .containsExactly(
                        Map.entry("properties.security.protocol", "SASL_SSL"),
                        Map.entry("properties.sasl.jaas.config", "x required password=\"k-pw\";"));
        assertThat(options.withSchemaRegistryProperties(new java.util.LinkedHashMap<>()))
                .containsExactly(
                        Map.entry("avro-confluent.properties.basic.auth.credentials.source", "USER_INFO"),
                        Map.entry("avro-confluent.properties.basic.auth.user.info", "flink:r-pw"));
        assertThat(options.toString())
                .endsWith(", kafkaProperties=[security.protocol, sasl.jaas.config],"
                        + " schemaRegistryProperties=[basic.auth.credentials.source, basic.auth.user.info]}")
                .doesNotContain("k-pw")
                .doesNotContain("r-pw");
        assertThat(SqlJobOptions.usage("job"))
                .contains(
                        "--kafka-property KEY=VALUE",
                        "--kafka-properties FILE",
                        "--schema-registry-property KEY=VALUE",
                        "--schema-registry-properties FILE");
        assertThatThrownBy(() -> SqlJobOptions.parse(new String[] {"--kafka-property", "group.id=g"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("group.id cannot be set with --kafka-property or --kafka-properties; use --group-id");
    }
}
