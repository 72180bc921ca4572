package dev.streamingblocks.kafka.sink.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The two rules a transaction timeout must satisfy, as pure checks plus a reader for the brokers'
 * limit. Messages name both values and the setting to change, because the failure otherwise shows
 * up much later as an opaque {@code InvalidTxnTimeoutException} or as lost commits after a restart.
 */
public final class TransactionTimeoutCheck {

    /** The broker setting that caps a producer's transaction.timeout.ms. */
    public static final String BROKER_MAX_TIMEOUT_KEY = "transaction.max.timeout.ms";

    private TransactionTimeoutCheck() {}

    /**
     * Fails unless the timeout is longer than the checkpoint interval plus the restart margin: a
     * transaction opened after one checkpoint is only committed after the next one completes, and
     * after a failure the restarted job must still be able to commit it.
     */
    public static void checkAgainstCheckpointInterval(
            Duration transactionTimeout, Duration checkpointInterval, Duration restartMargin) {
        Duration needed = checkpointInterval.plus(restartMargin);
        if (transactionTimeout.compareTo(needed) <= 0) {
            throw new IllegalStateException(String.format(
                    "transaction.timeout.ms (%d ms) must exceed the checkpoint interval (%d ms) plus the"
                            + " restart margin (%d ms) = %d ms: raise it with setTransactionTimeout(...),"
                            + " or lower execution.checkpointing.interval or setRestartMargin(...)",
                    transactionTimeout.toMillis(), checkpointInterval.toMillis(),
                    restartMargin.toMillis(), needed.toMillis()));
        }
    }

    /** Fails if the brokers would reject the timeout when the first transaction starts. */
    public static void checkAgainstBrokerMaximum(Duration transactionTimeout, Duration brokerMaximum) {
        if (transactionTimeout.compareTo(brokerMaximum) > 0) {
            throw new IllegalStateException(String.format(
                    "transaction.timeout.ms (%d ms) exceeds the broker's transaction.max.timeout.ms"
                            + " (%d ms): lower it with setTransactionTimeout(...) or raise"
                            + " transaction.max.timeout.ms on the brokers",
                    transactionTimeout.toMillis(), brokerMaximum.toMillis()));
        }
    }

    /**
     * Reads {@code transaction.max.timeout.ms} from every live broker and returns the smallest,
     * since any broker may become the transaction coordinator.
     */
    public static Duration readBrokerMaximum(Admin admin, Duration timeout) {
        long timeoutMs = timeout.toMillis();
        try {
            Collection<Node> nodes = admin.describeCluster(
                            new DescribeClusterOptions().timeoutMs((int) timeoutMs))
                    .nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                throw new IllegalStateException("Cannot read " + BROKER_MAX_TIMEOUT_KEY
                        + ": the Kafka cluster reports no brokers");
            }
            Collection<ConfigResource> resources = nodes.stream()
                    .map(node -> new ConfigResource(ConfigResource.Type.BROKER, node.idString()))
                    .collect(Collectors.toList());
            Map<ConfigResource, Config> configs = admin.describeConfigs(
                            resources, new DescribeConfigsOptions().timeoutMs((int) timeoutMs))
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS);
            long smallest = Long.MAX_VALUE;
            for (Map.Entry<ConfigResource, Config> entry : configs.entrySet()) {
                ConfigEntry value = entry.getValue().get(BROKER_MAX_TIMEOUT_KEY);
                if (value == null || value.value() == null) {
                    throw new IllegalStateException("Broker " + entry.getKey().name()
                            + " did not report " + BROKER_MAX_TIMEOUT_KEY);
                }
                smallest = Math.min(smallest, Long.parseLong(value.value()));
            }
            return Duration.ofMillis(smallest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading " + BROKER_MAX_TIMEOUT_KEY, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Cannot read " + BROKER_MAX_TIMEOUT_KEY
                    + " from the Kafka brokers within " + timeoutMs + " ms: " + cause, cause);
        }
    }

    /**
     * Reads the brokers' maximum with a short-lived Admin client built from the producer
     * properties (so security settings carry over) and checks the timeout against it.
     */
    public static void checkAgainstBrokers(Properties producerProperties, Duration transactionTimeout,
            Duration adminTimeout) {
        try (Admin admin = Admin.create(adminProperties(producerProperties))) {
            checkAgainstBrokerMaximum(transactionTimeout, readBrokerMaximum(admin, adminTimeout));
        }
    }

    /** The subset of producer properties an Admin client understands. */
    static Map<String, Object> adminProperties(Properties producerProperties) {
        Map<String, Object> admin = new HashMap<>();
        for (String name : producerProperties.stringPropertyNames()) {
            if (AdminClientConfig.configNames().contains(name)) {
                admin.put(name, producerProperties.getProperty(name));
            }
        }
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "streaming-blocks-sink-check");
        return admin;
    }
}
