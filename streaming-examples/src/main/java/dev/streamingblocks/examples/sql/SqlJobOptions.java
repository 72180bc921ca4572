package dev.streamingblocks.examples.sql;

import dev.streamingblocks.examples.internal.ClientProperties;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the SQL example jobs find Kafka, the schema registry and PostgreSQL, from the command line
 * ({@link #parse}) or a builder (tests). The JDBC user and password may also come from the
 * environment ({@value #ENV_JDBC_USER}, {@value #ENV_JDBC_PASSWORD}), so the password need not
 * appear in a process list; it never appears in {@link #toString()}.
 *
 * <pre>{@code
 * SqlJobOptions options = SqlJobOptions.builder()
 *         .setBootstrapServers("localhost:9092")
 *         .setSchemaRegistryUrl("http://localhost:8081")
 *         .setBounded(true)   // read the topics up to their current end, then finish
 *         .build();
 * }</pre>
 *
 * <p>Required: {@code bootstrapServers}. Each job checks what else it needs ({@link
 * #requireSchemaRegistryUrl}, {@link #requireJdbcUrl}).
 */
public final class SqlJobOptions {

    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    public static final String DEFAULT_SCHEMA_REGISTRY_URL = "http://localhost:8081";
    public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://localhost:5432/analytics";
    public static final String ENV_JDBC_USER = "PGUSER";
    public static final String ENV_JDBC_PASSWORD = "PGPASSWORD";

    /** The {@code --help} text of every SQL job; {@code %s} is the job's own description. */
    static final String USAGE = """
            %s

            Options:
              --bootstrap-servers HOSTS   Kafka bootstrap servers (default %s)
              --schema-registry-url URL   Confluent-compatible schema registry (default %s)
              --jdbc-url URL              PostgreSQL for the JDBC sink (default %s)
              --jdbc-user USER            database user (default: $%s)
              --jdbc-password PASSWORD    database password (default: $%s; prefer the variable)
              --bounded                   read the input topics up to their current end, then finish
              --kafka-property KEY=VALUE  a Kafka client setting (e.g. security.protocol=SASL_SSL) for every
                                          Kafka table, as 'properties.KEY'; repeatable; never printed
              --kafka-properties FILE     Kafka client settings from a Java properties file
              --schema-registry-property KEY=VALUE  a registry client setting in Confluent's names (e.g.
                                          basic.auth.user.info), as 'avro-confluent.properties.KEY'; repeatable
              --schema-registry-properties FILE  registry settings from a Java properties file
              --help                      this text""";

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;
    private final boolean bounded;
    private final boolean help;
    private final Map<String, String> kafkaProperties;
    private final Map<String, String> schemaRegistryProperties;

    private SqlJobOptions(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.schemaRegistryUrl = b.schemaRegistryUrl;
        this.jdbcUrl = b.jdbcUrl;
        this.jdbcUser = b.jdbcUser;
        this.jdbcPassword = b.jdbcPassword;
        this.bounded = b.bounded;
        this.help = b.help;
        this.kafkaProperties = b.kafkaProperties;
        this.schemaRegistryProperties = b.schemaRegistryProperties;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses a job's command line; missing JDBC credentials are taken from {@code env}.
     *
     * @throws IllegalArgumentException naming the option that is unknown or lacks its value
     */
    public static SqlJobOptions parse(String[] args, Map<String, String> env) {
        Objects.requireNonNull(args, "args must not be null");
        Objects.requireNonNull(env, "env must not be null");
        Builder b = builder()
                .setBootstrapServers(DEFAULT_BOOTSTRAP_SERVERS)
                .setSchemaRegistryUrl(DEFAULT_SCHEMA_REGISTRY_URL)
                .setJdbcUrl(DEFAULT_JDBC_URL)
                .setJdbcUser(env.get(ENV_JDBC_USER))
                .setJdbcPassword(env.get(ENV_JDBC_PASSWORD));
        String kafkaFile = null;
        String registryFile = null;
        List<String> kafkaPairs = new ArrayList<>();
        List<String> registryPairs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--bootstrap-servers" -> b.setBootstrapServers(value(args, ++i, option));
                case "--schema-registry-url" -> b.setSchemaRegistryUrl(value(args, ++i, option));
                case "--jdbc-url" -> b.setJdbcUrl(value(args, ++i, option));
                case "--jdbc-user" -> b.setJdbcUser(value(args, ++i, option));
                case "--jdbc-password" -> b.setJdbcPassword(value(args, ++i, option));
                case "--bounded" -> b.setBounded(true);
                case ClientProperties.KAFKA_PROPERTY -> kafkaPairs.add(value(args, ++i, option));
                case ClientProperties.KAFKA_PROPERTIES -> kafkaFile = value(args, ++i, option);
                case ClientProperties.REGISTRY_PROPERTY -> registryPairs.add(value(args, ++i, option));
                case ClientProperties.REGISTRY_PROPERTIES -> registryFile = value(args, ++i, option);
                case "--help", "-h" -> b.help = true;
                default -> throw new IllegalArgumentException("Unknown option '" + option + "'; try --help");
            }
        }
        b.setKafkaProperties(ClientProperties.kafka(null, kafkaFile, kafkaPairs));
        b.setSchemaRegistryProperties(ClientProperties.registry(null, registryFile, registryPairs));
        return b.build();
    }

    /** The usage text for a job described by {@code description}. */
    public static String usage(String description) {
        return USAGE.formatted(
                description,
                DEFAULT_BOOTSTRAP_SERVERS,
                DEFAULT_SCHEMA_REGISTRY_URL,
                DEFAULT_JDBC_URL,
                ENV_JDBC_USER,
                ENV_JDBC_PASSWORD);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The registry URL, or {@code null} when none was given. */
    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    /** The JDBC URL, or {@code null} when none was given. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The JDBC user, or {@code null} for the driver's default. */
    public String jdbcUser() {
        return jdbcUser;
    }

    /** The JDBC password, or {@code null}; never log it. */
    public String jdbcPassword() {
        return jdbcPassword;
    }

    /** Whether sources stop at the topics' end offsets at start-up (tests, one-off runs). */
    public boolean bounded() {
        return bounded;
    }

    /** The user's Kafka client settings (security...); never log the values. */
    public Map<String, String> kafkaProperties() {
        return kafkaProperties;
    }

    /** The user's schema registry client settings in Confluent's names; never log the values. */
    public Map<String, String> schemaRegistryProperties() {
        return schemaRegistryProperties;
    }

    /** Adds the user's Kafka settings to a Kafka or upsert-kafka table's options, as {@code properties.KEY}. */
    public Map<String, String> withKafkaProperties(Map<String, String> tableOptions) {
        kafkaProperties.forEach((key, value) -> tableOptions.put("properties." + key, value));
        return tableOptions;
    }

    /** Adds the user's registry settings to an avro-confluent table's options, as {@code avro-confluent.properties.KEY}. */
    public Map<String, String> withSchemaRegistryProperties(Map<String, String> tableOptions) {
        schemaRegistryProperties.forEach((key, value) -> tableOptions.put("avro-confluent.properties." + key, value));
        return tableOptions;
    }

    /** Whether {@code --help} was given. */
    public boolean help() {
        return help;
    }

    /** @throws IllegalArgumentException when no schema registry URL is set */
    public String requireSchemaRegistryUrl() {
        if (schemaRegistryUrl == null) {
            throw new IllegalArgumentException("schemaRegistryUrl (--schema-registry-url) is required by this job");
        }
        return schemaRegistryUrl;
    }

    /** @throws IllegalArgumentException when no JDBC URL is set */
    public String requireJdbcUrl() {
        if (jdbcUrl == null) {
            throw new IllegalArgumentException("jdbcUrl (--jdbc-url) is required by this job");
        }
        return jdbcUrl;
    }

    @Override
    public String toString() {
        return "SqlJobOptions{bootstrapServers=" + bootstrapServers
                + ", schemaRegistryUrl=" + schemaRegistryUrl
                + ", jdbcUrl=" + jdbcUrl
                + ", jdbcUser=" + jdbcUser
                + ", jdbcPassword=" + (jdbcPassword == null ? "(none)" : "****")
                + ", bounded=" + bounded
                + (kafkaProperties.isEmpty() ? "" : ", kafkaProperties=" + kafkaProperties.keySet())
                + (schemaRegistryProperties.isEmpty()
                        ? ""
                        : ", schemaRegistryProperties=" + schemaRegistryProperties.keySet())
                + "}";
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value; try --help");
        }
        return args[i];
    }

    /** Builds {@link SqlJobOptions}; see the class Javadoc. */
    public static final class Builder {
        private String bootstrapServers;
        private String schemaRegistryUrl;
        private String jdbcUrl;
        private String jdbcUser;
        private String jdbcPassword;
        private boolean bounded;
        private boolean help;
        private Map<String, String> kafkaProperties = Map.of();
        private Map<String, String> schemaRegistryProperties = Map.of();

        Builder() {}

        /** Kafka client settings (security...) for every Kafka table; values are never printed. */
        public Builder setKafkaProperties(Map<String, String> kafkaProperties) {
            this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaProperties));
            return this;
        }

        /** Schema registry client settings in Confluent's names for the avro-confluent tables. */
        public Builder setSchemaRegistryProperties(Map<String, String> schemaRegistryProperties) {
            this.schemaRegistryProperties = Collections.unmodifiableMap(new LinkedHashMap<>(schemaRegistryProperties));
            return this;
        }

        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder setSchemaRegistryUrl(String schemaRegistryUrl) {
            this.schemaRegistryUrl = schemaRegistryUrl;
            return this;
        }

        public Builder setJdbcUrl(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        public Builder setJdbcUser(String jdbcUser) {
            this.jdbcUser = jdbcUser;
            return this;
        }

        public Builder setJdbcPassword(String jdbcPassword) {
            this.jdbcPassword = jdbcPassword;
            return this;
        }

        public Builder setBounded(boolean bounded) {
            this.bounded = bounded;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the property that is blank
         */
        public SqlJobOptions build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers (--bootstrap-servers) must not be blank");
            }
            if (schemaRegistryUrl != null && schemaRegistryUrl.isBlank()) {
                throw new IllegalArgumentException("schemaRegistryUrl (--schema-registry-url) must not be blank");
            }
            if (jdbcUrl != null && jdbcUrl.isBlank()) {
                throw new IllegalArgumentException("jdbcUrl (--jdbc-url) must not be blank");
            }
            return new SqlJobOptions(this);
        }
    }
}
