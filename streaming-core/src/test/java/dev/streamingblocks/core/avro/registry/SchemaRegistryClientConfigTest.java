package dev.streamingblocks.core.avro.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientConfigTest {

    private static final String SUPPORTED =
            "[basic.auth.credentials.source, basic.auth.user.info, bearer.auth.credentials.source,"
                    + " bearer.auth.token, http.connect.timeout.ms, http.read.timeout.ms, max.retries,"
                    + " max.schemas.per.subject, retries.max.wait.ms, retries.wait.ms,"
                    + " schema.registry.basic.auth.user.info, schema.registry.ssl.key.password,"
                    + " schema.registry.ssl.keystore.location, schema.registry.ssl.keystore.password,"
                    + " schema.registry.ssl.keystore.type, schema.registry.ssl.truststore.location,"
                    + " schema.registry.ssl.truststore.password, schema.registry.ssl.truststore.type,"
                    + " schema.registry.url]";

    @Test
    void defaultsMatchConfluent() {
        SchemaRegistryClientConfig config =
                SchemaRegistryClientConfig.fromMap(Map.of("schema.registry.url", "http://localhost:8081/"));
        assertThat(config.urls()).containsExactly("http://localhost:8081");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.maxRetries()).isEqualTo(3);
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxRetryBackoff()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.maxSchemasPerSubject()).isEqualTo(1000);
        assertThat(config.trustStoreType()).isEqualTo("JKS");
        assertThat(config.trustStoreLocation()).isNull();
        assertThat(config.hasBasicAuth()).isFalse();
        assertThat(config.hasBearerAuth()).isFalse();
    }

    @Test
    void parsesStringsAndTypedValues() {
        Map<String, Object> map = new HashMap<>();
        map.put("schema.registry.url", List.of("http://a:1", "https://b:2/prefix/"));
        map.put("http.connect.timeout.ms", 1500);
        map.put("http.read.timeout.ms", "2500");
        map.put("max.retries", 5L);
        map.put("retries.wait.ms", Duration.ofMillis(10));
        map.put("retries.max.wait.ms", "40");
        map.put("max.schemas.per.subject", "7");
        map.put("basic.auth.user.info", new Password("alice:s3cret"));
        map.put("auto.register.schemas", "false"); // a serde key: not ours, ignored
        map.put("bootstrap.servers", "localhost:9092");

        SchemaRegistryClientConfig config = SchemaRegistryClientConfig.fromMap(map);

        assertThat(config.urls()).containsExactly("http://a:1", "https://b:2/prefix");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.maxRetries()).isEqualTo(5);
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofMillis(10));
        assertThat(config.maxRetryBackoff()).isEqualTo(Duration.ofMillis(40));
        assertThat(config.maxSchemasPerSubject()).isEqualTo(7);
        assertThat(config.basicAuthUserInfo()).isEqualTo("alice:s3cret");
        assertThat(config.toString())
                .isEqualTo("SchemaRegistryClientConfig{schema.registry.url=[http://a:1,"
                        + " https://b:2/prefix], basic.auth=USER_INFO [hidden],"
                        + " bearer.auth.token=none,"
                        + " schema.registry.ssl.truststore.location=null,"
                        + " schema.registry.ssl.truststore.password=none,"
                        + " schema.registry.ssl.truststore.type=JKS,"
                        + " schema.registry.ssl.keystore.location=null,"
                        + " schema.registry.ssl.keystore.password=none,"
                        + " schema.registry.ssl.key.password=none,"
                        + " schema.registry.ssl.keystore.type=JKS,"
                        + " http.connect.timeout.ms=1500, http.read.timeout.ms=2500,"
                        + " max.retries=5, retries.wait.ms=10, retries.max.wait.ms=40,"
                        + " max.schemas.per.subject=7}");
    }

    @Test
    void missingUrlIsAClearError() {
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromMap(Map.of("max.retries", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Missing required configuration 'schema.registry.url': "
                        + SchemaRegistryClientConfig.documentation("schema.registry.url"));
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromMap(Map.of("schema.registry.url", " , ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Missing required configuration 'schema.registry.url'");
    }

    @Test
    void unknownKeysInOurNamespacesAreRejectedWithTheSupportedList() {
        Map<String, Object> map = new HashMap<>();
        map.put("schema.registry.url", "http://localhost:8081");
        // Confluent has it, but java.net.http cannot turn hostname checks off per client.
        map.put("schema.registry.ssl.endpoint.identification.algorithm", "");
        map.put("bearer.auth.tokn", "x");
        map.put("value.subject.name.strategy", "whatever"); // serde key: ignored here
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromMap(map))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown schema registry configuration key(s) [bearer.auth.tokn,"
                        + " schema.registry.ssl.endpoint.identification.algorithm]; supported"
                        + " keys: "
                        + SUPPORTED);
        assertThat(SchemaRegistryClientConfig.supportedKeys().toString()).isEqualTo(SUPPORTED);
        for (String key : SchemaRegistryClientConfig.supportedKeys()) {
            assertThat(SchemaRegistryClientConfig.documentation(key)).as(key).isNotBlank();
        }
    }

    @Test
    void malformedValuesNameTheKey() {
        assertThatThrownBy(() -> parse("http.read.timeout.ms", "soon"))
                .hasMessage("Invalid value for configuration 'http.read.timeout.ms': expected a whole"
                        + " number, got 'soon'");
        assertThatThrownBy(() -> parse("http.connect.timeout.ms", "0"))
                .hasMessage("Invalid value for configuration 'http.connect.timeout.ms': expected a"
                        + " positive number of milliseconds, got '0'");
        assertThatThrownBy(() -> parse("max.retries", "-1"))
                .hasMessage("Invalid value for configuration 'max.retries': expected a number >= 0, got" + " '-1'");
        assertThatThrownBy(() -> parse("max.schemas.per.subject", "0"))
                .hasMessage("Invalid value for configuration 'max.schemas.per.subject': expected a"
                        + " number >= 1, got '0'");
        assertThatThrownBy(() -> parse("schema.registry.ssl.truststore.type", "PEM"))
                .hasMessage("Invalid value for configuration 'schema.registry.ssl.truststore.type':"
                        + " expected JKS or PKCS12, got 'PEM'");
        assertThatThrownBy(() -> parse("schema.registry.ssl.truststore.location", "/nonexistent/trust.jks"))
                .hasMessage("Invalid value for configuration 'schema.registry.ssl.truststore.location':"
                        + " file '/nonexistent/trust.jks' does not exist or is not readable");
        assertThatThrownBy(() -> parse("basic.auth.credentials.source", "SASL_INHERIT"))
                .hasMessage("Invalid value for configuration 'basic.auth.credentials.source': expected"
                        + " URL or USER_INFO, got 'SASL_INHERIT'");
        assertThatThrownBy(() -> parse("retries.max.wait.ms", "10"))
                .hasMessage("Configuration 'retries.max.wait.ms' (10) must not be below" + " 'retries.wait.ms' (1000)");
        assertThatThrownBy(
                        () -> SchemaRegistryClientConfig.fromMap(Map.of("schema.registry.url", "ftp://u:pw123@host/x")))
                .hasMessage("Invalid value for configuration 'schema.registry.url': 'ftp://host/x' is"
                        + " not an http(s) URL with a host");
    }

    @Test
    void keyStoreSettingsAreCheckedLikeTheTrustStore() {
        assertThatThrownBy(() -> parse("schema.registry.ssl.keystore.location", "/nonexistent/ks.p12"))
                .hasMessage("Invalid value for configuration 'schema.registry.ssl.keystore.location':"
                        + " file '/nonexistent/ks.p12' does not exist or is not readable");
        assertThatThrownBy(() -> parse("schema.registry.ssl.keystore.type", "PEM"))
                .hasMessage("Invalid value for configuration 'schema.registry.ssl.keystore.type':"
                        + " expected JKS or PKCS12, got 'PEM'");
        assertThatThrownBy(() -> parse("schema.registry.ssl.keystore.password", "ks-secret"))
                .hasMessage("Configuration 'schema.registry.ssl.keystore.password' is set without"
                        + " 'schema.registry.ssl.keystore.location'");
        assertThatThrownBy(() -> parse("schema.registry.ssl.key.password", "key-secret"))
                .hasMessage("Configuration 'schema.registry.ssl.key.password' is set without"
                        + " 'schema.registry.ssl.keystore.location'");
    }

    @Test
    void secretsAreNeverEchoed() {
        assertThatThrownBy(() -> parse("basic.auth.user.info", "justapassword"))
                .hasMessage("Invalid value for configuration 'basic.auth.user.info': expected"
                        + " 'user:password', (value hidden)")
                .message()
                .doesNotContain("justapassword");
        assertThatThrownBy(() -> parse("bearer.auth.token", "tok\r\nX-Injected: 1"))
                .hasMessage("Invalid value for configuration 'bearer.auth.token': expected a token of"
                        + " visible ASCII characters without spaces, (value hidden)");
        assertThatThrownBy(() -> parse("bearer.auth.token", 12345))
                .hasMessage(
                        "Invalid value for configuration 'bearer.auth.token': expected a string," + " (value hidden)");

        SchemaRegistryClientConfig urlCreds =
                SchemaRegistryClientConfig.fromMap(Map.of("schema.registry.url", "http://bob:hunter2@a:1,http://b:2"));
        assertThat(urlCreds.urls()).containsExactly("http://a:1", "http://b:2");
        assertThat(urlCreds.hasBasicAuth()).isTrue();
        assertThat(urlCreds.toString()).doesNotContain("hunter2").contains("basic.auth=URL [hidden]");

        SchemaRegistryClientConfig bearer = SchemaRegistryClientConfig.fromMap(Map.of(
                "schema.registry.url", "http://a:1",
                "bearer.auth.credentials.source", "STATIC_TOKEN",
                "bearer.auth.token", "tok-XYZ"));
        assertThat(bearer.hasBearerAuth()).isTrue();
        assertThat(bearer.toString()).doesNotContain("tok-XYZ").contains("bearer.auth.token=[hidden]");
    }

    @Test
    void authenticationSettingsThatExcludeEachOtherFailAtOnce() {
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromMap(Map.of(
                        "schema.registry.url", "http://a:1",
                        "basic.auth.user.info", "u:p",
                        "bearer.auth.token", "t")))
                .hasMessage("Configuration 'bearer.auth.token' and basic authentication"
                        + " (basic.auth.user.info) exclude each other: choose one");
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromMap(Map.of(
                        "schema.registry.url", "http://a:1",
                        "basic.auth.credentials.source", "USER_INFO")))
                .hasMessage("Missing required configuration 'basic.auth.user.info':"
                        + " basic.auth.credentials.source is USER_INFO");
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromMap(Map.of(
                        "schema.registry.url", "http://a:1",
                        "basic.auth.credentials.source", "URL",
                        "basic.auth.user.info", "u:p")))
                .hasMessage("Configuration 'basic.auth.user.info' is set but"
                        + " basic.auth.credentials.source is URL: set it to USER_INFO or drop"
                        + " the user info");
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromMap(Map.of(
                        "schema.registry.url", "http://a:1",
                        "bearer.auth.credentials.source", "OAUTHBEARER",
                        "bearer.auth.token", "t")))
                .hasMessage("Invalid value for configuration 'bearer.auth.credentials.source': expected"
                        + " STATIC_TOKEN (the only source supported), got 'OAUTHBEARER'");
        assertThatThrownBy(() -> SchemaRegistryClientConfig.fromMap(Map.of(
                        "schema.registry.url", "http://a:1",
                        "bearer.auth.credentials.source", "STATIC_TOKEN")))
                .hasMessage("Missing required configuration 'bearer.auth.token':"
                        + " bearer.auth.credentials.source is STATIC_TOKEN");
    }

    @Test
    void builderChecksTheSameRules() {
        assertThatThrownBy(() -> SchemaRegistryClientConfig.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Missing required configuration 'schema.registry.url'");
        SchemaRegistryClientConfig config = SchemaRegistryClientConfig.builder()
                .setUrls("http://a:1")
                .setConnectTimeout(Duration.ofMillis(5))
                .setMaxRetries(0)
                .build();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(5));
        assertThat(config.maxRetries()).isZero();
        assertThatThrownBy(() -> SchemaRegistryClientConfig.builder()
                        .setUrls("http://a:1")
                        .setReadTimeout(Duration.ofMillis(-1))
                        .build())
                .hasMessage("Invalid value for configuration 'http.read.timeout.ms': expected a"
                        + " positive number of milliseconds, got '-1'");
    }

    private static SchemaRegistryClientConfig parse(String key, Object value) {
        return SchemaRegistryClientConfig.fromMap(Map.of("schema.registry.url", "http://localhost:8081", key, value));
    }
}
