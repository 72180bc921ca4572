package com.example.checkout;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.core.window.KeyedWindowAggregate;
import dev.streamingblocks.core.window.WindowAggregation;
import dev.streamingblocks.core.window.WindowResult;
import dev.streamingblocks.core.window.WindowSpec;
import dev.streamingblocks.core.window.WindowedOutput;
import dev.streamingblocks.kafka.sink.JsonValueSerializationSchema;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.KafkaSourceStreams;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Avro payments → payments per user and minute, as JSON, exactly once. Bad records go to payments-dlq. */
public final class CheckoutAlertsJob {

    public static final String PAYMENTS = "payments";
    public static final String DEAD_LETTERS = "payments-dlq";
    public static final String COUNTS = "payments-per-user-minute";

    private CheckoutAlertsJob() {}

    public static void define(StreamExecutionEnvironment env, String bootstrap, String registryUrl, boolean bounded) {
        Map<String, Object> registry = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        TypedKafkaSource.Builder<Payment> source = TypedKafkaSource.<Payment>builder()
                .setName("payments")
                .setBootstrapServers(bootstrap)
                .setTopics(PAYMENTS)
                .setGroupId("checkout-alerts")
                .setAvroValue(Payment.class, registry)
                .setWatermarkStrategy(EventTimeWatermarkStrategy.<Payment>builder()
                        .setAvroTimestampField("timestamp")
                        .setMaxOutOfOrderness(Duration.ofSeconds(5))
                        .build())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(DEAD_LETTERS);
        if (bounded) {
            source.setBoundedToLatest();
        }
        KafkaSourceStreams<Payment> payments = source.build().attach(env);

        WindowedOutput<WindowResult<String, Long>, Payment> perMinute = KeyedWindowAggregate.<Payment, Long>builder()
                .setWindow(WindowSpec.tumbling(Duration.ofMinutes(1)))
                .setAggregation(WindowAggregation.count())
                .setUid("payments-per-user-minute")
                .build()
                .apply(payments.records().keyBy(Payment::getUserId));

        TypedKafkaSink.<WindowResult<String, Long>>builder()
                .setBootstrapServers(bootstrap)
                .setTopic(COUNTS)
                .setKeyExtractor(WindowResult::key)
                .setValueSerializationSchema(
                        new JsonValueSerializationSchema<>(perMinute.results().getType()))
                .setTransactionalIdPrefix(TypedKafkaSink.suggestTransactionalIdPrefix("checkout-alerts", "counts"))
                .build()
                .sinkTo(perMinute.results());
    }

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(Duration.ofSeconds(10).toMillis());
        define(env, args[0], args[1], false);
        env.execute("checkout-alerts");
    }
}
