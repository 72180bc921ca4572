package dev.streamingblocks.examples.cdc;

import dev.streamingblocks.cdc.ChangeRecord;
import dev.streamingblocks.cdc.ChangeRecords;
import dev.streamingblocks.cdc.DebeziumJsonDeserializationSchema;
import dev.streamingblocks.cdc.LatestVersionJoin;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The DataStream form of the {@code enrich} job: orders joined with the version of their product
 * that was valid at the order's event time, the versions coming from the CDC topic that
 * {@code Main cdc} fills ({@link ProductsCapture}), read with streaming-cdc's
 * {@link DebeziumJsonDeserializationSchema} on a {@link TypedKafkaSource} and joined by
 * {@link LatestVersionJoin}.
 *
 * <pre>{@code
 * DataStream<Order> orders = OrderStatsJob.kafkaSourceBuilder(bootstrap, registry, "enrich-cdc").build().attach(env).records();
 * DataStream<ChangeRecord<Product>> products = CdcEnrichJob.productChanges(bootstrap, "products-cdc", "enrich-cdc")
 *         .build().attach(env).records();
 * LatestVersionJoin.Result<Order, EnrichedOrder> enriched = CdcEnrichJob.enrich(orders, products);
 * }</pre>
 *
 * <p>What happens to each order: joined with the product version valid at its time (a version is
 * valid from its commit in PostgreSQL, inclusive, until the product's next change), or, when there is
 * none (unknown product, before its first version, after its delete), or when it comes after the
 * watermark passed its time, it goes to {@link LatestVersionJoin.Result#unmatched()} with the reason
 * ({@code NO_VERSION}, {@code LATE}); nothing is dropped. A record of the CDC topic that is no Debezium
 * envelope of a product goes to {@value #PRODUCTS_DEAD_LETTER_TOPIC} with the reason in
 * {@code dlq.error.message}; a change replayed by a capture after a hard kill is applied once (LSN).
 */
public final class CdcEnrichJob {

    public static final String JOB_NAME = "enrich-cdc";
    /** Uid and name of the join; never change it once released, its state is restored by it. */
    public static final String JOIN_NAME = "enrich-orders-with-products";

    public static final String PRODUCTS_SOURCE_NAME = "products-cdc-source";
    public static final String PRODUCTS_DEAD_LETTER_TOPIC = "products-cdc-dlq";

    private CdcEnrichJob() {}

    /**
     * The product changes of {@code topic}, event time = commit time, with malformed envelopes
     * dead-lettered to {@value #PRODUCTS_DEAD_LETTER_TOPIC} (override with {@code setDeadLetterTopic}).
     */
    public static TypedKafkaSource.Builder<ChangeRecord<Product>> productChanges(
            String bootstrapServers, String topic, String groupId) {
        return TypedKafkaSource.<ChangeRecord<Product>>builder()
                .setName(PRODUCTS_SOURCE_NAME)
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setValueDeserializer(DebeziumJsonDeserializationSchema.of(Product.TYPE_INFO, Product::fromRow))
                .setWatermarkStrategy(ChangeRecords.watermarks(Duration.ZERO))
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(PRODUCTS_DEAD_LETTER_TOPIC);
    }

    /** Joins each order with the product version valid at its event time. */
    public static LatestVersionJoin.Result<Order, EnrichedOrder> enrich(
            DataStream<Order> orders, DataStream<ChangeRecord<Product>> products) {
        return LatestVersionJoin.<String, Order, Product, EnrichedOrder>builder()
                .setName(JOIN_NAME)
                .setKeyType(Types.STRING)
                .setLeftKey(Order::getProductId)
                .setRightKey(Product::id)
                .setJoinFunction(EnrichedOrder::of)
                .setOutputType(EnrichedOrder.TYPE_INFO)
                .build()
                .apply(orders, products);
    }
}
