package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.core.avro.registry.internal.RegistryEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The schema-registry client's settings, with Confluent's key names so a Confluent client's
 * configuration carries over unchanged.
 *
 * <pre>{@code
 * SchemaRegistryClientConfig config = SchemaRegistryClientConfig.fromMap(Map.of(
 *         "schema.registry.url", "https://registry-a:8081,https://registry-b:8081",
 *         "basic.auth.credentials.source", "USER_INFO",
 *         "basic.auth.user.info", "alice:secret"));
 * // or
 * SchemaRegistryClientConfig same = SchemaRegistryClientConfig.builder()
 *         .setUrls("https://registry-a:8081", "https://registry-b:8081")
 *         .setBasicAuthUserInfo("alice:secret")
 *         .build();
 * }</pre>
 *
 * <p>Required: {@link #URL_CONFIG}. Every key is a constant below with its default, and one row
 * of the key table: how {@link #fromMap} reads it, its default, its check, the key it needs,
 * whether {@link #toString()} shows it and its documentation ({@link #documentation(String)},
 * {@link #supportedKeys()}). The builder and the built config hold their values by key, so a
 * setter or a getter is one line. {@link #fromMap} rejects unknown keys in the registry's namespaces
 * ({@code schema.registry.}, {@code basic.auth.}, {@code bearer.auth.}) and ignores every other
 * key, so one map can hold serde and Kafka settings too. Secrets (user info, token, trust-store
 * password) never appear in messages or {@link #toString()}.
 */
public final class SchemaRegistryClientConfig {

    public static final String URL_CONFIG = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_URL = "URL";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_USER_INFO = "USER_INFO";
    public static final String DEFAULT_BASIC_AUTH_CREDENTIALS_SOURCE = BASIC_AUTH_CREDENTIALS_SOURCE_URL;
    public static final String USER_INFO_CONFIG = "basic.auth.user.info";
    /** Confluent's alias of {@link #USER_INFO_CONFIG}. */
    public static final String SCHEMA_REGISTRY_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";

    public static final String BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE_STATIC_TOKEN = "STATIC_TOKEN";
    public static final String BEARER_AUTH_TOKEN_CONFIG = "bearer.auth.token";
    public static final String SSL_TRUSTSTORE_LOCATION_CONFIG = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
    public static final String DEFAULT_SSL_TRUSTSTORE_TYPE = "JKS";
    public static final String SSL_KEYSTORE_LOCATION_CONFIG = "schema.registry.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD_CONFIG = "schema.registry.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE_CONFIG = "schema.registry.ssl.keystore.type";
    public static final String DEFAULT_SSL_KEYSTORE_TYPE = "JKS";
    public static final String SSL_KEY_PASSWORD_CONFIG = "schema.registry.ssl.key.password";
    public static final String HTTP_CONNECT_TIMEOUT_MS_CONFIG = "http.connect.timeout.ms";
    public static final Duration DEFAULT_HTTP_CONNECT_TIMEOUT = Duration.ofSeconds(60);
    public static final String HTTP_READ_TIMEOUT_MS_CONFIG = "http.read.timeout.ms";
    public static final Duration DEFAULT_HTTP_READ_TIMEOUT = Duration.ofSeconds(60);
    public static final String MAX_RETRIES_CONFIG = "max.retries";
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final String RETRIES_WAIT_MS_CONFIG = "retries.wait.ms";
    public static final Duration DEFAULT_RETRIES_WAIT = Duration.ofSeconds(1);
    public static final String RETRIES_MAX_WAIT_MS_CONFIG = "retries.max.wait.ms";
    public static final Duration DEFAULT_RETRIES_MAX_WAIT = Duration.ofSeconds(20);
    public static final String MAX_SCHEMAS_PER_SUBJECT_CONFIG = "max.schemas.per.subject";
    public static final int DEFAULT_MAX_SCHEMAS_PER_SUBJECT = 1000;

    /** Prefixes of keys this class owns: unknown keys with these prefixes are rejected. */
    static final List<String> OWNED_PREFIXES = List.of("schema.registry.", "basic.auth.", "bearer.auth.");

    /** How {@link #fromMap} reads a key's value, and the type the builder stores. */
    private enum Kind {
        URLS,
        STRING,
        PATH,
        SECRET,
        MILLIS,
        INT
    }

    /** Checks one value in {@link Builder#build()} and returns it normalised. */
    @FunctionalInterface
    private interface Check {
        Object apply(String key, Object value);
    }

    private static final Check ANY = (key, value) -> value;
    private static final Check READABLE_FILE = (key, value) -> {
        if (value != null && !Files.isReadable((Path) value)) {
            throw new IllegalArgumentException("Invalid value for configuration '" + key + "': file '" + value
                    + "' does not exist or is not readable");
        }
        return value;
    };
    private static final Check STORE_TYPE = (key, value) -> {
        String type = value == null ? "" : value.toString().trim().toUpperCase(Locale.ROOT);
        if (!type.equals("JKS") && !type.equals("PKCS12")) {
            throw invalid(key, value, "JKS or PKCS12");
        }
        return type;
    };
    private static final Check POSITIVE_MILLIS = millis(false, "a positive number of milliseconds");
    private static final Check NON_NEGATIVE_MILLIS = millis(true, "a number of milliseconds >= 0");

    private static Check millis(boolean zeroAllowed, String expected) {
        return (key, value) -> {
            Duration d = (Duration) value;
            if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
                throw invalid(key, d == null ? null : d.toMillis(), expected);
            }
            return d;
        };
    }

    private static Check atLeast(int min) {
        return (key, value) -> {
            if ((Integer) value < min) {
                throw invalid(key, value, "a number >= " + min);
            }
            return value;
        };
    }

    /**
     * One row of the key table. {@code requires}: a key that must be set when this one is;
     * {@code shown}: whether {@link #toString()} lists it (secrets only as "[hidden]" or "none").
     */
    private record Key(
            String name, Kind kind, Object defaultValue, Check check, String requires, boolean shown, String doc) {

        Key requires(String other) {
            return new Key(name, kind, defaultValue, check, other, shown, doc);
        }

        Key hidden() {
            return new Key(name, kind, defaultValue, check, requires, false, doc);
        }

        Key doc(String text) {
            return new Key(name, kind, defaultValue, check, requires, shown, text);
        }
    }

    private static Key key(String name, Kind kind, Object defaultValue, Check check) {
        return new Key(name, kind, defaultValue, check, null, true, null);
    }

    /** Every key, in the order {@link Builder#build()} checks them and {@link #toString()} shows them. */
    private static final List<Key> KEYS = List.of(
            key(URL_CONFIG, Kind.URLS, null, ANY)
                    .hidden()
                    .doc("Comma-separated base URLs of the schema registry. On a connection error, a timeout or"
                            + " a 5xx answer the client moves on to the next URL. A URL may carry"
                            + " 'user:password@' for basic.auth.credentials.source=URL. Required."),
            key(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, Kind.STRING, null, ANY)
                    .hidden()
                    .doc("Where HTTP basic credentials come from: URL (the userinfo of schema.registry.url, if"
                            + " any) or USER_INFO (basic.auth.user.info). Default URL, as in Confluent's"
                            + " client, but USER_INFO when only basic.auth.user.info is given."),
            key(USER_INFO_CONFIG, Kind.SECRET, null, ANY)
                    .hidden()
                    .doc("'user:password' for HTTP basic authentication with"
                            + " basic.auth.credentials.source=USER_INFO. Secret."),
            key(SCHEMA_REGISTRY_USER_INFO_CONFIG, Kind.SECRET, null, ANY)
                    .hidden()
                    .doc("Alias of basic.auth.user.info. Secret."),
            key(BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG, Kind.STRING, null, ANY)
                    .hidden()
                    .doc("Where the bearer token comes from. Only STATIC_TOKEN (bearer.auth.token) is supported;"
                            + " it is the default when bearer.auth.token is set."),
            key(BEARER_AUTH_TOKEN_CONFIG, Kind.SECRET, null, ANY)
                    .doc("Token sent as 'Authorization: Bearer <token>'. Excludes basic authentication. Secret."),
            key(SSL_TRUSTSTORE_LOCATION_CONFIG, Kind.PATH, null, READABLE_FILE)
                    .doc("Trust store file for https URLs. Without it the JDK's default trust store is used."),
            key(SSL_TRUSTSTORE_PASSWORD_CONFIG, Kind.SECRET, null, ANY)
                    .requires(SSL_TRUSTSTORE_LOCATION_CONFIG)
                    .doc("Password of the trust store. Secret."),
            key(SSL_TRUSTSTORE_TYPE_CONFIG, Kind.STRING, DEFAULT_SSL_TRUSTSTORE_TYPE, STORE_TYPE)
                    .doc("Trust store format: JKS or PKCS12. Default JKS."),
            key(SSL_KEYSTORE_LOCATION_CONFIG, Kind.PATH, null, READABLE_FILE)
                    .doc("Key store with the client's certificate and key, for registries that require mutual"
                            + " TLS. Without it the client presents no certificate."),
            key(SSL_KEYSTORE_PASSWORD_CONFIG, Kind.SECRET, null, ANY)
                    .requires(SSL_KEYSTORE_LOCATION_CONFIG)
                    .doc("Password of the key store. Secret."),
            key(SSL_KEY_PASSWORD_CONFIG, Kind.SECRET, null, ANY)
                    .requires(SSL_KEYSTORE_LOCATION_CONFIG)
                    .doc("Password of the private key in the key store; defaults to the key store's password. Secret."),
            key(SSL_KEYSTORE_TYPE_CONFIG, Kind.STRING, DEFAULT_SSL_KEYSTORE_TYPE, STORE_TYPE)
                    .doc("Key store format: JKS or PKCS12. Default JKS."),
            key(HTTP_CONNECT_TIMEOUT_MS_CONFIG, Kind.MILLIS, DEFAULT_HTTP_CONNECT_TIMEOUT, POSITIVE_MILLIS)
                    .doc("Milliseconds to wait for a TCP/TLS connection to a registry URL. Default 60000."),
            key(HTTP_READ_TIMEOUT_MS_CONFIG, Kind.MILLIS, DEFAULT_HTTP_READ_TIMEOUT, POSITIVE_MILLIS)
                    .doc("Milliseconds to wait for the registry's answer to one request. Default 60000."),
            key(MAX_RETRIES_CONFIG, Kind.INT, DEFAULT_MAX_RETRIES, atLeast(0))
                    .doc("Retries after the first attempt on connection errors, timeouts and 5xx answers (never"
                            + " on 4xx). Default 3, so 4 attempts in all."),
            key(RETRIES_WAIT_MS_CONFIG, Kind.MILLIS, DEFAULT_RETRIES_WAIT, NON_NEGATIVE_MILLIS)
                    .doc("Initial backoff in milliseconds before retrying once every URL has failed; doubles per"
                            + " retry up to retries.max.wait.ms. Default 1000."),
            key(RETRIES_MAX_WAIT_MS_CONFIG, Kind.MILLIS, DEFAULT_RETRIES_MAX_WAIT, NON_NEGATIVE_MILLIS)
                    .doc("Upper bound of the backoff in milliseconds. Default 20000."),
            key(MAX_SCHEMAS_PER_SUBJECT_CONFIG, Kind.INT, DEFAULT_MAX_SCHEMAS_PER_SUBJECT, atLeast(1))
                    .doc("Cache bound: the most schemas cached per subject, and the most schemas cached by id."
                            + " Default 1000."));

    private static final Map<String, Key> BY_NAME = new LinkedHashMap<>();

    static {
        for (Key key : KEYS) {
            BY_NAME.put(key.name(), key);
        }
    }

    /** The checked values by key; absent keys and null values are unset. */
    private final Map<String, Object> values;

    private final List<RegistryEndpoint> endpoints;
    private final String basicAuthUserInfo;

    private SchemaRegistryClientConfig(
            Map<String, Object> values, List<RegistryEndpoint> endpoints, String basicAuthUserInfo) {
        this.values = values;
        this.endpoints = endpoints;
        this.basicAuthUserInfo = basicAuthUserInfo;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every key {@link #fromMap} understands, sorted. */
    public static Set<String> supportedKeys() {
        return Collections.unmodifiableSet(new TreeSet<>(BY_NAME.keySet()));
    }

    /** The documentation of {@code key}, or null when the key is not supported. */
    public static String documentation(String key) {
        Key known = BY_NAME.get(key);
        return known == null ? null : known.doc();
    }

    /**
     * Parses a Kafka-style map. Values may be strings or typed values: numbers or {@link Duration}s
     * for the {@code .ms} keys, a {@link Collection} of URLs, Kafka's {@code Password} for secrets.
     *
     * @throws IllegalArgumentException naming the key when the URL is missing, a value is malformed
     *     (secret values are never echoed), or a key in the registry's namespaces is unknown
     */
    public static SchemaRegistryClientConfig fromMap(Map<String, ?> config) {
        if (config == null) {
            throw new IllegalArgumentException("Schema registry configuration map must not be null");
        }
        Set<String> unknown = new TreeSet<>();
        for (String key : config.keySet()) {
            if (key != null
                    && !BY_NAME.containsKey(key)
                    && OWNED_PREFIXES.stream().anyMatch(key::startsWith)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "Unknown schema registry configuration key(s) " + unknown + "; supported keys: " + supportedKeys());
        }
        Object url = config.get(URL_CONFIG);
        if (url == null || url.toString().isBlank()) {
            throw missing(URL_CONFIG);
        }
        Builder b = builder();
        for (Key key : KEYS) {
            Object value = read(config, key);
            if (value != null) {
                b.values.put(key.name(), value);
            }
        }
        Object userInfo = b.values.get(USER_INFO_CONFIG);
        Object aliasUserInfo = b.values.remove(SCHEMA_REGISTRY_USER_INFO_CONFIG);
        if (userInfo != null && aliasUserInfo != null && !userInfo.equals(aliasUserInfo)) {
            throw new IllegalArgumentException("Configurations '" + USER_INFO_CONFIG + "' and '"
                    + SCHEMA_REGISTRY_USER_INFO_CONFIG + "' are both set, to different values: set only one");
        }
        if (userInfo == null && aliasUserInfo != null) {
            b.values.put(USER_INFO_CONFIG, aliasUserInfo);
        }
        return b.build();
    }

    /** The base URLs in failover order, without credentials. */
    public List<String> urls() {
        return endpoints.stream().map(RegistryEndpoint::display).collect(Collectors.toUnmodifiableList());
    }

    public boolean hasBasicAuth() {
        return basicAuthUserInfo != null || endpoints.stream().anyMatch(e -> e.userInfo() != null);
    }

    public boolean hasBearerAuth() {
        return bearerToken() != null;
    }

    /** The trust store for https, or null for the JDK default trust. */
    public Path trustStoreLocation() {
        return get(SSL_TRUSTSTORE_LOCATION_CONFIG);
    }

    public String trustStoreType() {
        return get(SSL_TRUSTSTORE_TYPE_CONFIG);
    }

    /** The key store for mutual TLS, or null when the client presents no certificate. */
    public Path keyStoreLocation() {
        return get(SSL_KEYSTORE_LOCATION_CONFIG);
    }

    public String keyStoreType() {
        return get(SSL_KEYSTORE_TYPE_CONFIG);
    }

    public Duration connectTimeout() {
        return get(HTTP_CONNECT_TIMEOUT_MS_CONFIG);
    }

    public Duration readTimeout() {
        return get(HTTP_READ_TIMEOUT_MS_CONFIG);
    }

    public int maxRetries() {
        return get(MAX_RETRIES_CONFIG);
    }

    public Duration retryBackoff() {
        return get(RETRIES_WAIT_MS_CONFIG);
    }

    public Duration maxRetryBackoff() {
        return get(RETRIES_MAX_WAIT_MS_CONFIG);
    }

    public int maxSchemasPerSubject() {
        return get(MAX_SCHEMAS_PER_SUBJECT_CONFIG);
    }

    // Secrets stay package-private: only the client in this package reads them.
    List<RegistryEndpoint> endpoints() {
        return endpoints;
    }

    String basicAuthUserInfo() {
        return basicAuthUserInfo;
    }

    String bearerToken() {
        return get(BEARER_AUTH_TOKEN_CONFIG);
    }

    String trustStorePassword() {
        return get(SSL_TRUSTSTORE_PASSWORD_CONFIG);
    }

    String keyStorePassword() {
        return get(SSL_KEYSTORE_PASSWORD_CONFIG);
    }

    /** The private key's password, falling back to the key store's as Kafka does. */
    String keyPassword() {
        String keyPassword = get(SSL_KEY_PASSWORD_CONFIG);
        return keyPassword != null ? keyPassword : keyStorePassword();
    }

    @SuppressWarnings("unchecked")
    private <T> T get(String key) {
        return (T) values.get(key);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("SchemaRegistryClientConfig{")
                .append(URL_CONFIG)
                .append('=')
                .append(urls())
                .append(", basic.auth=")
                .append(basicAuthUserInfo != null ? "USER_INFO [hidden]" : hasBasicAuth() ? "URL [hidden]" : "none");
        for (Key key : KEYS) {
            if (key.shown()) {
                Object value = values.get(key.name());
                out.append(", ")
                        .append(key.name())
                        .append('=')
                        .append(
                                key.kind() == Kind.SECRET
                                        ? (value != null ? "[hidden]" : "none")
                                        : value instanceof Duration d ? Long.valueOf(d.toMillis()) : value);
            }
        }
        return out.append('}').toString();
    }

    // ---- parsing helpers -------------------------------------------------------------------

    /** The value of {@code key} in {@code config} as the builder stores it, or null when it is not set. */
    private static Object read(Map<String, ?> config, Key key) {
        String name = key.name();
        Object v = config.get(name);
        if (v == null) {
            return null;
        }
        return switch (key.kind()) {
            case URLS -> urls(v);
            case STRING, PATH -> {
                String s = v.toString().trim();
                yield s.isEmpty() ? null : key.kind() == Kind.PATH ? Path.of(s) : s;
            }
            case SECRET -> secret(name, v);
            case MILLIS -> v instanceof Duration d ? d : Duration.ofMillis(number(name, v));
            case INT -> {
                long n = number(name, v);
                if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                    throw invalid(name, n, "a number that fits an int");
                }
                yield (int) n;
            }
        };
    }

    private static IllegalArgumentException missing(String key) {
        return new IllegalArgumentException("Missing required configuration '" + key + "': " + documentation(key));
    }

    private static IllegalArgumentException invalid(String key, Object value, String expected) {
        String shown = BY_NAME.get(key).kind() == Kind.SECRET ? "(value hidden)" : "got '" + value + "'";
        return new IllegalArgumentException(
                "Invalid value for configuration '" + key + "': expected " + expected + ", " + shown);
    }

    private static List<String> urls(Object value) {
        List<String> urls = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            for (Object o : c) {
                urls.add(String.valueOf(o));
            }
        } else {
            urls.addAll(List.of(value.toString().split(",")));
        }
        return urls;
    }

    private static String secret(String key, Object v) {
        // Kafka's Password prints "[hidden]" from toString(): read the real value.
        if (v instanceof org.apache.kafka.common.config.types.Password p) {
            v = p.value();
        }
        if (!(v instanceof CharSequence)) {
            throw invalid(key, v, "a string");
        }
        String s = v.toString();
        return s.isEmpty() ? null : s;
    }

    private static long number(String key, Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a whole number");
        }
    }

    /**
     * Builds a {@link SchemaRegistryClientConfig}; setters take typed values, and {@link #build()}
     * checks them together, naming the Confluent key of the offending setting.
     */
    public static final class Builder {
        private final Map<String, Object> values = new HashMap<>();

        Builder() {
            for (Key key : KEYS) {
                values.put(key.name(), key.defaultValue());
            }
        }

        private Builder set(String key, Object value) {
            values.put(key, value);
            return this;
        }

        /** Base URLs in failover order ({@value #URL_CONFIG}). */
        public Builder setUrls(String... urls) {
            return setUrls(List.of(urls));
        }

        public Builder setUrls(List<String> urls) {
            return set(URL_CONFIG, List.copyOf(urls));
        }

        /** {@code URL} or {@code USER_INFO} ({@value #BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG}). */
        public Builder setBasicAuthCredentialsSource(String source) {
            return set(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, source);
        }

        /** {@code user:password} ({@value #USER_INFO_CONFIG}). */
        public Builder setBasicAuthUserInfo(String userInfo) {
            return set(USER_INFO_CONFIG, userInfo);
        }

        /** Only {@code STATIC_TOKEN} ({@value #BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG}). */
        public Builder setBearerAuthCredentialsSource(String source) {
            return set(BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG, source);
        }

        /** The bearer token ({@value #BEARER_AUTH_TOKEN_CONFIG}). */
        public Builder setBearerAuthToken(String token) {
            return set(BEARER_AUTH_TOKEN_CONFIG, token);
        }

        public Builder setTrustStoreLocation(Path location) {
            return set(SSL_TRUSTSTORE_LOCATION_CONFIG, location);
        }

        public Builder setTrustStorePassword(String password) {
            return set(SSL_TRUSTSTORE_PASSWORD_CONFIG, password);
        }

        /** {@code JKS} or {@code PKCS12}. */
        public Builder setTrustStoreType(String type) {
            return set(SSL_TRUSTSTORE_TYPE_CONFIG, type);
        }

        /** The client's certificate and key for mutual TLS ({@value #SSL_KEYSTORE_LOCATION_CONFIG}). */
        public Builder setKeyStoreLocation(Path location) {
            return set(SSL_KEYSTORE_LOCATION_CONFIG, location);
        }

        public Builder setKeyStorePassword(String password) {
            return set(SSL_KEYSTORE_PASSWORD_CONFIG, password);
        }

        /** {@code JKS} or {@code PKCS12}. */
        public Builder setKeyStoreType(String type) {
            return set(SSL_KEYSTORE_TYPE_CONFIG, type);
        }

        /** The private key's password, when it differs from the key store's. */
        public Builder setKeyPassword(String password) {
            return set(SSL_KEY_PASSWORD_CONFIG, password);
        }

        public Builder setConnectTimeout(Duration timeout) {
            return set(HTTP_CONNECT_TIMEOUT_MS_CONFIG, timeout);
        }

        public Builder setReadTimeout(Duration timeout) {
            return set(HTTP_READ_TIMEOUT_MS_CONFIG, timeout);
        }

        /** Retries after the first attempt; 0 disables retrying. */
        public Builder setMaxRetries(int maxRetries) {
            return set(MAX_RETRIES_CONFIG, maxRetries);
        }

        public Builder setRetryBackoff(Duration initialBackoff) {
            return set(RETRIES_WAIT_MS_CONFIG, initialBackoff);
        }

        public Builder setMaxRetryBackoff(Duration maxBackoff) {
            return set(RETRIES_MAX_WAIT_MS_CONFIG, maxBackoff);
        }

        public Builder setMaxSchemasPerSubject(int maxSchemasPerSubject) {
            return set(MAX_SCHEMAS_PER_SUBJECT_CONFIG, maxSchemasPerSubject);
        }

        /**
         * @throws IllegalArgumentException naming the Confluent key of the first invalid setting
         */
        public SchemaRegistryClientConfig build() {
            @SuppressWarnings("unchecked")
            List<String> urls = (List<String>) values.get(URL_CONFIG);
            if (urls == null || urls.stream().allMatch(u -> u == null || u.isBlank())) {
                throw missing(URL_CONFIG);
            }
            List<RegistryEndpoint> endpoints = new ArrayList<>();
            for (String url : urls) {
                if (url != null && !url.isBlank()) {
                    endpoints.add(RegistryEndpoint.parse(URL_CONFIG, url));
                }
            }
            boolean urlHasUserInfo = endpoints.stream().anyMatch(e -> e.userInfo() != null);
            String userInfo = checkBasicAuth(urlHasUserInfo);
            checkBearerAuth(userInfo, urlHasUserInfo);
            Map<String, Object> checked = new HashMap<>();
            for (Key key : KEYS) {
                Object value = values.get(key.name());
                if (key.requires() != null && value != null && values.get(key.requires()) == null) {
                    throw new IllegalArgumentException(
                            "Configuration '" + key.name() + "' is set without '" + key.requires() + "'");
                }
                checked.put(key.name(), key.check().apply(key.name(), value));
            }
            Duration retryBackoff = (Duration) checked.get(RETRIES_WAIT_MS_CONFIG);
            Duration maxRetryBackoff = (Duration) checked.get(RETRIES_MAX_WAIT_MS_CONFIG);
            if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
                throw new IllegalArgumentException("Configuration '" + RETRIES_MAX_WAIT_MS_CONFIG + "' ("
                        + maxRetryBackoff.toMillis() + ") must not be below '" + RETRIES_WAIT_MS_CONFIG + "' ("
                        + retryBackoff.toMillis() + ")");
            }
            return new SchemaRegistryClientConfig(
                    Collections.unmodifiableMap(checked), List.copyOf(endpoints), userInfo);
        }

        /** The basic-auth user info to send, or null (none, or in the URLs). */
        private String checkBasicAuth(boolean urlHasUserInfo) {
            String basicAuthCredentialsSource = (String) values.get(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG);
            String basicAuthUserInfo = (String) values.get(USER_INFO_CONFIG);
            String source = basicAuthCredentialsSource == null
                    ? (basicAuthUserInfo != null
                            ? BASIC_AUTH_CREDENTIALS_SOURCE_USER_INFO
                            : DEFAULT_BASIC_AUTH_CREDENTIALS_SOURCE)
                    : basicAuthCredentialsSource.trim().toUpperCase(Locale.ROOT);
            if (source.equals(BASIC_AUTH_CREDENTIALS_SOURCE_USER_INFO)) {
                if (basicAuthUserInfo == null) {
                    throw new IllegalArgumentException("Missing required configuration '" + USER_INFO_CONFIG + "': "
                            + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + " is USER_INFO");
                }
                if (urlHasUserInfo) {
                    throw new IllegalArgumentException("Configuration '" + URL_CONFIG + "' carries credentials but "
                            + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + " is USER_INFO: put the"
                            + " credentials in one place only");
                }
                if (basicAuthUserInfo.indexOf(':') <= 0) {
                    throw invalid(USER_INFO_CONFIG, null, "'user:password'");
                }
                return basicAuthUserInfo;
            }
            if (source.equals(BASIC_AUTH_CREDENTIALS_SOURCE_URL)) {
                if (basicAuthUserInfo != null) {
                    throw new IllegalArgumentException("Configuration '" + USER_INFO_CONFIG + "' is set but "
                            + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + " is URL: set it to USER_INFO"
                            + " or drop the user info");
                }
                return null;
            }
            throw invalid(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, basicAuthCredentialsSource, "URL or USER_INFO");
        }

        private void checkBearerAuth(String userInfo, boolean urlHasUserInfo) {
            String bearerAuthCredentialsSource = (String) values.get(BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG);
            String bearerToken = (String) values.get(BEARER_AUTH_TOKEN_CONFIG);
            if (bearerAuthCredentialsSource != null) {
                if (!bearerAuthCredentialsSource.trim().equalsIgnoreCase(BEARER_AUTH_CREDENTIALS_SOURCE_STATIC_TOKEN)) {
                    throw invalid(
                            BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG,
                            bearerAuthCredentialsSource,
                            "STATIC_TOKEN (the only source supported)");
                }
                if (bearerToken == null) {
                    throw new IllegalArgumentException("Missing required configuration '" + BEARER_AUTH_TOKEN_CONFIG
                            + "': " + BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG + " is STATIC_TOKEN");
                }
            }
            // The JDK quotes an invalid header value in its exception: reject it here, unquoted.
            if (bearerToken != null && !bearerToken.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
                throw invalid(BEARER_AUTH_TOKEN_CONFIG, null, "a token of visible ASCII characters without spaces");
            }
            if (bearerToken != null && (userInfo != null || urlHasUserInfo)) {
                throw new IllegalArgumentException("Configuration '" + BEARER_AUTH_TOKEN_CONFIG
                        + "' and basic authentication ("
                        + (userInfo != null ? USER_INFO_CONFIG : "credentials in " + URL_CONFIG)
                        + ") exclude each other: choose one");
            }
        }
    }
}
