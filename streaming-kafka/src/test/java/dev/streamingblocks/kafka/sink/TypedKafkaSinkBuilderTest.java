package dev.streamingblocks.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.kafka.sink.testing.SinkReading;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

class TypedKafkaSinkBuilderTest {

    private static TypedKafkaSinkBuilder<String> complete() {
        return TypedKafkaSink.<String>builder()
                .setBootstrapServers("localhost:1")
                .setTopic("out")
                .setValueSerializationSchema(new SimpleStringSchema())
                .setTransactionalIdPrefix("job.sink")
                .setVerifyBrokerOnAttach(false);
    }

    @Test
    void defaultsAreExactlyOnceWithFifteenMinuteTimeout() {
        TypedKafkaSink<String> sink = complete().build();
        assertThat(sink.getDeliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(sink.getTransactionTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(sink.getRestartMargin()).isEqualTo(Duration.ofMinutes(5));
        assertThat(sink.getTransactionalIdPrefix()).isEqualTo("job.sink");
        assertThat(sink.getKafkaSink()).isNotNull();
        assertThat(TypedKafkaSinkBuilder.DEFAULT_VERIFY_BROKER_ON_ATTACH).isTrue();
        assertThat(TypedKafkaSinkBuilder.DEFAULT_VERIFY_BROKER_ON_START).isTrue();
    }

    @Test
    void missingBootstrapServers() {
        assertThatThrownBy(() -> TypedKafkaSink.<String>builder()
                        .setTopic("out")
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .setTransactionalIdPrefix("p")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bootstrapServers is required: call setBootstrapServers(...)");
    }

    @Test
    void missingTopic() {
        assertThatThrownBy(() -> TypedKafkaSink.<String>builder()
                        .setBootstrapServers("h:1")
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .setTransactionalIdPrefix("p")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic is required: call setTopic(...) or setTopicSelector(...)");
    }

    @Test
    void missingValueSchema() {
        assertThatThrownBy(() -> TypedKafkaSink.<String>builder()
                        .setBootstrapServers("h:1")
                        .setTopic("out")
                        .setTransactionalIdPrefix("p")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("valueSerializationSchema is required: call setValueSerializationSchema(...)");
    }

    @Test
    void missingPrefixForExactlyOnce() {
        assertThatThrownBy(() -> TypedKafkaSink.<String>builder()
                        .setBootstrapServers("h:1")
                        .setTopic("out")
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transactionalIdPrefix is required for EXACTLY_ONCE: call setTransactionalIdPrefix(...),"
                        + " e.g. with TypedKafkaSink.suggestTransactionalIdPrefix(jobName, sinkName)");
    }

    @Test
    void atLeastOnceNeedsNoPrefix() {
        TypedKafkaSink<String> sink = TypedKafkaSink.<String>builder()
                .setBootstrapServers("h:1")
                .setTopic("out")
                .setValueSerializationSchema(new SimpleStringSchema())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        assertThat(sink.getDeliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(sink.getTransactionalIdPrefix()).isNull();
    }

    @Test
    void noneIsRejected() {
        assertThatThrownBy(() -> complete().setDeliveryGuarantee(DeliveryGuarantee.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deliveryGuarantee NONE is not supported: it may lose records silently;"
                        + " use AT_LEAST_ONCE or EXACTLY_ONCE");
    }

    @Test
    void nullAndBlankArguments() {
        assertThatThrownBy(() -> complete().setBootstrapServers(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bootstrapServers must not be blank");
        assertThatThrownBy(() -> complete().setBootstrapServers(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bootstrapServers must not be null");
        assertThatThrownBy(() -> TypedKafkaSink.<String>builder().setTopic(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic must not be blank");
        assertThatThrownBy(() -> complete().setValueSerializationSchema(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("valueSerializationSchema must not be null");
        assertThatThrownBy(() -> complete().setKeyExtractor(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyExtractor must not be null");
        assertThatThrownBy(() -> complete().setHeaderProvider(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("headerProvider must not be null");
        assertThatThrownBy(() -> complete().setDeliveryGuarantee(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deliveryGuarantee must not be null");
        assertThatThrownBy(() -> complete().setUpsertJsonLayout(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("upsertJsonLayout must not be null");
    }

    @Test
    void topicAndSelectorExcludeEachOther() {
        assertThatThrownBy(() -> complete().setTopicSelector(s -> "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("topicSelector cannot be set: a topic is already set");
        assertThatThrownBy(() -> TypedKafkaSink.<String>builder()
                        .setTopicSelector(s -> "x")
                        .setTopic("y"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("topic cannot be set: a topicSelector is already set");
    }

    @Test
    void keyIsSetOnce() {
        assertThatThrownBy(() -> complete().setKeyExtractor(s -> s).setKeySerializationSchema(new SimpleStringSchema()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("keySerializationSchema cannot be set: a key is already set");
        assertThatThrownBy(() -> complete()
                        .setKeySerializationSchema(new SimpleStringSchema())
                        .setKeyExtractor(s -> s))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("keyExtractor cannot be set: a key is already set");
    }

    @Test
    void prefixValidation() {
        assertThatThrownBy(() -> complete().setTransactionalIdPrefix(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transactionalIdPrefix must not be null");
        assertThatThrownBy(() -> complete().setTransactionalIdPrefix(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transactionalIdPrefix must not be empty");
        assertThatThrownBy(() -> complete().setTransactionalIdPrefix("orders job"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "transactionalIdPrefix 'orders job' may only contain ASCII letters, digits, '.', '_' and '-'");
        assertThatThrownBy(() -> complete().setTransactionalIdPrefix("a".repeat(201)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transactionalIdPrefix has 201 characters, more than the 200 allowed"
                        + " (Flink appends '-<subtask>-<checkpoint>')");
        assertThat(complete().setTransactionalIdPrefix("a".repeat(200)).build().getTransactionalIdPrefix())
                .hasSize(200);
    }

    @Test
    void durationsMustBePositive() {
        assertThatThrownBy(() -> complete().setTransactionTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transactionTimeout must be positive, but is PT0S");
        assertThatThrownBy(() -> complete().setTransactionTimeout(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transactionTimeout must not be null");
        assertThatThrownBy(() -> complete().setAdminTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("adminTimeout must be positive, but is PT-1S");
        assertThatThrownBy(() -> complete().setRestartMargin(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("restartMargin must not be negative, but is PT-1S");
    }

    @Test
    void timeoutMustExceedRestartMargin() {
        assertThatThrownBy(() -> complete()
                        .setTransactionTimeout(Duration.ofMinutes(2))
                        .setRestartMargin(Duration.ofMinutes(2))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transactionTimeout (120000 ms) must exceed the restartMargin (120000 ms) plus the"
                        + " checkpoint interval: raise setTransactionTimeout(...) or lower setRestartMargin(...)");
    }

    @Test
    void ownedPropertiesAreRejected() {
        assertThatThrownBy(() -> complete().setProperty("transaction.timeout.ms", "3600000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "property 'transaction.timeout.ms' is set by the builder: use setTransactionTimeout(...) instead");
        assertThatThrownBy(() -> complete().setProperty("bootstrap.servers", "h:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("property 'bootstrap.servers' is set by the builder: use setBootstrapServers(...) instead");
        assertThatThrownBy(() -> complete().setProperty("transactional.id", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "property 'transactional.id' is set by the builder: use setTransactionalIdPrefix(...) instead");
        assertThatThrownBy(() -> complete().setProperty("value.serializer", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("property 'value.serializer' is set by the builder: use setKeyExtractor(...),"
                        + " setKeySerializationSchema(...) or setValueSerializationSchema(...) instead");
        assertThatThrownBy(() -> complete().setProperty("acks", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value of property 'acks' must not be null");
    }

    @Test
    void toStringHidesProducerProperties() {
        TypedKafkaSink<String> sink = complete()
                .setProperty("sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"s3cret\";")
                .build();
        assertThat(sink.toString())
                .isEqualTo("TypedKafkaSink{deliveryGuarantee=EXACTLY_ONCE, transactionalIdPrefix=job.sink,"
                        + " transactionTimeout=PT15M, restartMargin=PT5M}");
    }

    @Test
    void buildingTheJobGraphFailsWithoutCheckpointing() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        complete().build().sinkTo(env.fromData("a"));
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("deliveryGuarantee EXACTLY_ONCE commits on checkpoints, but checkpointing is disabled:"
                        + " enable it with env.enableCheckpointing(...) (execution.checkpointing.interval) or use"
                        + " setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)");
    }

    @Test
    void executeAndExecuteAsyncFailBeforeTheJobIsSubmitted() {
        String message = "deliveryGuarantee EXACTLY_ONCE commits on checkpoints, but checkpointing is disabled:"
                + " enable it with env.enableCheckpointing(...) (execution.checkpointing.interval) or use"
                + " setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)";
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        complete().build().sinkTo(env.fromData("a"));
        assertThatThrownBy(() -> env.execute("no-checkpointing"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(message);
        StreamExecutionEnvironment other = StreamExecutionEnvironment.createLocalEnvironment(1);
        complete().build().sinkTo(other.fromData("a"));
        assertThatThrownBy(() -> other.executeAsync("no-checkpointing"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(message);
    }

    @Test
    void buildingTheJobGraphFailsWhenTimeoutDoesNotCoverCheckpointIntervalAndMargin() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        complete().build().sinkTo(env.fromData("a"));
        env.enableCheckpointing(Duration.ofMinutes(12).toMillis()); // after sinkTo: judged all the same
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("transaction.timeout.ms (900000 ms) must exceed the checkpoint interval (720000 ms)"
                        + " plus the restart margin (300000 ms) = 1020000 ms: raise it with setTransactionTimeout(...),"
                        + " or lower execution.checkpointing.interval or setRestartMargin(...)");
    }

    @Test
    void checkpointingMayBeEnabledAfterSinkTo() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        complete().build().sinkTo(env.fromData("a"));
        env.enableCheckpointing(10_000);
        StreamGraph graph = env.getStreamGraph();
        assertThat(graph.getStreamNodes())
                .extracting(StreamNode::getTransformationUID)
                .contains("kafka-sink-job.sink");
    }

    @Test
    void aLongerIntervalSetAfterSinkToIsCaught() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(10_000);
        complete().build().sinkTo(env.fromData("a"));
        env.getCheckpointConfig().setCheckpointInterval(Duration.ofMinutes(20).toMillis());
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "transaction.timeout.ms (900000 ms) must exceed the checkpoint interval" + " (1200000 ms)");
    }

    @Test
    void attachNamesSinkAfterPrefixAndRejectsClashingPrefixes() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(1_000);
        DataStream<String> stream = env.fromData("a");
        assertThat(complete()
                        .setTransactionalIdPrefix("orders")
                        .build()
                        .sinkTo(stream)
                        .getTransformation()
                        .getUid())
                .isEqualTo("kafka-sink-orders");
        complete().setTransactionalIdPrefix("orders.audit").build().sinkTo(stream);
        assertThatThrownBy(() ->
                        complete().setTransactionalIdPrefix("orders").build().sinkTo(stream))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("transactionalIdPrefix 'orders' clashes with 'orders' of another Kafka sink in this job:"
                        + " the transactional ids of the two sinks would overlap; give each exactly-once sink its own"
                        + " prefix, e.g. TypedKafkaSink.suggestTransactionalIdPrefix(jobName, sinkName)");
        assertThatThrownBy(() ->
                        complete().setTransactionalIdPrefix("orders-1").build().sinkTo(stream))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("transactionalIdPrefix 'orders-1' clashes with 'orders' of another Kafka sink");

        // Another job may reuse a prefix: the check is per job.
        StreamExecutionEnvironment other = StreamExecutionEnvironment.getExecutionEnvironment();
        other.enableCheckpointing(1_000);
        complete().setTransactionalIdPrefix("orders").build().sinkTo(other.fromData("b"));
    }

    @Test
    void atLeastOnceAttachesWithoutCheckpointing() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        TypedKafkaSink<String> sink =
                complete().setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build();
        assertThat(sink.sinkTo(env.fromData("a"))).isNotNull();
    }

    @Test
    void suggestedPrefixes() {
        assertThat(TypedKafkaSink.suggestTransactionalIdPrefix("Order Enrichment", "enriched/v2"))
                .isEqualTo("order-enrichment.enriched-v2");
        assertThat(TypedKafkaSink.suggestTransactionalIdPrefix("  fraud_job ", "alerts"))
                .isEqualTo("fraud_job.alerts");
        String longA = TypedKafkaSink.suggestTransactionalIdPrefix("j".repeat(300), "a");
        String longB = TypedKafkaSink.suggestTransactionalIdPrefix("j".repeat(300), "b");
        assertThat(longA).hasSize(200).startsWith("jjj").isNotEqualTo(longB);
        assertThat(longA).isEqualTo(TypedKafkaSink.suggestTransactionalIdPrefix("j".repeat(300), "a"));
        // A suggestion is always accepted by the builder.
        assertThat(complete().setTransactionalIdPrefix(longA).build().getTransactionalIdPrefix())
                .isEqualTo(longA);
        assertThatThrownBy(() -> TypedKafkaSink.suggestTransactionalIdPrefix("!!!", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jobName '!!!' has no letters or digits to build a transactional-id prefix from");
        assertThatThrownBy(() -> TypedKafkaSink.suggestTransactionalIdPrefix("job", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sinkName must not be null");
    }

    @Test
    void avroValuesNeedASpecificRecordAndATopic() {
        assertThatThrownBy(() -> complete().setAvroValues(String.class, Map.of("schema.registry.url", "http://r:1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "setAvroValues needs a generated Avro SpecificRecord class, but java.lang.String is not one;"
                                + " use setValueSerializationSchema(...) for other types");
        assertThatThrownBy(() -> TypedKafkaSink.<SinkReading>builder()
                        .setAvroValues(SinkReading.class, Map.of("schema.registry.url", "http://r:1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("setAvroValues names the schema subject after the topic: call setTopic(...) first"
                        + " (a topicSelector cannot name one subject)");
        assertThatThrownBy(() -> complete().setAvroValues(null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("avro recordClass must not be null");
        assertThat(TypedKafkaSink.<SinkReading>builder()
                        .setBootstrapServers("h:1")
                        .setTopic("t")
                        .setAvroValues(SinkReading.class, Map.of("schema.registry.url", "http://r:1"))
                        .setTransactionalIdPrefix("p")
                        .build())
                .isNotNull();
    }

    @Test
    void deadLetterTopicMustBeTextAndDifferFromTheTopic() {
        assertThatThrownBy(() -> complete().setDeadLetterTopic(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deadLetterTopic must not be null");
        assertThatThrownBy(() -> complete().setDeadLetterTopic(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deadLetterTopic must not be blank");
        assertThatThrownBy(() -> complete().setDeadLetterTopic("out").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "deadLetterTopic 'out' must differ from the topic: dead letters would be read as good records");
        assertThat(complete().setDeadLetterTopic("out-dlq").build()).isNotNull();
    }

    @Test
    void maxRecordSizeMustBePositiveAndWithinMaxRequestSize() {
        assertThatThrownBy(() -> complete().setMaxRecordSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRecordSize must be positive, but is 0");
        assertThatThrownBy(() -> complete()
                        .setMaxRecordSize(TypedKafkaSink.DEFAULT_MAX_REQUEST_SIZE + 1)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRecordSize (1048577 bytes) exceeds the producer's max.request.size (1048576 bytes),"
                        + " which would refuse such records: lower setMaxRecordSize(...) or raise max.request.size"
                        + " with setProperty(...)");
        assertThat(complete()
                        .setProperty("max.request.size", "2097152")
                        .setMaxRecordSize(2_000_000)
                        .build())
                .isNotNull();
        assertThat(complete().setMaxRecordSize(1000).build()).isNotNull();
    }

    @Test
    void maxRequestSizeMustBeANumber() {
        assertThatThrownBy(
                        () -> complete().setProperty("max.request.size", "1MB").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("property 'max.request.size' must be a positive whole number of bytes, but is '1MB'");
    }
}
