package dev.streamingblocks.kafka.sink.internal;

import dev.streamingblocks.kafka.internal.KafkaClientProperties;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two rules a transaction timeout must satisfy, as pure checks plus a reader for the brokers'
 * limit. Messages name both values and the setting to change, because the failure otherwise shows
 * up much later as an opaque {@code InvalidTxnTimeoutException} or as lost commits after a restart.
 */
public final class TransactionTimeoutCheck {

    /** The broker setting that caps a producer's transaction.timeout.ms. */
    public static final String BROKER_MAX_TIMEOUT_KEY = "transaction.max.timeout.ms";

    private static final Logger LOG = LoggerFactory.getLogger(TransactionTimeoutCheck.class);

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
                    transactionTimeout.toMillis(),
                    checkpointInterval.toMillis(),
                    restartMargin.toMillis(),
                    needed.toMillis()));
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

    /** Where a broker check runs; named in its log lines. */
    public enum When {
        ATTACH("when the sink was attached", "setVerifyBrokerOnAttach(false)"),
        START("at job start", "setVerifyBrokerOnStart(false)");

        private final String text;
        private final String optOut;

        When(String text, String optOut) {
            this.text = text;
            this.optOut = optOut;
        }
    }

    /** What a broker check found (a timeout above the maximum throws instead). */
    public enum Outcome {
        /** The timeout is within every broker's maximum. */
        WITHIN_MAXIMUM,
        /** The maximum could not be read; one warning was logged. */
        NOT_VERIFIED,
        /** This JVM already checked the same bootstrap servers and timeout; no Admin call was made. */
        ALREADY_CHECKED
    }

    /** Bootstrap servers + timeout already checked in this JVM (class loader); guarded by itself. */
    private static final Set<String> CHECKED = new HashSet<>();

    /**
     * Reads {@code transaction.max.timeout.ms} from every live broker and returns the smallest,
     * since any broker may become the transaction coordinator.
     *
     * @throws BrokerMaximumUnreadableException with the Kafka exception as cause, if the brokers
     *     did not tell (no permission, old broker, no answer in time, no value reported)
     */
    public static Duration readBrokerMaximum(Admin admin, Duration timeout) throws BrokerMaximumUnreadableException {
        long timeoutMs = timeout.toMillis();
        try {
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs))
                    .nodes()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                throw new BrokerMaximumUnreadableException(
                        new IllegalStateException("the Kafka cluster reports no brokers"));
            }
            Collection<ConfigResource> resources = nodes.stream()
                    .map(node -> new ConfigResource(ConfigResource.Type.BROKER, node.idString()))
                    .collect(Collectors.toList());
            Map<ConfigResource, Config> configs = admin.describeConfigs(
                            resources, new DescribeConfigsOptions().timeoutMs((int) timeoutMs))
                    .all()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            long smallest = Long.MAX_VALUE;
            for (Map.Entry<ConfigResource, Config> entry : configs.entrySet()) {
                ConfigEntry value = entry.getValue().get(BROKER_MAX_TIMEOUT_KEY);
                if (value == null || value.value() == null) {
                    throw new BrokerMaximumUnreadableException(new IllegalStateException(
                            "broker " + entry.getKey().name() + " did not report " + BROKER_MAX_TIMEOUT_KEY));
                }
                smallest = Math.min(smallest, Long.parseLong(value.value()));
            }
            return Duration.ofMillis(smallest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading " + BROKER_MAX_TIMEOUT_KEY, e);
        } catch (ExecutionException e) {
            throw new BrokerMaximumUnreadableException(e.getCause());
        } catch (TimeoutException | KafkaException | NumberFormatException e) {
            throw new BrokerMaximumUnreadableException(e);
        }
    }

    /** As {@link #checkAgainstBrokers(Properties, Duration, Duration, When)} when the sink is attached. */
    public static Outcome checkAgainstBrokers(
            Properties producerProperties, Duration transactionTimeout, Duration adminTimeout) {
        return checkAgainstBrokers(producerProperties, transactionTimeout, adminTimeout, When.ATTACH);
    }

    /**
     * Reads the brokers' maximum with a short-lived Admin client built from the producer
     * properties (so security settings carry over) and checks the timeout against it. Only a
     * timeout above the maximum fails; when the maximum cannot be read, one warning says why and
     * what to check by hand. Either way this JVM will not check the same servers and timeout again
     * (see {@link #checkOnceAgainstBrokers}).
     *
     * @throws IllegalStateException if the timeout exceeds a broker's maximum
     */
    public static Outcome checkAgainstBrokers(
            Properties producerProperties, Duration transactionTimeout, Duration adminTimeout, When when) {
        String servers = producerProperties.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        LOG.info(
                "Reading {} from the Kafka brokers at {} to check transaction.timeout.ms ({} ms) {}",
                BROKER_MAX_TIMEOUT_KEY,
                servers,
                transactionTimeout.toMillis(),
                when.text);
        Duration maximum;
        try (Admin admin = Admin.create(adminProperties(producerProperties))) {
            maximum = readBrokerMaximum(admin, adminTimeout);
        } catch (BrokerMaximumUnreadableException e) {
            LOG.warn(notVerifiedWarning(transactionTimeout, servers, when, e.getCause()));
            remember(servers, transactionTimeout);
            return Outcome.NOT_VERIFIED;
        } catch (KafkaException e) {
            // Admin.create refuses the configuration (e.g. no resolvable bootstrap server).
            LOG.warn(notVerifiedWarning(transactionTimeout, servers, when, e));
            remember(servers, transactionTimeout);
            return Outcome.NOT_VERIFIED;
        }
        checkAgainstBrokerMaximum(transactionTimeout, maximum);
        remember(servers, transactionTimeout);
        return Outcome.WITHIN_MAXIMUM;
    }

    /**
     * As {@link #checkAgainstBrokers}, unless this JVM (class loader) already checked the same
     * bootstrap servers and timeout: a job that restarts, or a second sink to the same cluster,
     * makes no further Admin call. A violation is not remembered, so it is found again after a
     * restart (and a raised broker maximum is then seen).
     */
    public static Outcome checkOnceAgainstBrokers(
            Properties producerProperties, Duration transactionTimeout, Duration adminTimeout, When when) {
        String key =
                key(producerProperties.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), transactionTimeout);
        synchronized (CHECKED) {
            // Held during the check so concurrent sinks of one JVM make one Admin call, not several.
            if (CHECKED.contains(key)) {
                return Outcome.ALREADY_CHECKED;
            }
            return checkAgainstBrokers(producerProperties, transactionTimeout, adminTimeout, when);
        }
    }

    private static void remember(String servers, Duration transactionTimeout) {
        synchronized (CHECKED) {
            CHECKED.add(key(servers, transactionTimeout));
        }
    }

    private static String key(String servers, Duration transactionTimeout) {
        return servers + "|" + transactionTimeout.toMillis();
    }

    /**
     * The one warning for a maximum that could not be read: what was not checked, why (the Kafka
     * exception's class and message, with anything like a password masked), the setting to check
     * by hand, and how to turn the check off.
     */
    static String notVerifiedWarning(Duration transactionTimeout, String servers, When when, Throwable failure) {
        long timeoutMs = transactionTimeout.toMillis();
        return "Could not check the Kafka sink's transaction.timeout.ms (" + timeoutMs + " ms) against the"
                + " brokers' " + BROKER_MAX_TIMEOUT_KEY + " " + when.text + " (bootstrap servers " + servers
                + "): " + reason(failure) + ". Check by hand that transaction.timeout.ms = " + timeoutMs
                + " ms is <= " + BROKER_MAX_TIMEOUT_KEY + " of every broker (a stock broker allows 900000 ms),"
                + " or the first transaction fails with InvalidTxnTimeoutException. The job goes on. To skip"
                + " this check, call " + when.optOut + " on the TypedKafkaSink builder.";
    }

    /** The failure's class and message, and what it usually means. */
    static String reason(Throwable failure) {
        String meaning;
        if (failure instanceof AuthorizationException) {
            meaning = "the client may not read the broker configuration; it needs DescribeConfigs on the"
                    + " cluster resource";
        } else if (failure instanceof AuthenticationException) {
            meaning = "the client could not authenticate; check the security properties";
        } else if (failure instanceof SecurityDisabledException) {
            meaning = "the brokers have the security feature this request needs disabled";
        } else if (failure instanceof UnsupportedVersionException) {
            meaning = "the brokers do not support this request";
        } else if (failure instanceof TimeoutException
                || failure instanceof org.apache.kafka.common.errors.TimeoutException) {
            meaning = "no answer in time; the brokers may be unreachable from here";
        } else {
            meaning = "unexpected";
        }
        String message = failure.getMessage() == null ? "" : ": " + maskSecrets(failure.getMessage());
        return failure.getClass().getSimpleName() + message + " (" + meaning + ")";
    }

    private static final Pattern SECRET = Pattern.compile("(?i)(password|secret|token)(\\s*[=:]\\s*)(\"[^\"]*\"|\\S+)");

    /** Kafka's messages carry no secrets as far as known; this is a second line of defence. */
    static String maskSecrets(String text) {
        return SECRET.matcher(text).replaceAll("$1$2[hidden]");
    }

    /** The subset of producer properties an Admin client understands. */
    static Properties adminProperties(Properties producerProperties) {
        Properties admin = KafkaClientProperties.admin(producerProperties);
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "streaming-blocks-sink-check");
        return admin;
    }

    /** The brokers did not tell their maximum; the cause says why. */
    public static final class BrokerMaximumUnreadableException extends Exception {
        private static final long serialVersionUID = 1L;

        BrokerMaximumUnreadableException(Throwable cause) {
            super(cause);
        }
    }
}
