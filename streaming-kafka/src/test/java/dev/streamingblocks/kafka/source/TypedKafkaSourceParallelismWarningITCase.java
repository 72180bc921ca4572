package dev.streamingblocks.kafka.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.kafka.source.internal.ParallelismCheck;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Attaching a source without idleness to more subtasks than partitions logs one warning. */
class TypedKafkaSourceParallelismWarningITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) LogManager.getLogger(ParallelismCheck.class);
    private final AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            if (event.getLevel() == Level.WARN) {
                warnings.add(event.getMessage().getFormattedMessage());
            }
        }
    };

    @BeforeEach
    void captureWarnings() {
        capture.start();
        logger.addAppender(capture);
    }

    @AfterEach
    void stopCapturing() {
        logger.removeAppender(capture);
        capture.stop();
    }

    private static StreamExecutionEnvironment env(int parallelism) {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        return env;
    }

    private static TypedKafkaSource.Builder<Payment> source(String topic) {
        return TypedKafkaSource.<Payment>builder()
                .setName("payments-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("warn-" + topic)
                .setJsonValue(Payment.class);
    }

    @Test
    void warnsWithoutIdlenessWhenSubtasksOutnumberPartitions() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("narrow");
        KAFKA.cluster().createTopic(topic, 1);

        source(topic).withoutIdleness().build().attach(env(3));

        int owner = ((topic.hashCode() * 31) & 0x7FFFFFFF) % 3;
        assertThat(warnings)
                .containsExactly("Source 'payments-source' runs with parallelism 3 and no idleness"
                        + " is set, but the 1 partition(s) of topic(s) {" + topic + "=1} leave 2 subtask(s) without a"
                        + " partition (the Kafka source assigns partitions topic by topic): subtask(s) "
                        + IntStream.range(0, 3).filter(i -> i != owner).boxed().collect(Collectors.toList())
                        + " will read nothing and hold back event time downstream. Set an idleness or lower the source"
                        + " parallelism.");
    }

    @Test
    void theSourceParallelismCountsNotTheEnvironments() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("narrow");
        KAFKA.cluster().createTopic(topic, 2);

        source(topic).withoutIdleness().setParallelism(4).build().attach(env(1));

        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0))
                .startsWith("Source 'payments-source' runs with parallelism 4 and no idleness"
                        + " is set, but the 2 partition(s) of topic(s) {" + topic + "=2} leave 2 subtask(s) without");
    }

    @Test
    void silentWithIdleness() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("narrow");
        KAFKA.cluster().createTopic(topic, 1);

        source(topic).build().attach(env(3));

        assertThat(warnings).isEmpty();
    }

    @Test
    void silentWhenEverySubtaskHasAPartition() {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("wide");
        KAFKA.cluster().createTopic(topic, 3);

        source(topic).withoutIdleness().build().attach(env(3));

        assertThat(warnings).isEmpty();
    }
}
