package dev.streamingblocks.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmbeddedKafkaClusterBuilderTest {

    @Test
    void rejectsTwoBrokersBecauseNoQuorumForMinIsrTwo() {
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().setBrokers(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokers must be 1 or at least 3 (a quorum for min.insync.replicas=2), but was 2");
    }

    @Test
    void saslPlainWithAclsIsForOneBroker() {
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder()
                        .setSaslPlainWithAcls()
                        .setBrokers(3)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("saslPlainWithAcls is supported with 1 broker only, but brokers is 3");
    }

    @Test
    void rejectsZeroBrokers() {
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().setBrokers(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokers must be 1 or at least 3 (a quorum for min.insync.replicas=2), but was 0");
    }

    @Test
    void singleBrokerDefaultsMakeTransactionsWorkOnOneNode() {
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().build();
        assertThat(cluster.brokerCount()).isEqualTo(1);
        assertThat(cluster.brokerConfigs())
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0");
    }

    @Test
    void threeBrokerDefaultsSurviveOneBrokerLoss() {
        EmbeddedKafkaCluster cluster =
                EmbeddedKafkaCluster.builder().setBrokers(3).build();
        assertThat(cluster.brokerConfigs())
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2");
    }

    @Test
    void extraConfigsOverrideDefaults() {
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder()
                .setBrokerConfig("transaction.state.log.min.isr", "1")
                .setBrokerConfig("log.retention.ms", "-1")
                .build();
        assertThat(cluster.brokerConfigs())
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("log.retention.ms", "-1");
    }

    @Test
    void rejectsNullConfigValueNamingTheKey() {
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().setBrokerConfig("log.retention.ms", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value of broker config 'log.retention.ms' must not be null");
    }

    @Test
    void unusedClusterCanBeClosedAndRefusesUse() {
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().build();
        cluster.close();
        cluster.close();
        assertThatThrownBy(cluster::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EmbeddedKafkaCluster is CLOSED; call start() first");
        assertThatThrownBy(cluster::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EmbeddedKafkaCluster can be started once; it is CLOSED");
    }

    @Test
    void commandLineSetsBrokersAndConfigs() {
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.parseArgs(
                        new String[] {"--brokers", "3", "--broker-config", "log.retention.ms=-1"})
                .build();
        assertThat(cluster.brokerCount()).isEqualTo(3);
        assertThat(cluster.brokerConfigs()).containsEntry("log.retention.ms", "-1");
    }

    @Test
    void commandLineErrorsNameTheOption() {
        assertThatThrownBy(() -> EmbeddedKafkaCluster.parseArgs(new String[] {"--brokers"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Missing value after --brokers");
        assertThatThrownBy(() -> EmbeddedKafkaCluster.parseArgs(new String[] {"--brokers", "x"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--brokers needs a number, but was 'x'");
        assertThatThrownBy(() -> EmbeddedKafkaCluster.parseArgs(new String[] {"--broker-config", "novalue"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--broker-config needs key=value, but was 'novalue'");
        assertThatThrownBy(() -> EmbeddedKafkaCluster.parseArgs(new String[] {"--port", "9092"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown option --port");
    }
}
