package dev.streamingblocks.kafka.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

class TransactionTimeoutCheckTest {

    @Test
    void flinksDefaultHourExceedsStockBrokerMaximum() {
        assertThatThrownBy(() ->
                        TransactionTimeoutCheck.checkAgainstBrokerMaximum(Duration.ofHours(1), Duration.ofMinutes(15)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("transaction.timeout.ms (3600000 ms) exceeds the broker's transaction.max.timeout.ms"
                        + " (900000 ms): lower it with setTransactionTimeout(...) or raise transaction.max.timeout.ms"
                        + " on the brokers");
    }

    @Test
    void equalToBrokerMaximumIsAccepted() {
        assertThatCode(() -> TransactionTimeoutCheck.checkAgainstBrokerMaximum(
                        Duration.ofMinutes(15), Duration.ofMinutes(15)))
                .doesNotThrowAnyException();
    }

    @Test
    void mustExceedIntervalPlusMargin() {
        assertThatThrownBy(() -> TransactionTimeoutCheck.checkAgainstCheckpointInterval(
                        Duration.ofMinutes(6), Duration.ofMinutes(1), Duration.ofMinutes(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("transaction.timeout.ms (360000 ms) must exceed the checkpoint interval (60000 ms) plus"
                        + " the restart margin (300000 ms) = 360000 ms: raise it with setTransactionTimeout(...), or"
                        + " lower execution.checkpointing.interval or setRestartMargin(...)");
        assertThatCode(() -> TransactionTimeoutCheck.checkAgainstCheckpointInterval(
                        Duration.ofMillis(360_001), Duration.ofMinutes(1), Duration.ofMinutes(5)))
                .doesNotThrowAnyException();
    }

    @Test
    void adminGetsOnlyAdminProperties() {
        Properties producer = new Properties();
        producer.setProperty("bootstrap.servers", "h:1");
        producer.setProperty("security.protocol", "SASL_SSL");
        producer.setProperty("acks", "all");
        producer.setProperty("transaction.timeout.ms", "1000");
        assertThat(TransactionTimeoutCheck.adminProperties(producer))
                .containsOnly(
                        org.assertj.core.api.Assertions.entry("bootstrap.servers", "h:1"),
                        org.assertj.core.api.Assertions.entry("security.protocol", "SASL_SSL"),
                        org.assertj.core.api.Assertions.entry("client.id", "streaming-blocks-sink-check"));
    }

    @Test
    void aMissingPermissionIsExplainedWithTheSettingToCheckByHandAndHowToOptOut() {
        assertThat(TransactionTimeoutCheck.notVerifiedWarning(
                        Duration.ofMinutes(15),
                        "broker-1:9092",
                        TransactionTimeoutCheck.When.START,
                        new ClusterAuthorizationException("Cluster authorization failed.")))
                .isEqualTo("Could not check the Kafka sink's transaction.timeout.ms (900000 ms) against the brokers'"
                        + " transaction.max.timeout.ms at job start (bootstrap servers broker-1:9092):"
                        + " ClusterAuthorizationException: Cluster authorization failed. (the client may not read the"
                        + " broker configuration; it needs DescribeConfigs on the cluster resource). Check by hand"
                        + " that transaction.timeout.ms = 900000 ms is <= transaction.max.timeout.ms of every broker"
                        + " (a stock broker allows 900000 ms), or the first transaction fails with"
                        + " InvalidTxnTimeoutException. The job goes on. To skip this check, call"
                        + " setVerifyBrokerOnStart(false) on the TypedKafkaSink builder.");
        assertThat(TransactionTimeoutCheck.notVerifiedWarning(
                        Duration.ofMinutes(15),
                        "b:1",
                        TransactionTimeoutCheck.When.ATTACH,
                        new ClusterAuthorizationException("x")))
                .contains(" when the sink was attached (bootstrap servers b:1)")
                .endsWith("call setVerifyBrokerOnAttach(false) on the TypedKafkaSink builder.");
    }

    @Test
    void eachKindOfUncheckableAnswerIsNamedWithItsClassAndMeaning() {
        assertThat(TransactionTimeoutCheck.reason(new TopicAuthorizationException("Not authorized")))
                .isEqualTo("TopicAuthorizationException: Not authorized (the client may not read the broker"
                        + " configuration; it needs DescribeConfigs on the cluster resource)");
        assertThat(TransactionTimeoutCheck.reason(new SecurityDisabledException("No Authorizer is configured.")))
                .isEqualTo("SecurityDisabledException: No Authorizer is configured. (the brokers have the security"
                        + " feature this request needs disabled)");
        assertThat(TransactionTimeoutCheck.reason(new UnsupportedVersionException("DESCRIBE_CONFIGS v4")))
                .isEqualTo("UnsupportedVersionException: DESCRIBE_CONFIGS v4 (the brokers do not support this"
                        + " request)");
        assertThat(TransactionTimeoutCheck.reason(new org.apache.kafka.common.errors.TimeoutException(
                        "Timed out waiting for a node assignment. Call: describeCluster")))
                .isEqualTo("TimeoutException: Timed out waiting for a node assignment. Call: describeCluster (no"
                        + " answer in time; the brokers may be unreachable from here)");
        assertThat(TransactionTimeoutCheck.reason(new java.util.concurrent.TimeoutException()))
                .isEqualTo("TimeoutException (no answer in time; the brokers may be unreachable from here)");
        assertThat(TransactionTimeoutCheck.reason(
                        new SaslAuthenticationException("Authentication failed: Invalid username or password")))
                .isEqualTo("SaslAuthenticationException: Authentication failed: Invalid username or password (the"
                        + " client could not authenticate; check the security properties)");
    }

    @Test
    void anythingLikeAPasswordInAMessageIsMasked() {
        assertThat(TransactionTimeoutCheck.reason(new KafkaException(
                        "bad JAAS: PlainLoginModule required username=\"u\" password=\"s3cret\"; token=abc")))
                .isEqualTo("KafkaException: bad JAAS: PlainLoginModule required username=\"u\""
                        + " password=[hidden]; token=[hidden] (unexpected)");
    }

    @Test
    void anUnreachableBrokerGivesAWarningNotAFailure() {
        Properties producer = new Properties();
        producer.setProperty("bootstrap.servers", "localhost:1"); // nothing listens on port 1
        assertThat(TransactionTimeoutCheck.checkAgainstBrokers(
                        producer,
                        Duration.ofMillis(900_001),
                        Duration.ofSeconds(1),
                        TransactionTimeoutCheck.When.START))
                .isEqualTo(TransactionTimeoutCheck.Outcome.NOT_VERIFIED);
        // Remembered: the same servers and timeout are not asked again in this JVM.
        assertThat(TransactionTimeoutCheck.checkOnceAgainstBrokers(
                        producer,
                        Duration.ofMillis(900_001),
                        Duration.ofSeconds(1),
                        TransactionTimeoutCheck.When.START))
                .isEqualTo(TransactionTimeoutCheck.Outcome.ALREADY_CHECKED);
    }
}
