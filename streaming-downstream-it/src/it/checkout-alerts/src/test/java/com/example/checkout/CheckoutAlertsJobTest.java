package com.example.checkout;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.kafka.source.DeadLetterHeaders;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CheckoutAlertsJobTest {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final Instant NOON = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void countsPaymentsPerUserAndMinuteAndDeadLettersAPoisonPill() throws Exception {
        KAFKA.cluster().createTopic(CheckoutAlertsJob.PAYMENTS, 1);
        KAFKA.cluster().createTopic(CheckoutAlertsJob.DEAD_LETTERS, 1);
        KAFKA.cluster().createTopic(CheckoutAlertsJob.COUNTS, 1);
        AvroRegistrySerializationSchema<Payment> avro = AvroRegistrySerializationSchema.forSpecific(
                Payment.class,
                CheckoutAlertsJob.PAYMENTS,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()));
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        int[][] userSecond = {{1, 5}, {1, 20}, {2, 30}, {1, 59}, {2, 45}, {1, 61}};
        for (int[] p : userSecond) {
            Payment payment = new Payment("p-" + input.size(), "u-" + p[0], 1000L, NOON.plusSeconds(p[1]));
            input.add(new ProducerRecord<>(CheckoutAlertsJob.PAYMENTS, avro.serialize(payment)));
        }
        input.add(new ProducerRecord<>(CheckoutAlertsJob.PAYMENTS, "not avro".getBytes(UTF_8)));
        KAFKA.cluster().produce(input);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        CheckoutAlertsJob.define(env, KAFKA.bootstrapServers(), REGISTRY.url(), true);
        env.execute("checkout-alerts-test");

        Map<String, String> counts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KAFKA.cluster().consume(CheckoutAlertsJob.COUNTS, 3, Duration.ofSeconds(30))) {
            String json = new String(r.value(), UTF_8);
            counts.put(json.substring(0, json.indexOf(",\"windowEnd\"")), new String(r.key(), UTF_8) + " " + json);
        }
        assertEquals(
                List.of(
                        "u-1 {\"key\":\"u-1\",\"windowStart\":\"2026-12-01T12:00:00Z\",\"windowEnd\":\"2026-12-01T12:01:00Z\",\"value\":3}",
                        "u-1 {\"key\":\"u-1\",\"windowStart\":\"2026-12-01T12:01:00Z\",\"windowEnd\":\"2026-12-01T12:02:00Z\",\"value\":1}",
                        "u-2 {\"key\":\"u-2\",\"windowStart\":\"2026-12-01T12:00:00Z\",\"windowEnd\":\"2026-12-01T12:01:00Z\",\"value\":2}"),
                new ArrayList<>(counts.values()));

        ConsumerRecord<byte[], byte[]> dead = KAFKA.cluster()
                .consume(CheckoutAlertsJob.DEAD_LETTERS, 1, Duration.ofSeconds(30))
                .get(0);
        assertEquals("not avro", new String(dead.value(), UTF_8));
        assertEquals(
                "dev.streamingblocks.core.avro.InvalidWireFormatException",
                new String(
                        dead.headers().lastHeader(DeadLetterHeaders.ERROR_CLASS).value(), UTF_8));
    }
}
