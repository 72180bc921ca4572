package dev.streamingblocks.benchmarks.latency;

import dev.streamingblocks.benchmarks.harness.Progress;
import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.kafka.sink.TypedKafkaSink;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.testkit.await.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One fraud latency measurement: the library's fraud pipeline ({@code TypedKafkaSource} with the
 * Confluent wire format and a dead-letter topic, {@link FraudDetection} with the article's
 * tumbling and sliding rules, {@code TypedKafkaSink}) on the stack's MiniCluster, fed at a fixed
 * rate while a {@code read_committed} consumer reads the alerts.
 *
 * <p>Load: transactions of {@code users} ordinary users (amounts up to $999.99, which never alert)
 * at {@code rate} per second, event time = the wall-clock time they are produced; every
 * {@code burstEvery}-th slot starts a burst of three $1500 transactions of a fresh user, which
 * must give exactly one sliding alert, and one tumbling alert when the three fall in one minute.
 * A sliding alert's latency runs from the produce time of the burst's third transaction (the one
 * that completes it) to the moment the consumer receives the alert; a tumbling alert's from its
 * window's end (the earliest its count is final). Bursts started in the warm-up are checked for
 * exactness but not timed. After the measured phase ordinary traffic goes on for the watermark
 * bound plus two seconds, so the last bursts fire by the normal flow of event time; then one
 * transaction two minutes ahead on each partition closes the last tumbling windows.
 */
public final class FraudLatencyRun {

    /**
     * What to run. {@code maxOutOfOrderness} null means the library's {@link FraudDetection#watermarkStrategy()};
     * {@code bufferTimeout} null means Flink's default (100 ms).
     */
    public record Settings(
            int rate,
            Duration warmup,
            Duration measure,
            int parallelism,
            DeliveryGuarantee guarantee,
            Duration maxOutOfOrderness,
            Duration checkpointInterval,
            Duration watermarkInterval,
            Duration bufferTimeout,
            int burstEvery,
            int users,
            FraudDetection.Evaluation evaluation) {

        public Duration bound() {
            return maxOutOfOrderness == null ? FraudDetection.MAX_OUT_OF_ORDERNESS : maxOutOfOrderness;
        }

        public String describe() {
            return (guarantee == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once" : "at-least-once")
                    + ", evaluated " + evaluationName()
                    + ", watermark bound " + bound().toMillis() + " ms"
                    + (maxOutOfOrderness == null ? " (library default)" : "")
                    + ", watermark every " + watermarkInterval.toMillis() + " ms"
                    + (bufferTimeout == null ? "" : ", buffer timeout " + bufferTimeout.toMillis() + " ms");
        }

        /** A chart row's label. */
        public String label() {
            return (guarantee == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once" : "at-least-once") + " | "
                    + evaluationName() + " | bound " + bound().toMillis() + " ms | wm "
                    + watermarkInterval.toMillis() + " ms";
        }

        /** {@code on arrival} or {@code at watermark}. */
        public String evaluationName() {
            return evaluation == FraudDetection.Evaluation.ON_ARRIVAL ? "on arrival" : "at watermark";
        }
    }

    /** What came out; {@code problem} is null when the alerts were exactly the expected ones. */
    public record Result(
            Settings settings,
            Percentiles sliding,
            Percentiles tumbling,
            long produced,
            double achievedRate,
            int expectedAlerts,
            int receivedAlerts,
            String problem,
            HeapMonitor.Usage heap) {

        public boolean exact() {
            return problem == null;
        }
    }

    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final double BURST_AMOUNT = 1500.0;
    private static final long FLUSH_AHEAD_MS = 120_000;
    private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(90);

    private FraudLatencyRun() {}

    public static Result run(PipelineStack stack, Settings settings) throws Exception {
        String id = "fraud-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
        String transactions = id + "-transactions";
        String alerts = id + "-alerts";
        stack.createTopic(transactions, settings.parallelism());
        stack.createTopic(transactions + "-dlq", 1);
        stack.createTopic(alerts, 1);
        stack.createTopic(alerts + "-dlq", 1);
        Map<String, Object> registry = stack.registryConfig();

        StreamExecutionEnvironment env = stack.environment(settings.parallelism());
        env.enableCheckpointing(settings.checkpointInterval().toMillis());
        env.getConfig().setAutoWatermarkInterval(settings.watermarkInterval().toMillis());
        if (settings.bufferTimeout() != null) {
            env.setBufferTimeout(settings.bufferTimeout().toMillis());
        }
        WatermarkStrategy<Transaction> watermarks = settings.maxOutOfOrderness() == null
                ? FraudDetection.watermarkStrategy()
                : EventTimeWatermarkStrategy.<Transaction>builder()
                        .setAvroTimestampField("timestamp")
                        .setMaxOutOfOrderness(settings.maxOutOfOrderness())
                        .setGuard(EventTimeGuard.defaults())
                        .build();
        TypedKafkaSource<Transaction> source = TypedKafkaSource.<Transaction>builder()
                .setName("transactions-source")
                .setBootstrapServers(stack.bootstrapServers())
                .setTopics(transactions)
                .setGroupId(id)
                .setValueDeserializer(FraudSerdes.transactionDeserializer(registry))
                .setRecordValidator(FraudSerdes.transactionValidator())
                .setWatermarkStrategy(watermarks)
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(transactions + "-dlq")
                .setStartingOffsets(StartingOffsets.earliest())
                .build();
        DataStream<Transaction> input = source.attach(env).records();
        SingleOutputStreamOperator<Alert> output = FraudDetection.builder()
                .setRules(FraudRules.articleRule(), FraudRules.articleSlidingRule())
                .setEvaluation(settings.evaluation())
                .build()
                .apply(input);
        TypedKafkaSink.<Alert>builder()
                .setBootstrapServers(stack.bootstrapServers())
                .setTopic(alerts)
                .setKeyExtractor(Alert::getUserId)
                .setValueSerializationSchema(FraudSerdes.alertSerializer(alerts, registry))
                .setDeadLetterTopic(alerts + "-dlq")
                .setDeliveryGuarantee(settings.guarantee())
                .setTransactionalIdPrefix(TypedKafkaSink.suggestTransactionalIdPrefix(id, "alerts"))
                .build()
                .sinkTo(output);

        AlertReader reader = new AlertReader(stack, alerts, FraudSerdes.alertDeserializer(registry));
        Thread readerThread = new Thread(reader, id + "-alert-reader");
        readerThread.setDaemon(true);
        readerThread.start();
        HeapMonitor heap = HeapMonitor.start();
        JobClient job = env.executeAsync(id);
        Load load;
        try {
            Await.until(
                    Duration.ofSeconds(60),
                    "job " + id + " running",
                    () -> job.getJobStatus().get() == JobStatus.RUNNING);
            Progress.line("%s: %s at %,d transactions/s", id, settings.describe(), settings.rate());
            load = produce(stack, transactions, settings, reader, id);
            int expected = load.expectedAlerts().size();
            Await.until(ALERT_TIMEOUT, expected + " alerts in " + alerts, () -> reader.count() >= expected);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            reader.stop();
            readerThread.join(10_000);
            heap.close();
        }
        return result(settings, load, reader.received(), heap.usage());
    }

    /** Expected alerts as {@code user|rule|windowStart|windowEnd|count}, and what to time them from. */
    private record Load(
            Map<String, Long> expectedAlerts,
            Map<String, Long> completedAt,
            long produced,
            double achievedRate,
            long measureEndMillis) {}

    private static Load produce(PipelineStack stack, String topic, Settings s, AlertReader reader, String id)
            throws Exception {
        SerializationSchema<Transaction> values = FraudSerdes.transactionSerializer(topic, stack.registryConfig());
        values.open(null);
        Map<String, Long> expected = new HashMap<>();
        Map<String, Long> completedAt = new HashMap<>();
        long produced = 0;
        long start = System.nanoTime();
        long warmupEnd = start + s.warmup().toNanos();
        long measureEnd = warmupEnd + s.measure().toNanos();
        long tailEnd = measureEnd + s.bound().plusSeconds(2).toNanos();
        long measureEndMillis = 0;
        long nextProgress = start + TimeUnit.SECONDS.toNanos(5);
        long[] burstFirst = new long[1];
        boolean burstMeasured = false;
        try (KafkaProducer<byte[], byte[]> producer =
                stack.kafka().createProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            for (long i = 0; ; i++) {
                long due = start + (long) (i * (1e9 / s.rate()));
                if (due >= tailEnd) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long now = System.currentTimeMillis();
                if (measureEndMillis == 0 && due >= measureEnd) {
                    measureEndMillis = now;
                }
                long slot = i % s.burstEvery();
                String user;
                double amount;
                if (slot < 3 && due < measureEnd) {
                    long burst = i / s.burstEvery();
                    user = "f-" + burst;
                    amount = BURST_AMOUNT;
                    if (slot == 0) {
                        burstFirst[0] = now;
                        burstMeasured = due >= warmupEnd;
                    } else if (slot == 2) {
                        expectAlerts(expected, completedAt, user, burstFirst[0], now, burstMeasured);
                    }
                } else {
                    user = "u-" + (i % s.users());
                    amount = 1 + (i * 7919 % 99_899) / 100.0;
                }
                send(producer, topic, null, values, "t-" + i, user, amount, now);
                produced++;
                if (System.nanoTime() >= nextProgress) {
                    nextProgress += TimeUnit.SECONDS.toNanos(5);
                    Progress.line(
                            "%s: %,d transactions produced (%s), %,d alerts received",
                            id,
                            produced,
                            due < warmupEnd ? "warm-up" : due < measureEnd ? "measuring" : "tail",
                            reader.count());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long ahead = System.currentTimeMillis() + FLUSH_AHEAD_MS;
            for (int p = 0; p < s.parallelism(); p++) {
                send(producer, topic, p, values, "flush-" + p, "flush-" + p, 1.0, ahead);
            }
            producer.flush();
            return new Load(expected, completedAt, produced, produced / seconds, measureEndMillis);
        }
    }

    private static void expectAlerts(
            Map<String, Long> expected,
            Map<String, Long> completedAt,
            String user,
            long first,
            long third,
            boolean measured) {
        long minute = FraudRules.WINDOW.toMillis();
        String sliding = key(user, FraudRules.ARTICLE_SLIDING_RULE_ID, first, first + minute, 3);
        expected.put(sliding, measured ? third : -1L);
        if (Math.floorDiv(first, minute) == Math.floorDiv(third, minute)) {
            long windowStart = Math.floorDiv(first, minute) * minute;
            String tumbling = key(user, FraudRules.ARTICLE_RULE_ID, windowStart, windowStart + minute, 3);
            expected.put(tumbling, measured ? windowStart + minute : -1L);
        }
        completedAt.put(user, third);
    }

    private static String key(String user, String rule, long start, long end, int count) {
        return user + "|" + rule + "|" + start + "|" + end + "|" + count;
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            Integer partition,
            SerializationSchema<Transaction> values,
            String id,
            String user,
            double amount,
            long time) {
        Transaction tx = Transaction.newBuilder()
                .setTransactionId(id)
                .setUserId(user)
                .setAmount(amount)
                .setTimestamp(java.time.Instant.ofEpochMilli(time))
                .build();
        producer.send(new ProducerRecord<>(
                topic, partition, time, user.getBytes(StandardCharsets.UTF_8), values.serialize(tx)));
    }

    private static Result result(Settings s, Load load, List<AlertReader.Received> received, HeapMonitor.Usage heap) {
        Map<String, Integer> counts = new HashMap<>();
        List<Long> sliding = new ArrayList<>();
        List<Long> tumbling = new ArrayList<>();
        for (AlertReader.Received alert : received) {
            int seen = counts.merge(alert.key(), 1, Integer::sum);
            Long from = load.expectedAlerts().get(alert.key());
            if (from == null || from < 0 || seen > 1) {
                continue;
            }
            if (alert.key().contains("|" + FraudRules.ARTICLE_SLIDING_RULE_ID + "|")) {
                sliding.add(alert.receivedAt() - from);
            } else if (from <= load.measureEndMillis()) {
                tumbling.add(alert.receivedAt() - from);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String key : load.expectedAlerts().keySet()) {
            if (!counts.containsKey(key)) {
                missing.add(key);
            }
        }
        List<String> unexpected = new ArrayList<>();
        int duplicates = 0;
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            if (!load.expectedAlerts().containsKey(entry.getKey())) {
                unexpected.add(entry.getKey());
            }
            duplicates += entry.getValue() - 1;
        }
        String problem = null;
        if (!missing.isEmpty() || !unexpected.isEmpty() || duplicates > 0) {
            problem = missing.size() + " missing" + (missing.isEmpty() ? "" : " (e.g. " + missing.get(0) + ")")
                    + ", " + unexpected.size() + " unexpected"
                    + (unexpected.isEmpty() ? "" : " (e.g. " + unexpected.get(0) + ")")
                    + ", " + duplicates + " duplicated";
        }
        return new Result(
                s,
                new Percentiles(sliding.stream().mapToLong(Long::longValue).toArray()),
                new Percentiles(tumbling.stream().mapToLong(Long::longValue).toArray()),
                load.produced(),
                load.achievedRate(),
                load.expectedAlerts().size(),
                received.size(),
                problem,
                heap);
    }

    /** A {@code read_committed} consumer of the alerts topic that stamps each alert with its receive time. */
    static final class AlertReader implements Runnable {
        record Received(String key, long receivedAt) {}

        private final PipelineStack stack;
        private final String topic;
        private final DeserializationSchema<Alert> values;
        private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile Exception failure;

        AlertReader(PipelineStack stack, String topic, DeserializationSchema<Alert> values) throws Exception {
            this.stack = stack;
            this.topic = topic;
            this.values = values;
            values.open(null);
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> consumer = stack.kafka().createConsumer(Map.of())) {
                TopicPartition partition = new TopicPartition(topic, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                while (running.get()) {
                    var records = consumer.poll(Duration.ofMillis(20));
                    long now = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        Alert alert = values.deserialize(record.value());
                        received.add(new Received(
                                key(
                                        alert.getUserId(),
                                        alert.getRuleId(),
                                        alert.getWindowStart().toEpochMilli(),
                                        alert.getWindowEnd().toEpochMilli(),
                                        alert.getTransactionCount()),
                                now));
                        count.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        int count() throws Exception {
            if (failure != null) {
                throw failure;
            }
            return count.get();
        }

        void stop() {
            running.set(false);
        }

        List<Received> received() {
            return new ArrayList<>(received);
        }
    }
}
