package dev.streamingblocks.kafka.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class TransactionTimeoutCheckTest {

    @Test
    void flinksDefaultHourExceedsStockBrokerMaximum() {
        assertThatThrownBy(() -> TransactionTimeoutCheck.checkAgainstBrokerMaximum(
                        Duration.ofHours(1), Duration.ofMinutes(15)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("transaction.timeout.ms (3600000 ms) exceeds the broker's transaction.max.timeout.ms"
                        + " (900000 ms): lower it with setTransactionTimeout(...) or raise transaction.max.timeout.ms"
                        + " on the brokers");
    }

    @Test
    void equalToBrokerMaximumIsAccepted() {
        assertThatCode(() -> TransactionTimeoutCheck.checkAgainstBrokerMaximum(
                Duration.ofMinutes(15), Duration.ofMinutes(15))).doesNotThrowAnyException();
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
                Duration.ofMillis(360_001), Duration.ofMinutes(1), Duration.ofMinutes(5))).doesNotThrowAnyException();
    }

    @Test
    void adminGetsOnlyAdminProperties() {
        Properties producer = new Properties();
        producer.setProperty("bootstrap.servers", "h:1");
        producer.setProperty("security.protocol", "SASL_SSL");
        producer.setProperty("acks", "all");
        producer.setProperty("transaction.timeout.ms", "1000");
        assertThat(TransactionTimeoutCheck.adminProperties(producer)).containsOnly(
                org.assertj.core.api.Assertions.entry("bootstrap.servers", "h:1"),
                org.assertj.core.api.Assertions.entry("security.protocol", "SASL_SSL"),
                org.assertj.core.api.Assertions.entry("client.id", "streaming-blocks-sink-check"));
    }
}
