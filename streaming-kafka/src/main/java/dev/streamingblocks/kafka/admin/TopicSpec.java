package dev.streamingblocks.kafka.admin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What a topic should look like: name, partitions, replication and topic configs.
 *
 * <pre>{@code
 * TopicSpec orders = TopicSpec.builder("orders").setPartitions(6).setReplicationFactor((short) 3).build();
 * TopicSpec changelog = TopicSpec.builder("session-state").setPartitions(6).compacted().build();
 * }</pre>
 *
 * <p>Required: the name. Defaults: {@value #DEFAULT_PARTITIONS} partition(s), replication
 * {@value #DEFAULT_REPLICATION_FACTOR}, no configs (the broker's defaults apply).
 */
public final class TopicSpec {

    public static final int DEFAULT_PARTITIONS = 1;
    public static final short DEFAULT_REPLICATION_FACTOR = 1;

    private final String name;
    private final int partitions;
    private final short replicationFactor;
    private final Map<String, String> configs;

    private TopicSpec(Builder builder) {
        this.name = builder.name;
        this.partitions = builder.partitions;
        this.replicationFactor = builder.replicationFactor;
        this.configs = Collections.unmodifiableMap(new LinkedHashMap<>(builder.configs));
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public int partitions() {
        return partitions;
    }

    public short replicationFactor() {
        return replicationFactor;
    }

    public Map<String, String> configs() {
        return configs;
    }

    /** The {@code cleanup.policy} this spec asks for, or {@code null} to take the broker's default. */
    public String cleanupPolicy() {
        return configs.get(TopicConfig.CLEANUP_POLICY_CONFIG);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TopicSpec)) {
            return false;
        }
        TopicSpec that = (TopicSpec) o;
        return partitions == that.partitions
                && replicationFactor == that.replicationFactor
                && name.equals(that.name)
                && configs.equals(that.configs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, partitions, replicationFactor, configs);
    }

    @Override
    public String toString() {
        return "TopicSpec{name='" + name + "', partitions=" + partitions + ", replicationFactor=" + replicationFactor
                + ", configs=" + configs + "}";
    }

    /** Builds a {@link TopicSpec}; {@link #build()} validates and names the property. */
    public static final class Builder {

        private final String name;
        private int partitions = DEFAULT_PARTITIONS;
        private short replicationFactor = DEFAULT_REPLICATION_FACTOR;
        private final Map<String, String> configs = new LinkedHashMap<>();

        Builder(String name) {
            this.name = name;
        }

        public Builder setPartitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        public Builder setReplicationFactor(short replicationFactor) {
            this.replicationFactor = replicationFactor;
            return this;
        }

        /** A topic config such as {@code TopicConfig.RETENTION_MS_CONFIG}. */
        public Builder setConfig(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("config key must not be null or blank");
            }
            if (value == null) {
                throw new IllegalArgumentException("value of config '" + key + "' must not be null");
            }
            configs.put(key, value);
            return this;
        }

        /** {@code cleanup.policy=compact}, for changelog and other keyed-state topics. */
        public Builder compacted() {
            return setConfig(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }

        public TopicSpec build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must be set");
            }
            if (partitions < 1) {
                throw new IllegalArgumentException(
                        "partitions of topic '" + name + "' must be at least 1, but was " + partitions);
            }
            if (replicationFactor < 1) {
                throw new IllegalArgumentException(
                        "replicationFactor of topic '" + name + "' must be at least 1, but was " + replicationFactor);
            }
            return new TopicSpec(this);
        }
    }
}
