package dev.streamingblocks.examples.streams;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.streams.SpecificAvroSerde;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The article's "simple transformation" in Kafka Streams rather than Flink: Avro orders from
 * {@value #ORDERS_TOPIC} whose revenue ({@code price * quantity}) is at least {@value #MIN_REVENUE}
 * dollars, re-keyed by product, to {@value #LARGE_ORDERS_TOPIC}, exactly once. Values use the
 * library's {@link SpecificAvroSerde} on the Confluent wire format, configured by Kafka Streams
 * itself from Confluent's keys in the Streams config ({@code schema.registry.url}); a record that
 * cannot be read goes to {@value #DEAD_LETTER_TOPIC} (Kafka Streams' own dead-letter queue) and the
 * app goes on.
 *
 * <pre>{@code
 * Properties config = LargeOrdersApp.config("localhost:9092", "http://localhost:8081");
 * try (KafkaStreams streams = new KafkaStreams(LargeOrdersApp.topology(), config)) {
 *     streams.start();
 * }
 * }</pre>
 *
 * <p>How to run: (1) {@code Main local-stack}; (2) {@code Main large-orders}; (3) {@code Main produce
 * --schema-registry-url http://127.0.0.1:8081 --bootstrap-servers localhost:9092 --count 3000}. Expect
 * a progress line every 5 s with the orders read and the large ones written; {@code Main consume
 * --topic large-orders ...} prints them.
 */
public final class LargeOrdersApp {

    public static final String APPLICATION_ID = "large-orders";
    public static final String ORDERS_TOPIC = OrderStatsJob.ORDERS_TOPIC;
    public static final String LARGE_ORDERS_TOPIC = "large-orders";
    public static final String DEAD_LETTER_TOPIC = "large-orders-dlq";
    /** Orders with at least this revenue, in dollars, are large. */
    public static final double MIN_REVENUE = 1000.0;

    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

    private LargeOrdersApp() {}

    /** The topology over the default serdes of {@link #config}: String keys, Avro {@link Order} values. */
    public static Topology topology() {
        return topology(new AtomicLong(), new AtomicLong());
    }

    /** As {@link #topology()}, counting the orders read and the large orders written. */
    public static Topology topology(AtomicLong read, AtomicLong written) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(ORDERS_TOPIC, Consumed.<String, Order>as("orders"))
                .peek((key, order) -> read.incrementAndGet())
                .filter((key, order) -> isLarge(order))
                .selectKey((key, order) -> order.getProductId())
                .peek((key, order) -> written.incrementAndGet())
                .to(LARGE_ORDERS_TOPIC, Produced.with(Serdes.String(), null));
        return builder.build();
    }

    public static boolean isLarge(Order order) {
        return order.getPrice() * order.getQuantity() >= MIN_REVENUE;
    }

    /**
     * Exactly once, String keys, {@link SpecificAvroSerde} values configured from
     * {@code schema.registry.url} (Confluent's key), unreadable records to {@value #DEAD_LETTER_TOPIC}.
     */
    public static Properties config(String bootstrapServers, String schemaRegistryUrl) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, SpecificAvroSerde.class);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl);
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        config.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DEAD_LETTER_TOPIC);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    /** {@code large-orders [--bootstrap-servers HOST:PORT] [--schema-registry-url URL]}; runs until Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        String bootstrap = "localhost:9092";
        String registry = "http://127.0.0.1:8081";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap-servers" -> bootstrap = value(args, ++i);
                case "--schema-registry-url" -> registry = value(args, ++i);
                case "--help" -> {
                    System.out.println("Usage: Main large-orders [--bootstrap-servers HOST:PORT (default "
                            + bootstrap + ")] [--schema-registry-url URL (default " + registry + ")]\n"
                            + "Kafka Streams: orders with revenue >= " + MIN_REVENUE + " -> '" + LARGE_ORDERS_TOPIC
                            + "', keyed by product; unreadable records -> '" + DEAD_LETTER_TOPIC + "'.");
                    return;
                }
                default ->
                    throw new IllegalArgumentException(
                            "large-orders: unknown option '" + args[i] + "'; try large-orders --help");
            }
        }
        AtomicLong read = new AtomicLong();
        AtomicLong written = new AtomicLong();
        CountDownLatch stopped = new CountDownLatch(1);
        KafkaStreams streams = new KafkaStreams(topology(read, written), config(bootstrap, registry));
        streams.setStateListener((now, before) -> System.out.println("Kafka Streams " + APPLICATION_ID + ": " + now));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            streams.close(Duration.ofSeconds(30));
                            stopped.countDown();
                        },
                        APPLICATION_ID + "-shutdown"));
        System.out.println("large-orders: " + ORDERS_TOPIC + " on " + bootstrap + " (registry " + registry + ") -> "
                + LARGE_ORDERS_TOPIC + "; Ctrl-C stops it");
        streams.start();
        long start = System.nanoTime();
        while (!stopped.await(PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
            System.out.printf(
                    Locale.ROOT,
                    "[%6.0fs] large-orders %s | orders read %,d | large orders written %,d%n",
                    (System.nanoTime() - start) / 1e9,
                    streams.state(),
                    read.get(),
                    written.get());
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("large-orders: " + args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
