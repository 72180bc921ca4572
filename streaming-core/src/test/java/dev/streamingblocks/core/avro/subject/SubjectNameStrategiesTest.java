package dev.streamingblocks.core.avro.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.testing.Order;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectNameStrategiesTest {

    private static final Schema ORDER = Order.getClassSchema();

    @Test
    void topicNameStrategyNamesKeyAndValueSubjectsAfterTheTopic() {
        TopicNameStrategy strategy = new TopicNameStrategy();

        assertThat(strategy.subjectName("orders", false, ORDER)).isEqualTo("orders-value");
        assertThat(strategy.subjectName("orders", true, ORDER)).isEqualTo("orders-key");
    }

    @Test
    void recordNameStrategyUsesTheFullNameWhateverTheTopic() {
        RecordNameStrategy strategy = new RecordNameStrategy();

        assertThat(strategy.subjectName("orders", false, ORDER))
                .isEqualTo("dev.streamingblocks.core.avro.testing.Order");
        assertThat(strategy.subjectName(null, true, ORDER)).isEqualTo("dev.streamingblocks.core.avro.testing.Order");
        assertThat(strategy.subjectName("keys", true, Schema.create(Schema.Type.STRING)))
                .isEqualTo("string");
    }

    @Test
    void topicRecordNameStrategyJoinsTopicAndFullName() {
        assertThat(new TopicRecordNameStrategy().subjectName("orders", false, ORDER))
                .isEqualTo("orders-dev.streamingblocks.core.avro.testing.Order");
    }

    @Test
    void topicStrategiesWithoutATopicSayWhatTheyNeed() {
        assertThatThrownBy(() -> new TopicNameStrategy().subjectName(null, true, ORDER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TopicNameStrategy needs a topic to name the subject (<topic>-key)");
        assertThatThrownBy(() -> new TopicRecordNameStrategy().subjectName("", false, ORDER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TopicRecordNameStrategy needs a topic to name the subject (<topic>-<record name>)");
    }

    @ParameterizedTest
    @CsvSource({
        "io.confluent.kafka.serializers.subject.TopicNameStrategy, TopicNameStrategy",
        "io.confluent.kafka.serializers.subject.RecordNameStrategy, RecordNameStrategy",
        "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy, TopicRecordNameStrategy",
        "dev.streamingblocks.core.avro.subject.TopicNameStrategy, TopicNameStrategy",
        "dev.streamingblocks.core.avro.subject.RecordNameStrategy, RecordNameStrategy",
        "dev.streamingblocks.core.avro.subject.TopicRecordNameStrategy, TopicRecordNameStrategy",
        "RecordNameStrategy, RecordNameStrategy",
        "'  TopicRecordNameStrategy ', TopicRecordNameStrategy"
    })
    void confluentOursAndShortClassNamesResolveToOurStrategies(String configured, String expected) {
        assertThat(SubjectNameStrategies.of(configured).getClass().getSimpleName())
                .isEqualTo(expected);
    }

    @Test
    void classesInstancesAndCustomImplementationsAreAccepted() {
        SubjectNameStrategy instance = new RecordNameStrategy();

        assertThat(SubjectNameStrategies.of(instance)).isSameAs(instance);
        assertThat(SubjectNameStrategies.of(TopicRecordNameStrategy.class)).isInstanceOf(TopicRecordNameStrategy.class);
        assertThat(SubjectNameStrategies.of(UpperCaseTopicStrategy.class.getName())
                        .subjectName("orders", false, ORDER))
                .isEqualTo("ORDERS");
    }

    @Test
    void unknownOrUnusableStrategiesAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> SubjectNameStrategies.of("io.confluent.kafka.serializers.subject.NoSuchStrategy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown subject name strategy 'io.confluent.kafka.serializers.subject.NoSuchStrategy':"
                        + " use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy (with our"
                        + " package dev.streamingblocks.core.avro.subject or Confluent's"
                        + " io.confluent.kafka.serializers.subject), or the class name of a"
                        + " SubjectNameStrategy implementation");
        assertThatThrownBy(() -> SubjectNameStrategies.of("java.lang.String"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Subject name strategy 'java.lang.String' does not implement"
                        + " dev.streamingblocks.core.avro.subject.SubjectNameStrategy");
        assertThatThrownBy(() -> SubjectNameStrategies.of(42))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A subject name strategy must be a class name, a Class or a SubjectNameStrategy, got"
                        + " java.lang.Integer");
    }

    /** A custom strategy, named by class in configuration. */
    public static final class UpperCaseTopicStrategy implements SubjectNameStrategy {
        private static final long serialVersionUID = 1L;

        @Override
        public String subjectName(String topic, boolean isKey, Schema schema) {
            return topic.toUpperCase(java.util.Locale.ROOT);
        }
    }
}
