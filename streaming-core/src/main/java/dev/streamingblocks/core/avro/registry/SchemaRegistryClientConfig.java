package dev.streamingblocks.core.avro.registry;

import dev.streamingblocks.core.avro.registry.internal.RegistryEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
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
 * <p>Required: {@link #URL_CONFIG}. Every key is a constant below with its default; its
 * documentation, how {@link #fromMap} reads it, which builder setter takes it and how
 * {@link #toString()} shows it are one row of the key table ({@link #documentation(String)},
 * {@link #supportedKeys()}). {@link #fromMap} rejects unknown keys in the registry's namespaces
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

    /** How {@link #fromMap} reads a key's value. */
    private enum Kind {
        URLS,
        STRING,
        PATH,
        SECRET,
        MILLIS,
        INT
    }

    /**
     * One row of the key table: the key, how it is read, its documentation, the builder setter
     * that takes it and, if {@link #toString()} shows it, the value shown (secrets only as
     * "[hidden]" or "none").
     */
    private record Key(
            String name,
            Kind kind,
            String doc,
            BiConsumer<Builder, Object> setter,
            Function<SchemaRegistryClientConfig, Object> shown) {}

    /** Every key, in the order {@link #fromMap} reads them and {@link #toString()} shows them. */
    private static final List<Key> KEYS = List.of(
            new Key(
                    URL_CONFIG,
                    Kind.URLS,
                    "Comma-separated base URLs of the schema registry. On a connection error, a timeout or"
                            + " a 5xx answer the client moves on to the next URL. A URL may carry"
                            + " 'user:password@' for basic.auth.credentials.source=URL. Required.",
                    (b, v) -> b.setUrls(urls(v)),
                    null),
            new Key(
                    BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
                    Kind.STRING,
                    "Where HTTP basic credentials come from: URL (the userinfo of schema.registry.url, if"
                            + " any) or USER_INFO (basic.auth.user.info). Default URL, as in Confluent's"
                            + " client, but USER_INFO when only basic.auth.user.info is given.",
                    (b, v) -> b.setBasicAuthCredentialsSource((String) v),
                    null),
            new Key(
                    USER_INFO_CONFIG,
                    Kind.SECRET,
                    "'user:password' for HTTP basic authentication with"
                            + " basic.auth.credentials.source=USER_INFO. Secret.",
                    (b, v) -> b.setBasicAuthUserInfo((String) v),
                    null),
            new Key(
                    SCHEMA_REGISTRY_USER_INFO_CONFIG,
                    Kind.SECRET,
                    "Alias of basic.auth.user.info. Secret.",
                    (b, v) -> b.setBasicAuthUserInfo((String) v),
                    null),
            new Key(
                    BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG,
                    Kind.STRING,
                    "Where the bearer token comes from. Only STATIC_TOKEN (bearer.auth.token) is supported;"
                            + " it is the default when bearer.auth.token is set.",
                    (b, v) -> b.setBearerAuthCredentialsSource((String) v),
                    null),
            new Key(
                    BEARER_AUTH_TOKEN_CONFIG,
                    Kind.SECRET,
                    "Token sent as 'Authorization: Bearer <token>'. Excludes basic authentication. Secret.",
                    (b, v) -> b.setBearerAuthToken((String) v),
                    c -> c.bearerToken),
            new Key(
                    SSL_TRUSTSTORE_LOCATION_CONFIG,
                    Kind.PATH,
                    "Trust store file for https URLs. Without it the JDK's default trust store is used.",
                    (b, v) -> b.setTrustStoreLocation((Path) v),
                    c -> c.trustStoreLocation),
            new Key(
                    SSL_TRUSTSTORE_PASSWORD_CONFIG,
                    Kind.SECRET,
                    "Password of the trust store. Secret.",
                    (b, v) -> b.setTrustStorePassword((String) v),
                    c -> c.trustStorePassword),
            new Key(
                    SSL_TRUSTSTORE_TYPE_CONFIG,
                    Kind.STRING,
                    "Trust store format: JKS or PKCS12. Default JKS.",
                    (b, v) -> b.setTrustStoreType((String) v),
                    c -> c.trustStoreType),
            new Key(
                    SSL_KEYSTORE_LOCATION_CONFIG,
                    Kind.PATH,
                    "Key store with the client's certificate and key, for registries that require mutual"
                            + " TLS. Without it the client presents no certificate.",
                    (b, v) -> b.setKeyStoreLocation((Path) v),
                    c -> c.keyStoreLocation),
            new Key(
                    SSL_KEYSTORE_PASSWORD_CONFIG,
                    Kind.SECRET,
                    "Password of the key store. Secret.",
                    (b, v) -> b.setKeyStorePassword((String) v),
                    c -> c.keyStorePassword),
            new Key(
                    SSL_KEY_PASSWORD_CONFIG,
                    Kind.SECRET,
                    "Password of the private key in the key store; defaults to the key store's password." + " Secret.",
                    (b, v) -> b.setKeyPassword((String) v),
                    c -> c.keyPassword),
            new Key(
                    SSL_KEYSTORE_TYPE_CONFIG,
                    Kind.STRING,
                    "Key store format: JKS or PKCS12. Default JKS.",
                    (b, v) -> b.setKeyStoreType((String) v),
                    c -> c.keyStoreType),
            new Key(
                    HTTP_CONNECT_TIMEOUT_MS_CONFIG,
                    Kind.MILLIS,
                    "Milliseconds to wait for a TCP/TLS connection to a registry URL. Default 60000.",
                    (b, v) -> b.setConnectTimeout((Duration) v),
                    c -> c.connectTimeout),
            new Key(
                    HTTP_READ_TIMEOUT_MS_CONFIG,
                    Kind.MILLIS,
                    "Milliseconds to wait for the registry's answer to one request. Default 60000.",
                    (b, v) -> b.setReadTimeout((Duration) v),
                    c -> c.readTimeout),
            new Key(
                    MAX_RETRIES_CONFIG,
                    Kind.INT,
                    "Retries after the first attempt on connection errors, timeouts and 5xx answers (never"
                            + " on 4xx). Default 3, so 4 attempts in all.",
                    (b, v) -> b.setMaxRetries((Integer) v),
                    c -> c.maxRetries),
            new Key(
                    RETRIES_WAIT_MS_CONFIG,
                    Kind.MILLIS,
                    "Initial backoff in milliseconds before retrying once every URL has failed; doubles per"
                            + " retry up to retries.max.wait.ms. Default 1000.",
                    (b, v) -> b.setRetryBackoff((Duration) v),
                    c -> c.retryBackoff),
            new Key(
                    RETRIES_MAX_WAIT_MS_CONFIG,
                    Kind.MILLIS,
                    "Upper bound of the backoff in milliseconds. Default 20000.",
                    (b, v) -> b.setMaxRetryBackoff((Duration) v),
                    c -> c.maxRetryBackoff),
            new Key(
                    MAX_SCHEMAS_PER_SUBJECT_CONFIG,
                    Kind.INT,
                    "Cache bound: the most schemas cached per subject, and the most schemas cached by id."
                            + " Default 1000.",
                    (b, v) -> b.setMaxSchemasPerSubject((Integer) v),
                    c -> c.maxSchemasPerSubject));

    private static final Map<String, Key> BY_NAME = new LinkedHashMap<>();

    static {
        for (Key key : KEYS) {
            BY_NAME.put(key.name(), key);
        }
    }

    private final List<RegistryEndpoint> endpoints;
    private final String basicAuthUserInfo;
    private final String bearerToken;
    private final Path trustStoreLocation;
    private final String trustStorePassword;
    private final String trustStoreType;
    private final Path keyStoreLocation;
    private final String keyStorePassword;
    private final String keyStoreType;
    private final String keyPassword;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final int maxSchemasPerSubject;

    private SchemaRegistryClientConfig(Builder b, List<RegistryEndpoint> endpoints, String basicAuthUserInfo) {
        this.endpoints = endpoints;
        this.basicAuthUserInfo = basicAuthUserInfo;
        this.bearerToken = b.bearerToken;
        this.trustStoreLocation = b.trustStoreLocation;
        this.trustStorePassword = b.trustStorePassword;
        this.trustStoreType = b.trustStoreType;
        this.keyStoreLocation = b.keyStoreLocation;
        this.keyStorePassword = b.keyStorePassword;
        this.keyStoreType = b.keyStoreType;
        this.keyPassword = b.keyPassword;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
        this.maxRetryBackoff = b.maxRetryBackoff;
        this.maxSchemasPerSubject = b.maxSchemasPerSubject;
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
        Map<String, Object> values = new LinkedHashMap<>();
        for (Key key : KEYS) {
            Object value = read(config, key);
            if (value != null) {
                values.put(key.name(), value);
            }
        }
        Object userInfo = values.get(USER_INFO_CONFIG);
        Object aliasUserInfo = values.remove(SCHEMA_REGISTRY_USER_INFO_CONFIG);
        if (userInfo != null && aliasUserInfo != null && !userInfo.equals(aliasUserInfo)) {
            throw new IllegalArgumentException("Configurations '" + USER_INFO_CONFIG + "' and '"
                    + SCHEMA_REGISTRY_USER_INFO_CONFIG + "' are both set, to different values: set only one");
        }
        if (userInfo == null && aliasUserInfo != null) {
            values.put(USER_INFO_CONFIG, aliasUserInfo);
        }
        Builder b = builder();
        values.forEach((key, value) -> BY_NAME.get(key).setter().accept(b, value));
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
        return bearerToken != null;
    }

    /** The trust store for https, or null for the JDK default trust. */
    public Path trustStoreLocation() {
        return trustStoreLocation;
    }

    public String trustStoreType() {
        return trustStoreType;
    }

    /** The key store for mutual TLS, or null when the client presents no certificate. */
    public Path keyStoreLocation() {
        return keyStoreLocation;
    }

    public String keyStoreType() {
        return keyStoreType;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration retryBackoff() {
        return retryBackoff;
    }

    public Duration maxRetryBackoff() {
        return maxRetryBackoff;
    }

    public int maxSchemasPerSubject() {
        return maxSchemasPerSubject;
    }

    // Secrets stay package-private: only the client in this package reads them.
    List<RegistryEndpoint> endpoints() {
        return endpoints;
    }

    String basicAuthUserInfo() {
        return basicAuthUserInfo;
    }

    String bearerToken() {
        return bearerToken;
    }

    String trustStorePassword() {
        return trustStorePassword;
    }

    String keyStorePassword() {
        return keyStorePassword;
    }

    /** The private key's password, falling back to the key store's as Kafka does. */
    String keyPassword() {
        return keyPassword != null ? keyPassword : keyStorePassword;
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
            if (key.shown() != null) {
                Object value = key.shown().apply(this);
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

    /** The value of {@code key} in {@code config} as its setter takes it, or null when it is not set. */
    private static Object read(Map<String, ?> config, Key key) {
        String name = key.name();
        switch (key.kind()) {
            case URLS:
                return config.get(name);
            case STRING:
                return string(config, name);
            case PATH:
                String path = string(config, name);
                return path == null ? null : Path.of(path);
            case SECRET:
                return secret(config, name);
            case MILLIS:
                return millis(config, name);
            default:
                Long number = number(config, name);
                return number == null ? null : toInt(name, number);
        }
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

    private static String string(Map<String, ?> config, String key) {
        Object v = config.get(key);
        if (v == null) {
            return null;
        }
        String s = v.toString().trim();
        return s.isEmpty() ? null : s;
    }

    private static String secret(Map<String, ?> config, String key) {
        Object v = config.get(key);
        if (v == null) {
            return null;
        }
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

    private static Long number(Map<String, ?> config, String key) {
        Object v = config.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a whole number");
        }
    }

    private static Duration millis(Map<String, ?> config, String key) {
        Object v = config.get(key);
        if (v instanceof Duration d) {
            return d;
        }
        Long ms = number(config, key);
        return ms == null ? null : Duration.ofMillis(ms);
    }

    private static int toInt(String key, long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw invalid(key, value, "a number that fits an int");
        }
        return (int) value;
    }

    /**
     * Builds a {@link SchemaRegistryClientConfig}; setters take typed values, and {@link #build()}
     * checks them together, naming the Confluent key of the offending setting.
     */
    public static final class Builder {
        private List<String> urls;
        private String basicAuthCredentialsSource;
        private String basicAuthUserInfo;
        private String bearerAuthCredentialsSource;
        private String bearerToken;
        private Path trustStoreLocation;
        private String trustStorePassword;
        private String trustStoreType = DEFAULT_SSL_TRUSTSTORE_TYPE;
        private Path keyStoreLocation;
        private String keyStorePassword;
        private String keyStoreType = DEFAULT_SSL_KEYSTORE_TYPE;
        private String keyPassword;
        private Duration connectTimeout = DEFAULT_HTTP_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_HTTP_READ_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration retryBackoff = DEFAULT_RETRIES_WAIT;
        private Duration maxRetryBackoff = DEFAULT_RETRIES_MAX_WAIT;
        private int maxSchemasPerSubject = DEFAULT_MAX_SCHEMAS_PER_SUBJECT;

        Builder() {}

        /** Base URLs in failover order ({@value #URL_CONFIG}). */
        public Builder setUrls(String... urls) {
            return setUrls(List.of(urls));
        }

        public Builder setUrls(List<String> urls) {
            this.urls = List.copyOf(urls);
            return this;
        }

        /** {@code URL} or {@code USER_INFO} ({@value #BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG}). */
        public Builder setBasicAuthCredentialsSource(String source) {
            this.basicAuthCredentialsSource = source;
            return this;
        }

        /** {@code user:password} ({@value #USER_INFO_CONFIG}). */
        public Builder setBasicAuthUserInfo(String userInfo) {
            this.basicAuthUserInfo = userInfo;
            return this;
        }

        /** Only {@code STATIC_TOKEN} ({@value #BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG}). */
        public Builder setBearerAuthCredentialsSource(String source) {
            this.bearerAuthCredentialsSource = source;
            return this;
        }

        /** The bearer token ({@value #BEARER_AUTH_TOKEN_CONFIG}). */
        public Builder setBearerAuthToken(String token) {
            this.bearerToken = token;
            return this;
        }

        public Builder setTrustStoreLocation(Path location) {
            this.trustStoreLocation = location;
            return this;
        }

        public Builder setTrustStorePassword(String password) {
            this.trustStorePassword = password;
            return this;
        }

        /** {@code JKS} or {@code PKCS12}. */
        public Builder setTrustStoreType(String type) {
            this.trustStoreType = type;
            return this;
        }

        /**
         * The client's certificate and key for mutual TLS ({@value #SSL_KEYSTORE_LOCATION_CONFIG}).
         */
        public Builder setKeyStoreLocation(Path location) {
            this.keyStoreLocation = location;
            return this;
        }

        public Builder setKeyStorePassword(String password) {
            this.keyStorePassword = password;
            return this;
        }

        /** {@code JKS} or {@code PKCS12}. */
        public Builder setKeyStoreType(String type) {
            this.keyStoreType = type;
            return this;
        }

        /** The private key's password, when it differs from the key store's. */
        public Builder setKeyPassword(String password) {
            this.keyPassword = password;
            return this;
        }

        public Builder setConnectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder setReadTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        /** Retries after the first attempt; 0 disables retrying. */
        public Builder setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder setRetryBackoff(Duration initialBackoff) {
            this.retryBackoff = initialBackoff;
            return this;
        }

        public Builder setMaxRetryBackoff(Duration maxBackoff) {
            this.maxRetryBackoff = maxBackoff;
            return this;
        }

        public Builder setMaxSchemasPerSubject(int maxSchemasPerSubject) {
            this.maxSchemasPerSubject = maxSchemasPerSubject;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the Confluent key of the first invalid setting
         */
        public SchemaRegistryClientConfig build() {
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
            trustStoreType = checkStore(
                    SSL_TRUSTSTORE_LOCATION_CONFIG,
                    trustStoreLocation,
                    SSL_TRUSTSTORE_PASSWORD_CONFIG,
                    trustStorePassword,
                    SSL_TRUSTSTORE_TYPE_CONFIG,
                    trustStoreType);
            keyStoreType = checkStore(
                    SSL_KEYSTORE_LOCATION_CONFIG,
                    keyStoreLocation,
                    SSL_KEYSTORE_PASSWORD_CONFIG,
                    keyStorePassword,
                    SSL_KEYSTORE_TYPE_CONFIG,
                    keyStoreType);
            if (keyStoreLocation == null && keyPassword != null) {
                throw new IllegalArgumentException("Configuration '" + SSL_KEY_PASSWORD_CONFIG + "' is set without '"
                        + SSL_KEYSTORE_LOCATION_CONFIG + "'");
            }
            requirePositive(HTTP_CONNECT_TIMEOUT_MS_CONFIG, connectTimeout);
            requirePositive(HTTP_READ_TIMEOUT_MS_CONFIG, readTimeout);
            if (maxRetries < 0) {
                throw invalid(MAX_RETRIES_CONFIG, maxRetries, "a number >= 0");
            }
            requireNonNegative(RETRIES_WAIT_MS_CONFIG, retryBackoff);
            requireNonNegative(RETRIES_MAX_WAIT_MS_CONFIG, maxRetryBackoff);
            if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
                throw new IllegalArgumentException("Configuration '" + RETRIES_MAX_WAIT_MS_CONFIG + "' ("
                        + maxRetryBackoff.toMillis() + ") must not be below '" + RETRIES_WAIT_MS_CONFIG + "' ("
                        + retryBackoff.toMillis() + ")");
            }
            if (maxSchemasPerSubject < 1) {
                throw invalid(MAX_SCHEMAS_PER_SUBJECT_CONFIG, maxSchemasPerSubject, "a number >= 1");
            }
            return new SchemaRegistryClientConfig(this, List.copyOf(endpoints), userInfo);
        }

        /** The basic-auth user info to send, or null (none, or in the URLs). */
        private String checkBasicAuth(boolean urlHasUserInfo) {
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

        /** Checks one key/trust store's settings and returns its normalised type. */
        private static String checkStore(
                String locationKey, Path location, String passwordKey, String password, String typeKey, String type) {
            if (location != null && !Files.isReadable(location)) {
                throw new IllegalArgumentException("Invalid value for configuration '" + locationKey + "': file '"
                        + location + "' does not exist or is not readable");
            }
            if (location == null && password != null) {
                throw new IllegalArgumentException(
                        "Configuration '" + passwordKey + "' is set without '" + locationKey + "'");
            }
            String normalised = type == null ? "" : type.trim().toUpperCase(Locale.ROOT);
            if (!normalised.equals("JKS") && !normalised.equals("PKCS12")) {
                throw invalid(typeKey, type, "JKS or PKCS12");
            }
            return normalised;
        }

        private static void requirePositive(String key, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw invalid(key, d == null ? null : d.toMillis(), "a positive number of milliseconds");
            }
        }

        private static void requireNonNegative(String key, Duration d) {
            if (d == null || d.isNegative()) {
                throw invalid(key, d == null ? null : d.toMillis(), "a number of milliseconds >= 0");
            }
        }
    }
}
