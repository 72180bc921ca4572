package dev.streamingblocks.kafka.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.kafka.testing.PaymentEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;
import org.apache.flink.formats.json.JsonDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;

class TypedKafkaSourceBuilderTest {

    private static TypedKafkaSource.Builder<Payment> valid() {
        return TypedKafkaSource.<Payment>builder()
                .setName("payments-source")
                .setBootstrapServers("localhost:9092")
                .setTopics("payments")
                .setGroupId("payments-reader")
                .setJsonValue(Payment.class);
    }

    private static void assertBuildFails(TypedKafkaSource.Builder<?> builder, String message) {
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void buildsWithDefaults() {
        TypedKafkaSource<Payment> source = valid().build();
        assertThat(source.name()).isEqualTo("payments-source");
        assertThat(source.valueType()).isInstanceOf(PojoTypeInfo.class);
        assertThat(source.toString())
                .isEqualTo(
                        "TypedKafkaSource{name='payments-source', topics=[payments],"
                                + " groupId='payments-reader', valueType=" + source.valueType()
                                + ", startingOffsets=committed offsets, else earliest, bounded=false, onDeserializationError=FAIL}");
        assertThat(TypedKafkaSource.DEFAULT_IDLENESS).isEqualTo(Duration.ofSeconds(30));
        assertThat(TypedKafkaSource.DEFAULT_ISOLATION_LEVEL).isEqualTo(IsolationLevel.READ_COMMITTED);
    }

    @Test
    void recordValidatorMustNotBeNull() {
        assertThatThrownBy(() -> valid().setRecordValidator(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recordValidator must not be null");
    }

    @Test
    void deadLetterIsAPojoTypeNotKryo() {
        assertThat(DeadLetter.TYPE_INFO).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void requiresName() {
        assertBuildFails(valid().setName(null), "name must be set");
        assertBuildFails(valid().setName(" "), "name must be set");
    }

    @Test
    void requiresBootstrapServers() {
        assertBuildFails(valid().setBootstrapServers(null), "bootstrapServers must be set");
    }

    @Test
    void requiresTopicsOrPattern() {
        assertBuildFails(
                TypedKafkaSource.<Payment>builder()
                        .setName("n")
                        .setBootstrapServers("b")
                        .setGroupId("g")
                        .setJsonValue(Payment.class),
                "topics or topicPattern must be set");
    }

    @Test
    void requiresGroupId() {
        assertBuildFails(valid().setGroupId(null), "groupId must be set");
    }

    @Test
    void requiresValueDeserializer() {
        assertBuildFails(
                TypedKafkaSource.<Payment>builder()
                        .setName("n")
                        .setBootstrapServers("b")
                        .setTopics("t")
                        .setGroupId("g"),
                "valueDeserializer (or jsonValue, avroValue, avroGenericValue) must be set");
    }

    @Test
    void rejectsAValueTypeThatWouldFallBackToKryo() {
        AbstractDeserializationSchema<Object> generic = new AbstractDeserializationSchema<>(Object.class) {
            @Override
            public Object deserialize(byte[] message) {
                return message;
            }
        };
        assertThat(generic.getProducedType()).isInstanceOf(GenericTypeInfo.class);
        assertBuildFails(
                TypedKafkaSource.<Object>builder()
                        .setName("n")
                        .setBootstrapServers("b")
                        .setTopics("t")
                        .setGroupId("g")
                        .setValueDeserializer(generic),
                "valueDeserializer produces GenericType<java.lang.Object>, which Flink would serialize with Kryo;"
                        + " use a POJO, a Java record or an Avro type");
    }

    @Test
    void acceptsAnyDeserializationSchema() {
        TypedKafkaSource<String> source = TypedKafkaSource.<String>builder()
                .setName("n")
                .setBootstrapServers("b")
                .setTopics("t")
                .setGroupId("g")
                .setValueDeserializer(new SimpleStringSchema())
                .build();
        assertThat(source.valueType()).isEqualTo(TypeInformation.of(String.class));
    }

    @Test
    void avroValueNeedsAGeneratedClassAndARegistryConfig() {
        Map<String, String> registry = Map.of("schema.registry.url", "http://localhost:8081");
        assertThatThrownBy(() -> TypedKafkaSource.<Payment>builder().setAvroValue(Payment.class, registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("avroValue class must be a generated Avro SpecificRecord class,"
                        + " but was dev.streamingblocks.kafka.source.Payment");
        assertThatThrownBy(() -> TypedKafkaSource.<PaymentEvent>builder().setAvroValue(null, registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("avroValue class must be a generated Avro SpecificRecord class, but was null");
        assertThatThrownBy(() -> TypedKafkaSource.<PaymentEvent>builder().setAvroValue(PaymentEvent.class, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("registryConfig must not be null");
        assertThatThrownBy(() -> TypedKafkaSource.<GenericRecord>builder().setAvroGenericValue(null, registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("avroGenericValue reader schema must not be null");
    }

    @Test
    void avroValuesHaveAvroTypeInformation() {
        Map<String, String> registry = Map.of("schema.registry.url", "http://localhost:8081");
        TypedKafkaSource<PaymentEvent> specific = TypedKafkaSource.<PaymentEvent>builder()
                .setName("n")
                .setBootstrapServers("b")
                .setTopics("t")
                .setGroupId("g")
                .setAvroValue(PaymentEvent.class, registry)
                .build();
        assertThat(specific.valueType()).isEqualTo(new AvroTypeInfo<>(PaymentEvent.class));
        TypedKafkaSource<GenericRecord> generic = TypedKafkaSource.<GenericRecord>builder()
                .setName("n")
                .setBootstrapServers("b")
                .setTopics("t")
                .setGroupId("g")
                .setAvroGenericValue(PaymentEvent.getClassSchema(), registry)
                .build();
        assertThat(generic.valueType()).isEqualTo(new GenericRecordAvroTypeInfo(PaymentEvent.getClassSchema()));
    }

    @Test
    void deadLetterPolicyNeedsATopic() {
        assertBuildFails(
                valid().setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER),
                "deadLetterTopic must be set when onDeserializationError is DEAD_LETTER");
    }

    @Test
    void deadLetterTopicWithoutDeadLetterPolicyIsRejected() {
        assertBuildFails(
                valid().setDeadLetterTopic("payments-dlq"),
                "deadLetterTopic is set but onDeserializationError is FAIL;"
                        + " set onDeserializationError to DEAD_LETTER or remove deadLetterTopic");
        assertBuildFails(
                valid().setDeadLetterTopic("payments-dlq").setOnDeserializationError(DeserializationFailurePolicy.SKIP),
                "deadLetterTopic is set but onDeserializationError is SKIP;"
                        + " set onDeserializationError to DEAD_LETTER or remove deadLetterTopic");
    }

    @Test
    void deadLetterTopicMustNotBeASourceTopic() {
        assertBuildFails(
                valid().setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                        .setDeadLetterTopic("payments"),
                "deadLetterTopic 'payments' must not be one of the source topics [payments]");
    }

    @Test
    void deadLetterTopicMustNotMatchTheSourcePattern() {
        assertBuildFails(
                TypedKafkaSource.<Payment>builder()
                        .setName("n")
                        .setBootstrapServers("b")
                        .setGroupId("g")
                        .setJsonValue(Payment.class)
                        .setTopicPattern(Pattern.compile("payments.*"))
                        .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                        .setDeadLetterTopic("payments-dlq"),
                "deadLetterTopic 'payments-dlq' must not match the source topicPattern payments.*");
    }

    @Test
    void topicsAndPatternExcludeEachOther() {
        assertThatThrownBy(() -> valid().setTopicPattern(Pattern.compile("p.*")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("topics and topicPattern exclude each other; topics are already set");
        assertThatThrownBy(() -> TypedKafkaSource.<Payment>builder()
                        .setTopicPattern(Pattern.compile("p.*"))
                        .setTopics("payments"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("topics and topicPattern exclude each other; topicPattern is already set");
    }

    @Test
    void rejectsEmptyOrBlankTopics() {
        assertThatThrownBy(() -> TypedKafkaSource.<Payment>builder().setTopics(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topics must not be empty");
        assertThatThrownBy(() -> TypedKafkaSource.<Payment>builder().setTopics("a", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topics must not contain a null or blank name, but were [a,  ]");
        assertThatThrownBy(() -> TypedKafkaSource.<Payment>builder().setTopicPattern(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topicPattern must not be null");
    }

    @Test
    void boundedModesExcludeEachOther() {
        assertThatThrownBy(() -> valid().setBoundedToLatest().setBoundedAt(Instant.EPOCH))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("boundedToLatest and boundedAt exclude each other;"
                        + " boundedToLatest is already set, cannot also set boundedAt");
        assertThatThrownBy(() -> valid().setBoundedAt(Instant.EPOCH).setBoundedToLatest())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("boundedToLatest and boundedAt exclude each other;"
                        + " boundedAt is already set, cannot also set boundedToLatest");
        assertThatThrownBy(() -> valid().setBoundedAt(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("boundedAt must not be null");
    }

    @Test
    void valueDeserializerCanBeSetOnce() {
        assertThatThrownBy(() -> valid().setValueDeserializer(new JsonDeserializationSchema<>(Payment.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("valueDeserializer is already set");
        assertThatThrownBy(() -> TypedKafkaSource.<Payment>builder().setValueDeserializer(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("valueDeserializer must not be null");
        assertThatThrownBy(() -> TypedKafkaSource.<Payment>builder().setJsonValue(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jsonValue class must not be null");
    }

    @Test
    void idlenessMustBePositive() {
        assertThatThrownBy(() -> valid().setIdleness(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleness must be positive, but was PT0S; use withoutIdleness() to turn it off");
        assertThatThrownBy(() -> valid().setIdleness(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleness must be positive, but was PT-1S; use withoutIdleness() to turn it off");
        assertThatThrownBy(() -> valid().setIdleness(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleness must be positive, but was null; use withoutIdleness() to turn it off");
    }

    @Test
    void nullArgumentsAreRejectedByName() {
        assertThatThrownBy(() -> valid().setStartingOffsets(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startingOffsets must not be null");
        assertThatThrownBy(() -> valid().setIsolationLevel(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("isolationLevel must not be null");
        assertThatThrownBy(() -> valid().setWatermarkStrategy(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("watermarkStrategy must not be null");
        assertThatThrownBy(() -> valid().setOnDeserializationError(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("onDeserializationError must not be null");
        assertThatThrownBy(() -> StartingOffsets.timestamp(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timestamp of StartingOffsets.timestamp(...) must not be null");
    }

    @Test
    void deadLetterDeliveryGuaranteeMustDeliver() {
        assertThatThrownBy(() -> valid().setDeadLetterDeliveryGuarantee(DeliveryGuarantee.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deadLetterDeliveryGuarantee must be AT_LEAST_ONCE or EXACTLY_ONCE, but was none");
        assertThatThrownBy(() -> valid().setDeadLetterDeliveryGuarantee(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deadLetterDeliveryGuarantee must be AT_LEAST_ONCE or EXACTLY_ONCE, but was null");
    }

    @Test
    void deadLetterTransactionTimeoutMustBePositive() {
        assertThatThrownBy(() -> valid().setDeadLetterTransactionTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deadLetterTransactionTimeout must be positive, but was PT0S");
        assertThat(TypedKafkaSource.DEFAULT_DEAD_LETTER_TRANSACTION_TIMEOUT).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void parallelismMustBePositive() {
        assertThatThrownBy(() -> valid().setParallelism(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parallelism must be at least 1, but was 0");
    }

    @Test
    void propertiesWithTheirOwnSetterAreRejected() {
        assertThatThrownBy(() -> valid().setProperty("isolation.level", "read_uncommitted"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("property 'isolation.level' is set by the builder: use setIsolationLevel(...) instead");
        assertThatThrownBy(() -> valid().setProperty("group.id", "g"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("property 'group.id' is set by the builder: use setGroupId(...) instead");
        assertThatThrownBy(() -> valid().setProperty("bootstrap.servers", "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("property 'bootstrap.servers' is set by the builder: use setBootstrapServers(...) instead");
        assertThatThrownBy(() -> valid().setProperty(" ", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("property key must not be null or blank");
        assertThatThrownBy(() -> valid().setProperty("sasl.jaas.config", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value of property 'sasl.jaas.config' must not be null");
    }

    @Test
    void toStringNeverShowsClientProperties() {
        String secret = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
                + " password=\"s3cr3t\";";
        TypedKafkaSource<Payment> source =
                valid().setProperty("sasl.jaas.config", secret).build();
        assertThat(source.toString()).doesNotContain("s3cr3t").doesNotContain("sasl");
    }

    @Test
    void aBuiltSourceDoesNotChangeWithItsBuilder() {
        TypedKafkaSource.Builder<Payment> builder = valid();
        TypedKafkaSource<Payment> source = builder.build();
        builder.setName("renamed");
        assertThat(source.name()).isEqualTo("payments-source");
    }

    @Test
    void deadLetterToStringShowsSizesNotBytes() {
        DeadLetter letter =
                new DeadLetter(new byte[] {1, 2}, new byte[] {3}, "t", 1, 42L, 1000L, "java.io.IOException", "boom");
        assertThat(letter.toString())
                .isEqualTo("DeadLetter{topic='t', partition=1, offset=42, timestamp=1000,"
                        + " keyBytes=2, valueBytes=1, errorClass='java.io.IOException', errorMessage='boom'}");
    }

    private static TypedKafkaSource.Builder<Payment> exactlyOnceDeadLetters() {
        return valid().setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic("payments-dlq")
                .setDeadLetterDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE);
    }

    @Test
    void exactlyOnceDeadLettersNeedANameThatCanBeATransactionalIdPrefix() {
        assertBuildFails(
                exactlyOnceDeadLetters().setName("payments source"),
                "name 'payments source' cannot be used with deadLetterDeliveryGuarantee EXACTLY_ONCE: it forms the"
                        + " transactional id prefix 'payments source-dlq', which may only contain ASCII letters,"
                        + " digits, '.', '_' and '-' and have at most 200 characters");
        assertBuildFails(
                exactlyOnceDeadLetters().setName("p".repeat(197)),
                "name '" + "p".repeat(197) + "' cannot be used with deadLetterDeliveryGuarantee EXACTLY_ONCE: it"
                        + " forms the transactional id prefix '" + "p".repeat(197) + "-dlq', which may only contain"
                        + " ASCII letters, digits, '.', '_' and '-' and have at most 200 characters");
        // At-least-once dead letters use no transactions, so any name does.
        assertThat(exactlyOnceDeadLetters()
                        .setName("payments source")
                        .setDeadLetterDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build())
                .isNotNull();
        assertThat(exactlyOnceDeadLetters().build()).isNotNull();
    }

    @Test
    void exactlyOnceDeadLettersNeedATransactionTimeoutAboveTheRestartMargin() {
        assertBuildFails(
                exactlyOnceDeadLetters().setDeadLetterTransactionTimeout(Duration.ofMinutes(5)),
                "The dead-letter sink cannot be built (deadLetterTopic, deadLetterDeliveryGuarantee,"
                        + " deadLetterTransactionTimeout, properties): transactionTimeout (300000 ms) must exceed the"
                        + " restartMargin (300000 ms) plus the checkpoint interval: raise setTransactionTimeout(...)"
                        + " or lower setRestartMargin(...)");
    }

    @Test
    void exactlyOnceDeadLettersWithoutCheckpointingAreRefused() {
        TypedKafkaSource<Payment> source = exactlyOnceDeadLetters().build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // Whether the check runs when the sink is attached or when the graph is built, it runs before the job.
        assertThatThrownBy(() -> {
                    source.attach(env).records().sinkTo(new DiscardingSink<>());
                    env.getStreamGraph();
                })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EXACTLY_ONCE")
                .hasMessageContaining("checkpointing is disabled");
    }

    @Test
    void theDeadLetterSinkKeepsItsUidAndName() {
        TypedKafkaSource<Payment> source = exactlyOnceDeadLetters()
                .setDeadLetterDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        KafkaSourceStreams<Payment> streams = source.attach(StreamExecutionEnvironment.getExecutionEnvironment());
        assertThat(streams.deadLetterSink()).hasValueSatisfying(sink -> {
            assertThat(sink.getTransformation().getUid()).isEqualTo("payments-source-dead-letter-sink");
            assertThat(sink.getTransformation().getName()).isEqualTo("payments-source-dead-letter-sink");
        });
    }
}
