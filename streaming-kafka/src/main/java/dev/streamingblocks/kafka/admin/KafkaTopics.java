package dev.streamingblocks.kafka.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics idempotently and checks that existing ones match their {@link TopicSpec}.
 *
 * <pre>{@code
 * try (KafkaTopics topics = KafkaTopics.builder().setBootstrapServers("localhost:9092").build()) {
 *     topics.ensureTopics(
 *             TopicSpec.builder("orders").setPartitions(6).setReplicationFactor((short) 3).build(),
 *             TopicSpec.builder("order-state").setPartitions(6).compacted().build());
 * }
 * }</pre>
 *
 * <p>A missing topic is created. An existing topic is accepted unless it differs in a way that
 * matters, which throws a {@link TopicMismatchException}: fewer partitions than the spec (keyed
 * data would not spread as planned and partitions cannot be removed later), or a different
 * {@code cleanup.policy} (a changelog that is not compacted loses state; a compacted event topic
 * loses events). More partitions or another replication factor only log a warning.
 *
 * <p>Required: {@code bootstrapServers} or an {@code admin}. Default timeout per call:
 * {@link #DEFAULT_TIMEOUT}.
 */
public final class KafkaTopics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Pause before asking again for a topic the answering broker has not seen yet. */
    private static final Duration METADATA_RETRY_PAUSE = Duration.ofMillis(100);

    private final Admin admin;
    private final boolean ownsAdmin;
    private final Duration timeout;

    private KafkaTopics(Admin admin, boolean ownsAdmin, Duration timeout) {
        this.admin = admin;
        this.ownsAdmin = ownsAdmin;
        this.timeout = timeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** See {@link #ensureTopics(Collection)}. */
    public List<String> ensureTopics(TopicSpec... specs) {
        return ensureTopics(Arrays.asList(specs));
    }

    /**
     * Makes sure every topic exists as specified.
     *
     * @return the names of the topics this call created, in spec order; empty when all existed
     * @throws TopicMismatchException if an existing topic differs in a way that matters
     * @throws KafkaAdminException if Kafka refuses or does not answer within the timeout
     */
    public List<String> ensureTopics(Collection<TopicSpec> specs) {
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (TopicSpec spec : specs) {
            if (spec == null) {
                throw new IllegalArgumentException("specs must not contain null");
            }
            TopicSpec previous = byName.put(spec.name(), spec);
            if (previous != null && !previous.equals(spec)) {
                throw new IllegalArgumentException(
                        "Two different specs for topic '" + spec.name() + "': " + previous + " and " + spec);
            }
        }
        if (byName.isEmpty()) {
            return List.of();
        }

        Map<String, TopicDescription> existing = describeExisting(byName.keySet());
        List<TopicSpec> missing = new ArrayList<>();
        for (TopicSpec spec : byName.values()) {
            if (!existing.containsKey(spec.name())) {
                missing.add(spec);
            }
        }

        List<String> created = new ArrayList<>();
        Map<String, TopicSpec> toVerify = new LinkedHashMap<>();
        existing.keySet().forEach(name -> toVerify.put(name, byName.get(name)));
        if (!missing.isEmpty()) {
            CreateTopicsResult result = admin.createTopics(
                    missing.stream().map(KafkaTopics::toNewTopic).toList());
            for (TopicSpec spec : missing) {
                try {
                    await(result.values().get(spec.name()), "create topic '" + spec.name() + "'");
                    created.add(spec.name());
                    LOG.info("Created topic {}", spec);
                } catch (KafkaAdminException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    // Someone else created it in between: it must still match.
                    toVerify.put(spec.name(), spec);
                }
            }
        }
        if (!toVerify.isEmpty()) {
            Map<String, TopicDescription> descriptions = existing;
            if (!existing.keySet().containsAll(toVerify.keySet())) {
                descriptions = describeAll(toVerify.keySet());
            }
            Map<String, Config> configs = describeConfigs(toVerify.keySet());
            for (TopicSpec spec : toVerify.values()) {
                verify(spec, descriptions.get(spec.name()), configs.get(spec.name()));
            }
        }
        return created;
    }

    private void verify(TopicSpec spec, TopicDescription description, Config config) {
        int actualPartitions = description.partitions().size();
        if (actualPartitions < spec.partitions()) {
            throw new TopicMismatchException(
                    spec.name(),
                    "Topic '" + spec.name() + "' exists with " + actualPartitions + " partition(s) but "
                            + spec.partitions() + " are expected");
        }
        String expectedPolicy = spec.cleanupPolicy();
        ConfigEntry policyEntry = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        String actualPolicy = policyEntry == null ? TopicConfig.CLEANUP_POLICY_DELETE : policyEntry.value();
        if (expectedPolicy != null && !policySet(expectedPolicy).equals(policySet(actualPolicy))) {
            throw new TopicMismatchException(
                    spec.name(),
                    "Topic '" + spec.name() + "' exists with "
                            + TopicConfig.CLEANUP_POLICY_CONFIG + "=" + actualPolicy + " but "
                            + TopicConfig.CLEANUP_POLICY_CONFIG + "=" + expectedPolicy + " is expected");
        }
        if (expectedPolicy == null && policySet(actualPolicy).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            throw new TopicMismatchException(
                    spec.name(),
                    "Topic '" + spec.name() + "' exists with "
                            + TopicConfig.CLEANUP_POLICY_CONFIG + "=" + actualPolicy + " but "
                            + TopicConfig.CLEANUP_POLICY_CONFIG + "=" + TopicConfig.CLEANUP_POLICY_DELETE
                            + " is expected");
        }
        if (actualPartitions > spec.partitions()) {
            LOG.warn(
                    "Topic '{}' exists with {} partitions, more than the {} expected; keeping it",
                    spec.name(),
                    actualPartitions,
                    spec.partitions());
        }
        int actualReplication = description.partitions().get(0).replicas().size();
        if (actualReplication != spec.replicationFactor()) {
            LOG.warn(
                    "Topic '{}' exists with replication factor {}, not the {} expected; keeping it",
                    spec.name(),
                    actualReplication,
                    spec.replicationFactor());
        }
    }

    private static Set<String> policySet(String policy) {
        Set<String> set = new TreeSet<>();
        for (String part : policy.split(",")) {
            if (!part.isBlank()) {
                set.add(part.trim());
            }
        }
        return set;
    }

    private Map<String, TopicDescription> describeExisting(Collection<String> names) {
        Map<String, TopicDescription> found = new LinkedHashMap<>();
        Map<String, KafkaFuture<TopicDescription>> futures =
                admin.describeTopics(names).topicNameValues();
        for (String name : names) {
            try {
                found.put(name, await(futures.get(name), "describe topic '" + name + "'"));
            } catch (KafkaAdminException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return found;
    }

    /**
     * Describes topics that exist, though maybe only just: a topic another client created a moment
     * ago reaches each broker's metadata asynchronously, so "unknown" is asked again.
     */
    private Map<String, TopicDescription> describeAll(Collection<String> names) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, TopicDescription> found = describeExisting(names);
            if (found.keySet().containsAll(names)) {
                return found;
            }
            if (System.nanoTime() - deadline >= 0) {
                List<String> missing = new ArrayList<>(names);
                missing.removeAll(found.keySet());
                throw new KafkaAdminException(
                        "Topics " + missing + " already exist but could not be described" + " within " + timeout, null);
            }
            pause("describe topics " + names);
        }
    }

    private Map<String, Config> describeConfigs(Collection<String> names) {
        List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                .toList();
        String what = "describe the configs of topics " + names;
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<ConfigResource, Config> configs;
        while (true) {
            try {
                configs = await(admin.describeConfigs(resources).all(), what);
                break;
            } catch (KafkaAdminException e) {
                // A topic that was just created reaches each broker's metadata asynchronously;
                // until then the broker answering this call does not know it yet.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                pause(what);
            }
        }
        Map<String, Config> byName = new LinkedHashMap<>();
        configs.forEach((resource, config) -> byName.put(resource.name(), config));
        return byName;
    }

    private <V> V await(KafkaFuture<V> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaAdminException(
                    "Could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaAdminException("Could not " + what + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAdminException("Interrupted while trying to " + what, e);
        }
    }

    private static void pause(String what) {
        try {
            Thread.sleep(METADATA_RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAdminException("Interrupted while trying to " + what, e);
        }
    }

    private static NewTopic toNewTopic(TopicSpec spec) {
        return new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor()).configs(spec.configs());
    }

    /** Closes the admin client if this instance created it. */
    @Override
    public void close() {
        if (ownsAdmin) {
            admin.close(timeout);
        }
    }

    /** Builds {@link KafkaTopics}; {@link #build()} validates and names the property. */
    public static final class Builder {

        private String bootstrapServers;
        private Admin admin;
        private Duration timeout = DEFAULT_TIMEOUT;
        private final Properties properties = new Properties();

        Builder() {}

        /** Kafka to connect to; excludes {@link #setAdmin}. */
        public Builder setBootstrapServers(String bootstrapServers) {
            if (admin != null) {
                throw new IllegalStateException("bootstrapServers and admin exclude each other; admin is already set");
            }
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** An admin client the caller owns and closes; excludes {@link #setBootstrapServers}. */
        public Builder setAdmin(Admin admin) {
            if (bootstrapServers != null) {
                throw new IllegalStateException(
                        "bootstrapServers and admin exclude each other; bootstrapServers is already set");
            }
            this.admin = admin;
            return this;
        }

        /** An admin client property (security...); values are never logged. */
        public Builder setProperty(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("property key must not be null or blank");
            }
            if (value == null) {
                throw new IllegalArgumentException("value of property '" + key + "' must not be null");
            }
            properties.setProperty(key, value);
            return this;
        }

        /** The longest wait for each admin call. */
        public Builder setTimeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public KafkaTopics build() {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
            }
            if (admin != null) {
                if (!properties.isEmpty()) {
                    throw new IllegalArgumentException(
                            "properties cannot be applied to an admin set with setAdmin; configure that admin instead");
                }
                return new KafkaTopics(admin, false, timeout);
            }
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers or admin must be set");
            }
            Properties props = new Properties();
            props.putAll(properties);
            props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            // Both, or the admin client refuses an API timeout below its request timeout.
            props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString((int) timeout.toMillis()));
            props.putIfAbsent(
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString((int) timeout.toMillis()));
            return new KafkaTopics(Admin.create(props), true, timeout);
        }
    }
}
