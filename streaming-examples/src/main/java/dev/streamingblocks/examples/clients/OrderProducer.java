package dev.streamingblocks.examples.clients;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.fraud.TransactionGenerator;
import dev.streamingblocks.examples.orders.OrderGenerator;
import dev.streamingblocks.examples.sessions.PageViewGenerator;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.json.PageViewJsonSerializationSchema;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The article's plain producer, plus the other generators: deterministic orders (Avro in the
 * Confluent wire format through our {@link KafkaAvroSerializer}), transactions with injectable fraud
 * bursts (plain Avro, {@link FraudSerdes}) or page views (JSON), at a rate, for a count or forever.
 * Every send has a delivery report; a failed one stops the run with the record's key and cause.
 *
 * <pre>{@code
 * long sent = OrderProducer.builder()
 *         .setBootstrapServers("localhost:9092")
 *         .setSchemaRegistryUrl("http://localhost:8081")
 *         .setCount(1000)
 *         .build()
 *         .run(System.out);
 * }</pre>
 *
 * <p>Required: bootstrap servers; the registry URL for orders. Defaults: orders, seed
 * {@value #DEFAULT_SEED}, {@value #DEFAULT_COUNT} records (0 = forever), no rate limit, event time
 * starting now (so Kafka's retention never deletes the records mid-run).
 */
public final class OrderProducer {

    public static final long DEFAULT_SEED = 42L;
    public static final long DEFAULT_COUNT = 1000;

    /** What to generate. */
    public enum Kind {
        ORDERS("orders"),
        TRANSACTIONS("transactions"),
        PAGE_VIEWS("page-views");

        private final String topic;

        Kind(String topic) {
            this.topic = topic;
        }

        public String defaultTopic() {
            return topic;
        }

        public static Kind parse(String text) {
            for (Kind k : values()) {
                if (k.topic.equals(text)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--type must be orders, transactions or page-views, was '" + text + "'");
        }
    }

    private final Builder b;

    private OrderProducer(Builder builder) {
        this.b = builder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Sends the records, printing a delivery summary every second; returns how many were acknowledged. */
    public long run(PrintStream out) throws InterruptedException {
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(producerConfig())) {
            return run(producer, out);
        }
    }

    /** The producer's settings: the user's Kafka and registry settings, then the ones this producer owns. */
    Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(b.kafkaProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "streaming-blocks-" + b.kind.defaultTopic() + "-producer");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                b.kind == Kind.ORDERS ? KafkaAvroSerializer.class.getName() : ByteArraySerializer.class.getName());
        if (b.kind == Kind.ORDERS) {
            config.putAll(b.registryProperties);
            config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, b.schemaRegistryUrl);
        }
        return config;
    }

    private Map<String, Object> registryConfig() {
        Map<String, Object> config = new HashMap<>(b.registryProperties);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, b.schemaRegistryUrl);
        return config;
    }

    private long run(KafkaProducer<String, Object> producer, PrintStream out) throws InterruptedException {
        String topic = b.topic != null ? b.topic : b.kind.defaultTopic();
        OrderGenerator orders = new OrderGenerator(b.seed, b.start, Duration.ofMillis(100));
        TransactionGenerator transactions =
                new TransactionGenerator(b.seed, b.start, Duration.ofMillis(100), b.fraudEvery);
        PageViewGenerator views = new PageViewGenerator(b.seed, b.start, Duration.ofSeconds(5));
        // With a registry, transactions use the Confluent wire format, as the fraud job reads them by default.
        SerializationSchema<Transaction> txSerializer = b.schemaRegistryUrl == null
                ? FraudSerdes.transactionSerializer()
                : FraudSerdes.transactionSerializer(topic, registryConfig());
        PageViewJsonSerializationSchema viewSerializer = new PageViewJsonSerializationSchema();

        AtomicLong acked = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        long sent = 0;
        long begin = System.nanoTime();
        long nextReport = begin + 1_000_000_000L;
        while ((b.count == 0 || sent < b.count) && failure.get() == null) {
            ProducerRecord<String, Object> record = switch (b.kind) {
                case ORDERS -> {
                    Order o = orders.next();
                    yield new ProducerRecord<>(topic, o.getOrderId(), o);
                }
                case TRANSACTIONS -> {
                    Transaction t = transactions.next();
                    yield new ProducerRecord<>(topic, t.getUserId(), txSerializer.serialize(t));
                }
                case PAGE_VIEWS -> {
                    PageView v = views.next();
                    yield new ProducerRecord<>(topic, v.userId(), viewSerializer.serialize(v));
                }
            };
            String key = record.key();
            // The delivery report: count acknowledgements, remember the first failure.
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, "delivery of key " + key + " to " + topic + " failed: " + e);
                } else {
                    acked.incrementAndGet();
                }
            });
            sent++;
            if (b.ratePerSecond > 0) {
                long due = begin + sent * 1_000_000_000L / b.ratePerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            if (System.nanoTime() >= nextReport) {
                out.printf("sent %d, acknowledged %d to '%s'%n", sent, acked.get(), topic);
                nextReport += 1_000_000_000L;
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
        out.printf(
                "done: %d %s acknowledged by '%s'%s%n",
                acked.get(),
                b.kind.defaultTopic(),
                topic,
                b.kind == Kind.TRANSACTIONS ? " (" + transactions.bursts() + " fraud bursts)" : "");
        return acked.get();
    }

    /** Builds an {@link OrderProducer}; see the class Javadoc for what is required. */
    public static final class Builder {
        private String bootstrapServers;
        private String schemaRegistryUrl;
        private Kind kind = Kind.ORDERS;
        private String topic;
        private long seed = DEFAULT_SEED;
        private long count = DEFAULT_COUNT;
        private long ratePerSecond;
        private int fraudEvery = 100;
        private Instant start = Instant.now();
        private Map<String, String> kafkaProperties = Map.of();
        private Map<String, String> registryProperties = Map.of();

        Builder() {}

        /** The user's Kafka client settings (security...); values are never printed. */
        public Builder setKafkaProperties(Map<String, String> kafkaProperties) {
            this.kafkaProperties = Map.copyOf(kafkaProperties);
            return this;
        }

        /** The user's schema registry client settings in Confluent's names (credentials, TLS). */
        public Builder setSchemaRegistryProperties(Map<String, String> registryProperties) {
            this.registryProperties = Map.copyOf(registryProperties);
            return this;
        }

        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder setSchemaRegistryUrl(String schemaRegistryUrl) {
            this.schemaRegistryUrl = schemaRegistryUrl;
            return this;
        }

        public Builder setKind(Kind kind) {
            this.kind = kind;
            return this;
        }

        public Builder setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How many records; 0 runs until the process is stopped. */
        public Builder setCount(long count) {
            this.count = count;
            return this;
        }

        /** Records per second; 0 (default) as fast as the broker takes them. */
        public Builder setRatePerSecond(long ratePerSecond) {
            this.ratePerSecond = ratePerSecond;
            return this;
        }

        /** For transactions: a fraud burst every this many transactions; 0 never. */
        public Builder setFraudEvery(int fraudEvery) {
            this.fraudEvery = fraudEvery;
            return this;
        }

        /** Event time of the first record. */
        public Builder setStart(Instant start) {
            this.start = start;
            return this;
        }

        public OrderProducer build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers is required");
            }
            if (kind == null) {
                throw new IllegalArgumentException("kind must not be null");
            }
            if (kind == Kind.ORDERS && (schemaRegistryUrl == null || schemaRegistryUrl.isBlank())) {
                throw new IllegalArgumentException("schemaRegistryUrl is required for orders");
            }
            if (count < 0) {
                throw new IllegalArgumentException("count must be 0 (forever) or positive, was " + count);
            }
            if (ratePerSecond < 0) {
                throw new IllegalArgumentException(
                        "ratePerSecond must be 0 (unlimited) or positive, was " + ratePerSecond);
            }
            if (start == null) {
                throw new IllegalArgumentException("start must not be null");
            }
            return new OrderProducer(this);
        }
    }
}
