package dev.streamingblocks.kafka.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.registry.HttpSchemaRegistryClient;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClientConfig;
import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.kafka.testutils.DeadLetterRecords;
import dev.streamingblocks.kafka.testutils.FlinkTestCluster;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Watermark poisoning with a real broker: a year-2099 record and a far-past one among good records
 * land in the dead-letter topic unchanged, the event-time windows over the good records are exact
 * (nothing late), and the job finishes without a restart (the restart strategy is {@code none}, so
 * any failure would fail the test). A record whose Avro timestamp field is {@code null} is a dead
 * letter too, not a failed job.
 */
class TypedKafkaSourceEventTimeGuardITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    /** The wall clock the guard sees: fixed, so the test does not depend on when it runs. */
    private static final Instant WALL_CLOCK = BEGINNING.plus(Duration.ofMinutes(10));

    private static final Instant YEAR_2099 = Instant.parse("2099-01-01T00:00:00Z");
    private static final Instant FAR_PAST = BEGINNING.minus(Duration.ofDays(30));
    private static final Duration HORIZON = Duration.ofDays(1);
    private static final String OUT_OF_BOUNDS = "dev.streamingblocks.core.time.EventTimeOutOfBoundsException";

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.extension();

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final Schema READING = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"test\",\"fields\":["
                    + "{\"name\":\"sensor\",\"type\":\"string\"},"
                    + "{\"name\":\"measured_at\",\"type\":[\"null\",\"long\"],\"default\":null}]}");

    private static EventTimeGuard guard() {
        return EventTimeGuard.builder()
                .setWallClock(Clock.fixed(WALL_CLOCK, ZoneOffset.UTC))
                .setMaxBehindHighestSeen(HORIZON)
                .build();
    }

    @Test
    void aYear2099AndAFarPastRecordAreDeadLetteredAndTheWindowsOverTheGoodOnesAreExact() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("guarded-payments");
        String dlq = topic + "-dlq";
        KAFKA.cluster().createTopic(topic, 2);
        KAFKA.cluster().createTopic(dlq, 1);

        List<Payment> good = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> toSend = new ArrayList<>();
        Payment future = new Payment("future", "acc-0", 999, YEAR_2099.toEpochMilli());
        Payment ancient = new Payment("ancient", "acc-1", 999, FAR_PAST.toEpochMilli());
        int futureIndex = -1;
        int ancientIndex = -1;
        for (int i = 0; i < 24; i++) {
            Payment p = new Payment(
                    "p-" + i,
                    "acc-" + (i % 3),
                    100L + i,
                    BEGINNING.plusSeconds(15L * i).toEpochMilli());
            good.add(p);
            toSend.add(new ProducerRecord<>(
                    topic, i % 2, p.eventTime(), p.account().getBytes(UTF_8), p.toJson()));
            if (i == 8) { // after p-0, p-2 ... p-8 of partition 0, before the rest
                futureIndex = toSend.size();
                toSend.add(new ProducerRecord<>(
                        topic, 0, BEGINNING.toEpochMilli(), "k-future".getBytes(UTF_8), future.toJson()));
            }
            if (i == 7) { // after four good records of partition 1
                ancientIndex = toSend.size();
                toSend.add(new ProducerRecord<>(
                        topic, 1, BEGINNING.toEpochMilli(), "k-ancient".getBytes(UTF_8), ancient.toJson()));
            }
        }
        List<RecordMetadata> landed = KAFKA.cluster().produce(toSend);

        TypedKafkaSource<Payment> source = TypedKafkaSource.<Payment>builder()
                .setName("guarded-payments-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("guard-test-" + topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .setJsonValue(Payment.class)
                .setWatermarkStrategy(EventTimeWatermarkStrategy.<Payment>builder()
                        .setEventTimeExtractor(p -> Instant.ofEpochMilli(p.eventTime()))
                        .setMaxOutOfOrderness(Duration.ofSeconds(5))
                        .setGuard(guard())
                        .build())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(dlq)
                .build();
        StreamExecutionEnvironment env = FlinkTestCluster.env(2);
        DataStream<String> perMinute = source.attach(env)
                .records()
                .keyBy(Payment::account, Types.STRING)
                .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
                .process(new CountAndSum(), Types.STRING);

        List<String> out = FlinkTestCluster.collect(perMinute, "event-time-guard");
        assertThat(out).containsExactlyInAnyOrderElementsOf(expectedWindows(good));

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.cluster().consume(dlq, 2, TIMEOUT);
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        dead.forEach(r -> byKey.put(new String(r.key(), UTF_8), r));
        assertDeadLetter(
                byKey.get("k-future"),
                future,
                topic,
                landed.get(futureIndex),
                "Event time 2099-01-01T00:00:00Z is more than PT1H ahead of the wall clock 2026-02-06T12:10:00Z");
        // the far-past record follows p-1 (12:00:15) ... p-7 (12:01:45) in partition 1
        assertDeadLetter(
                byKey.get("k-ancient"),
                ancient,
                topic,
                landed.get(ancientIndex),
                "Event time 2026-01-07T12:00:00Z is more than PT24H behind the highest event time seen"
                        + " 2026-02-06T12:01:45Z");
    }

    @Test
    void aNullAvroTimestampFieldIsADeadLetterNotAFailedJob() throws Exception {
        String topic = EmbeddedKafkaCluster.uniqueTopicName("guarded-readings");
        String dlq = topic + "-dlq";
        KAFKA.cluster().createTopic(topic, 1);
        KAFKA.cluster().createTopic(dlq, 1);
        Map<String, Object> registryConfig = new HashMap<>();
        registryConfig.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
        AvroRegistrySerializationSchema<GenericRecord> writer = AvroRegistrySerializationSchema.forGeneric(
                READING,
                topic,
                registryConfig,
                config -> new HttpSchemaRegistryClient(SchemaRegistryClientConfig.fromMap(config)));

        List<ProducerRecord<byte[], byte[]>> toSend = new ArrayList<>();
        List<String> goodSensors = new ArrayList<>();
        byte[] nullTime = null;
        for (int i = 0; i < 6; i++) {
            GenericRecord reading = new GenericData.Record(READING);
            reading.put("sensor", "s-" + i);
            reading.put("measured_at", i == 3 ? null : BEGINNING.plusSeconds(i).toEpochMilli());
            byte[] bytes = writer.serialize(reading);
            if (i == 3) {
                nullTime = bytes;
            } else {
                goodSensors.add("s-" + i);
            }
            toSend.add(new ProducerRecord<>(topic, 0, BEGINNING.toEpochMilli(), ("k-" + i).getBytes(UTF_8), bytes));
        }
        List<RecordMetadata> landed = KAFKA.cluster().produce(toSend);

        TypedKafkaSource<GenericRecord> source = TypedKafkaSource.<GenericRecord>builder()
                .setName("guarded-readings-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(topic)
                .setGroupId("guard-test-" + topic)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .setAvroGenericValue(READING, registryConfig)
                .setWatermarkStrategy(EventTimeWatermarkStrategy.<GenericRecord>builder()
                        .setAvroTimestampField("measured_at")
                        .setMaxOutOfOrderness(Duration.ofSeconds(5))
                        .setGuard(guard())
                        .build())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(dlq)
                .build();
        StreamExecutionEnvironment env = FlinkTestCluster.env(2);
        DataStream<String> sensors =
                source.attach(env).records().map(r -> r.get("sensor").toString(), Types.STRING);

        List<String> out = FlinkTestCluster.collect(sensors, "null-avro-timestamp");
        assertThat(out).containsExactlyInAnyOrderElementsOf(goodSensors);

        ConsumerRecord<byte[], byte[]> dead =
                KAFKA.cluster().consume(dlq, 1, TIMEOUT).get(0);
        assertThat(dead.key()).isEqualTo("k-3".getBytes(UTF_8));
        assertThat(dead.value()).isEqualTo(nullTime);
        DeadLetterRecords.assertDeadLetter(
                dead,
                topic,
                0,
                landed.get(3).offset(),
                "dev.streamingblocks.core.time.InvalidEventTimeException",
                "Avro timestamp field 'measured_at' of record test.Reading is null");
        assertThat(DeadLetterRecords.header(dead, DeadLetterHeaders.SOURCE_TIMESTAMP))
                .isEqualTo(Long.toString(BEGINNING.toEpochMilli()));
    }

    private static void assertDeadLetter(
            ConsumerRecord<byte[], byte[]> dead, Payment payment, String topic, RecordMetadata where, String reason) {
        assertThat(dead).as("dead letter of %s", payment.id()).isNotNull();
        assertThat(dead.value()).isEqualTo(payment.toJson());
        DeadLetterRecords.assertDeadLetter(dead, topic, where.partition(), where.offset(), OUT_OF_BOUNDS, reason);
        assertThat(DeadLetterRecords.header(dead, DeadLetterHeaders.SOURCE_TIMESTAMP))
                .isEqualTo(Long.toString(BEGINNING.toEpochMilli()));
    }

    /** account|window start|count|sum of cents, for every (account, minute) of {@code payments}. */
    private static List<String> expectedWindows(List<Payment> payments) {
        Map<String, long[]> windows = new TreeMap<>();
        for (Payment p : payments) {
            long start = p.eventTime() - Math.floorMod(p.eventTime(), 60_000L);
            long[] acc = windows.computeIfAbsent(p.account() + "|" + Instant.ofEpochMilli(start), k -> new long[2]);
            acc[0]++;
            acc[1] += p.amountCents();
        }
        List<String> expected = new ArrayList<>();
        windows.forEach((k, v) -> expected.add(k + "|" + v[0] + "|" + v[1]));
        return expected;
    }

    private static final class CountAndSum extends ProcessWindowFunction<Payment, String, String, TimeWindow> {
        @Override
        public void process(String account, Context context, Iterable<Payment> payments, Collector<String> out) {
            long count = 0;
            long sum = 0;
            for (Payment p : payments) {
                count++;
                sum += p.amountCents();
            }
            out.collect(account + "|" + Instant.ofEpochMilli(context.window().getStart()) + "|" + count + "|" + sum);
        }
    }
}
