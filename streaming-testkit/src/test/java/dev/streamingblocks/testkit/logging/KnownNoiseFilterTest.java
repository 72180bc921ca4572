package dev.streamingblocks.testkit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipped {@code streaming-blocks-log4j2-test.xml}: the two known harmless warnings are dropped,
 * logged exactly as Flink and its Kafka connector log them (through SLF4J), while real warnings of the
 * same loggers still print.
 */
class KnownNoiseFilterTest {

    private static final String CONFIG = "streaming-blocks-log4j2-test.xml";
    private static URI previousConfig;

    @BeforeAll
    static void useTheShippedConfiguration() throws Exception {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        previousConfig = context.getConfigLocation();
        context.setConfigLocation(
                KnownNoiseFilterTest.class.getClassLoader().getResource(CONFIG).toURI());
        assertThat(context.getConfiguration().getFilter()).isInstanceOf(KnownNoiseFilter.class);
    }

    @AfterAll
    static void restoreTheTestConfiguration() {
        ((LoggerContext) LogManager.getContext(false)).setConfigLocation(previousConfig);
    }

    /** The captured events' first lines, without the stack traces the layout appends. */
    private static List<String> events(LogCapture log) {
        return Arrays.stream(log.text().split("\n"))
                .filter(l -> l.matches("(WARN|ERROR) .*"))
                .toList();
    }

    @Test
    void metricNameCollisionsAreDroppedOtherMetricWarningsPrint() {
        Logger flink = LoggerFactory.getLogger(KnownNoiseFilter.METRIC_GROUP_LOGGER);
        try (LogCapture log = LogCapture.of(KnownNoiseFilter.METRIC_GROUP_LOGGER)) {
            flink.warn(
                    "Name collision: Group already contains a Metric with the name '{}'. Metric will not be"
                            + " reported.{}",
                    "records-lag-max",
                    "[localhost, taskmanager, payments]");
            flink.warn("Name collision: Group already contains a Metric with the name 'io-ratio'.");
            flink.warn("Error while registering metric: {}.", "numRecordsIn", new IllegalStateException("closed"));
            flink.warn("Invalid metric name: {}", "a b");
            assertThat(events(log))
                    .containsExactly(
                            "WARN Error while registering metric: numRecordsIn.", "WARN Invalid metric name: a b");
        }
    }

    @Test
    void retriableOffsetCommitFailuresAreDroppedOtherCommitFailuresPrint() {
        Logger reader = LoggerFactory.getLogger(KnownNoiseFilter.KAFKA_SOURCE_READER_LOGGER);
        try (LogCapture log = LogCapture.of(KnownNoiseFilter.KAFKA_SOURCE_READER_LOGGER)) {
            reader.warn(
                    "Failed to commit consumer offsets for checkpoint {}",
                    1L,
                    new RetriableCommitFailedException(
                            new CoordinatorNotAvailableException("The coordinator is not available.")));
            reader.warn(
                    "Failed to commit consumer offsets for checkpoint {}",
                    2L,
                    new RuntimeException("wrapped", new CoordinatorNotAvailableException("still starting")));
            reader.warn("Failed to commit consumer offsets for checkpoint {}", 3L, new CommitFailedException());
            reader.warn(
                    "Failed to commit consumer offsets for checkpoint {}",
                    4L,
                    new GroupAuthorizationException("Not authorized to access group: checkout-alerts"));
            reader.warn("Failed to commit consumer offsets for checkpoint {}", 5L);
            assertThat(events(log))
                    .containsExactly(
                            "WARN Failed to commit consumer offsets for checkpoint 3",
                            "WARN Failed to commit consumer offsets for checkpoint 4",
                            "WARN Failed to commit consumer offsets for checkpoint 5");
            assertThat(log.text())
                    .contains("org.apache.kafka.common.errors.GroupAuthorizationException: "
                            + "Not authorized to access group: checkout-alerts");
        }
    }

    @Test
    void truncatedOperatorNamesAreDroppedOtherMetricUtilsWarningsPrint() {
        Logger utils = LoggerFactory.getLogger(KnownNoiseFilter.METRIC_UTILS_LOGGER);
        try (LogCapture log = LogCapture.of(KnownNoiseFilter.METRIC_UTILS_LOGGER)) {
            utils.warn(
                    "The operator name {} exceeded the {} characters length limit and was truncated.",
                    "Source: payments -> payments-split -> payments-dead-letter-sink: Writer",
                    80);
            utils.warn("Failed to start metric query service.", new IllegalStateException("port in use"));
            assertThat(events(log)).containsExactly("WARN Failed to start metric query service.");
        }
    }

    @Test
    void otherLoggersAndErrorsAreNeverTouched() {
        Logger job = LoggerFactory.getLogger("com.example.checkout.CheckoutAlertsJob");
        Logger flink = LoggerFactory.getLogger(KnownNoiseFilter.METRIC_GROUP_LOGGER);
        try (LogCapture log = LogCapture.of("com.example");
                LogCapture metrics = LogCapture.of(KnownNoiseFilter.METRIC_GROUP_LOGGER)) {
            job.warn("Name collision: a job's own warning that starts like Flink's");
            job.warn("Failed to commit", new RetriableCommitFailedException("retriable, but not the reader's"));
            flink.error("Name collision: an error is never dropped");
            assertThat(events(log))
                    .containsExactly(
                            "WARN Name collision: a job's own warning that starts like Flink's",
                            "WARN Failed to commit");
            assertThat(events(metrics)).containsExactly("ERROR Name collision: an error is never dropped");
        }
    }
}
