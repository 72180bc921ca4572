package dev.streamingblocks.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.core.avro.AvroSerdeConfig;
import dev.streamingblocks.core.avro.KafkaAvroSerializer;
import dev.streamingblocks.examples.avro.Order;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.fraud.TransactionGenerator;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.examples.sessions.SessionsJob;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import dev.streamingblocks.kafka.source.DeadLetterHeaders;
import dev.streamingblocks.kafka.source.DeserializationFailurePolicy;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.kafka.testutils.DeadLetterRecords;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.json.PageViewJsonSerializationSchema;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.postgres.EmbeddedPostgres;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import dev.streamingblocks.testkit.registry.SchemaRegistryExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #9: bad input at every source of the examples. Each source gets good records with every
 * kind of bad one its format allows in between. Every bad record must land in the source's
 * dead-letter topic with its original key and bytes and the {@code dlq.*} headers naming the
 * problem; the good records' output is exact; and the job, with restarts turned off, finishes:
 * so no record made it fail or restart.
 *
 * <p>A record of 1970 in a 2026 stream is not bad input but late data (the examples' guard has no
 * horizon behind the highest time seen, see {@link ExampleEventTime}); a time before 1970 is
 * refused by the validators, which these tests cover.
 */
class BadInputAtEverySourceITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    private static final Instant FAR_FUTURE = Instant.parse("2099-01-01T00:00:00Z");
    private static final String EVENT_TIME_REJECTED = "dev.streamingblocks.core.time.EventTimeOutOfBoundsException";
    private static final String INVALID_RECORD = "dev.streamingblocks.kafka.source.InvalidRecordException";
    private static final String TOMBSTONE = "dev.streamingblocks.core.avro.TombstoneException";
    private static final String MALFORMED_AVRO = "dev.streamingblocks.core.avro.MalformedAvroDataException";
    private static final String INCOMPATIBLE = "dev.streamingblocks.core.avro.IncompatibleReaderSchemaException";
    private static final String WIRE_FORMAT = "dev.streamingblocks.core.avro.InvalidWireFormatException";
    private static final String MALFORMED_FRAUD = "dev.streamingblocks.fraud.MalformedFraudRecordException";
    private static final String MALFORMED_VIEW = "dev.streamingblocks.sessions.MalformedPageViewException";

    /** A bad record: its key (unique per case, so dead letters can be matched), value and expected headers. */
    private record Bad(String key, byte[] value, String errorClass, String messagePart) {}

    private static Order order(String id, String product, int quantity, double price, long secondsAfterBeginning) {
        return Order.newBuilder()
                .setOrderId(id)
                .setUserId("u")
                .setProductId(product)
                .setQuantity(quantity)
                .setPrice(price)
                .setTimestamp(BEGINNING.plusSeconds(secondsAfterBeginning).toEpochMilli())
                .build();
    }

    @Test
    void orders() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("orders");
        String out = EmbeddedKafkaCluster.uniqueTopicName("order-stats");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("orders-dlq");
        createTopics(in, out, dlq);
        KafkaAvroSerializer avro = new KafkaAvroSerializer();
        avro.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()), false);
        byte[] good = avro.serialize(in, order("g0", "p1", 2, 10.0, 1));
        int id = ((good[1] & 0xFF) << 24) | ((good[2] & 0xFF) << 16) | ((good[3] & 0xFF) << 8) | (good[4] & 0xFF);
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 1;
        byte[] unknownId = good.clone();
        unknownId[4] = (byte) (unknownId[4] + 100);
        byte[] badUtf8 = avro.serialize(in, order("bu", "p1", 1, 1.0, 2));
        badUtf8[6] = (byte) 0xFF; // the 'b' of order_id "bu", after the header and the one-byte length
        // A record of another schema, registered under another subject, so its id is real.
        Schema wrongTypes = SchemaBuilder.record("Order")
                .namespace("other")
                .fields()
                .requiredString("order_id")
                .requiredString("user_id")
                .requiredString("product_id")
                .requiredString("quantity")
                .requiredDouble("price")
                .requiredLong("timestamp")
                .endRecord();
        GenericRecord wrong = new GenericData.Record(wrongTypes);
        wrong.put("order_id", "wt");
        wrong.put("user_id", "u");
        wrong.put("product_id", "p1");
        wrong.put("quantity", "two");
        wrong.put("price", 1.0);
        wrong.put("timestamp", BEGINNING.toEpochMilli());
        Schema missing = SchemaBuilder.record("Order")
                .namespace("other")
                .fields()
                .requiredString("order_id")
                .requiredString("user_id")
                .requiredString("product_id")
                .requiredInt("quantity")
                .requiredLong("timestamp")
                .endRecord();
        GenericRecord noPrice = new GenericData.Record(missing);
        noPrice.put("order_id", "mf");
        noPrice.put("user_id", "u");
        noPrice.put("product_id", "p1");
        noPrice.put("quantity", 1);
        noPrice.put("timestamp", BEGINNING.toEpochMilli());

        List<Bad> bad = List.of(
                new Bad(
                        "truncated",
                        Arrays.copyOf(good, good.length - 4),
                        MALFORMED_AVRO,
                        "Avro record with writer schema id " + id
                                + " could not be decoded: the body ends early (truncated)"),
                new Bad("empty", new byte[0], WIRE_FORMAT, "Avro record has 0 byte(s), fewer than the 5 bytes"),
                new Bad("tombstone", null, TOMBSTONE, "null value (Kafka tombstone)"),
                new Bad("wrong-magic-byte", wrongMagic, WIRE_FORMAT, "Unknown magic byte 0x01"),
                new Bad(
                        "unknown-schema-id",
                        unknownId,
                        "dev.streamingblocks.core.avro.registry.SchemaNotFoundException",
                        "Schema registry has no schema with id " + (id + 100)),
                new Bad(
                        "wrong-types",
                        avro.serialize(in + "-other-types", wrong),
                        INCOMPATIBLE,
                        "TYPE_MISMATCH at /fields/3/type: reader type: INT not compatible with writer type: STRING"),
                new Bad(
                        "missing-fields",
                        avro.serialize(in + "-other-missing", noPrice),
                        INCOMPATIBLE,
                        "READER_FIELD_MISSING_DEFAULT_VALUE at /fields/4: price"),
                new Bad("invalid-utf8", badUtf8, MALFORMED_AVRO, "not valid UTF-8 (byte 0xff at index 0)"),
                new Bad(
                        "oversized",
                        avro.serialize(in, order("os", "p".repeat(900_000), 1, 1.0, 3)),
                        INVALID_RECORD,
                        "field 'product_id' is 900000 characters long, more than 1024"),
                new Bad(
                        "nan-price",
                        avro.serialize(in, order("np", "p1", 1, Double.NaN, 3)),
                        INVALID_RECORD,
                        "Order 'np': field 'price' must be a finite number >= 0, but was NaN"),
                new Bad(
                        "negative-price",
                        avro.serialize(in, order("ngp", "p1", 1, -1.0, 3)),
                        INVALID_RECORD,
                        "Order 'ngp': field 'price' must be a finite number >= 0, but was -1.0"),
                new Bad(
                        "infinite-price",
                        avro.serialize(in, order("ip", "p1", 1, Double.POSITIVE_INFINITY, 3)),
                        INVALID_RECORD,
                        "Order 'ip': field 'price' must be a finite number >= 0, but was Infinity"),
                new Bad(
                        "zero-quantity",
                        avro.serialize(in, order("zq", "p1", 0, 1.0, 3)),
                        INVALID_RECORD,
                        "Order 'zq': field 'quantity' must be positive, but was 0"),
                new Bad(
                        "negative-quantity",
                        avro.serialize(in, order("nq", "p1", -2, 1.0, 3)),
                        INVALID_RECORD,
                        "Order 'nq': field 'quantity' must be positive, but was -2"),
                new Bad(
                        "far-future",
                        avro.serialize(
                                in,
                                order(
                                        "ff",
                                        "p1",
                                        1,
                                        1.0,
                                        Duration.between(BEGINNING, FAR_FUTURE).toSeconds())),
                        EVENT_TIME_REJECTED,
                        "2099-01-01"),
                new Bad(
                        "before-1970",
                        avro.serialize(in, order("fp", "p1", 1, 1.0, -BEGINNING.getEpochSecond() - 1)),
                        INVALID_RECORD,
                        "Order 'fp': field 'timestamp' must not be before 1970, but was -1000"));
        List<Order> goods = List.of(
                order("o1", "p1", 2, 10.0, 1),
                order("o2", "p1", 1, 5.5, 30),
                order("o3", "p2", 3, 2.0, 59),
                order("o4", "p1", 1, 100.0, 62),
                order("o5", "p2", 1, 1.25, 58));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < Math.max(goods.size(), bad.size()); i++) {
            if (i < goods.size()) {
                records.add(
                        new ProducerRecord<>(in, utf8(goods.get(i).getOrderId()), avro.serialize(in, goods.get(i))));
            }
            if (i < bad.size()) {
                records.add(new ProducerRecord<>(
                        in, utf8(bad.get(i).key()), bad.get(i).value()));
            }
        }
        KAFKA.cluster().produce(records);

        TypedKafkaSource<Order> source = OrderStatsJob.kafkaSourceBuilder(
                        KAFKA.bootstrapServers(),
                        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()),
                        "bad-orders")
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        StreamExecutionEnvironment env = environment();
        new OrderStatsJob(
                        e -> source.attach(e).records(),
                        OrderStatsJob.kafkaOrderStats(KAFKA.bootstrapServers(), out, "bad-orders"))
                .attach(env);
        env.execute("bad-orders"); // returns only if the job FINISHED without a restart

        assertThat(upserts(KAFKA.cluster().consume(out, 3, Duration.ofSeconds(30))))
                .containsExactly(
                        "2026-02-06T12:00:00/p1 -> 2|25.5",
                        "2026-02-06T12:00:00/p2 -> 2|7.25",
                        "2026-02-06T12:01:00/p1 -> 1|100.0");
        assertDeadLetters("orders", in, dlq, bad);
    }

    @Test
    void transactions() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("transactions");
        String out = EmbeddedKafkaCluster.uniqueTopicName("fraud-alerts");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("transactions-dlq");
        createTopics(in, out, dlq);
        var serializer = FraudSerdes.transactionSerializer();
        byte[] good = serializer.serialize(tx("g0", "alice", 1.0, 0));
        byte[] badUtf8 = serializer.serialize(tx("bu", "alice", 1.0, 0));
        badUtf8[1] = (byte) 0xFF;
        Schema noTimestamp = SchemaBuilder.record("Transaction")
                .namespace("other")
                .fields()
                .requiredString("transaction_id")
                .requiredString("user_id")
                .requiredDouble("amount")
                .endRecord();
        GenericRecord missing = new GenericData.Record(noTimestamp);
        missing.put("transaction_id", "mf");
        missing.put("user_id", "alice");
        missing.put("amount", 1.0);
        byte[] alertBytes = FraudSerdes.alertSerializer()
                .serialize(Alert.newBuilder()
                        .setUserId("alice")
                        .setAlertType("X")
                        .setRuleId("r")
                        .setWindowStart(BEGINNING)
                        .setWindowEnd(BEGINNING)
                        .setTransactionCount(1)
                        .build());

        List<Bad> bad = List.of(
                new Bad("truncated", Arrays.copyOf(good, good.length - 3), MALFORMED_FRAUD, "java.io.EOFException"),
                new Bad("empty", new byte[0], MALFORMED_FRAUD, "Transaction record value is empty (0 bytes)"),
                new Bad("tombstone", null, TOMBSTONE, "Transaction record has no value (a tombstone)"),
                // an alert reads as a transaction with 3 bytes left (its count and two null union branches)
                new Bad("wrong-types", alertBytes, MALFORMED_FRAUD, "has 3 bytes left after the record"),
                new Bad("missing-fields", avroBinary(missing), MALFORMED_FRAUD, "EOFException"),
                new Bad("invalid-utf8", badUtf8, MALFORMED_FRAUD, "not valid UTF-8 (byte 0xff at index 0)"),
                new Bad(
                        "oversized",
                        serializer.serialize(tx("os", "u".repeat(900_000), 1.0, 0)),
                        INVALID_RECORD,
                        "Transaction 'os': field 'user_id' is 900000 characters long, more than 1024"),
                new Bad(
                        "nan-amount",
                        serializer.serialize(tx("na", "alice", Double.NaN, 0)),
                        INVALID_RECORD,
                        "Transaction 'na': field 'amount' must be a finite number >= 0, but was NaN"),
                new Bad(
                        "negative-amount",
                        serializer.serialize(tx("ng", "alice", -5000.0, 0)),
                        INVALID_RECORD,
                        "Transaction 'ng': field 'amount' must be a finite number >= 0, but was -5000.0"),
                new Bad(
                        "infinite-amount",
                        serializer.serialize(tx("ia", "alice", Double.POSITIVE_INFINITY, 0)),
                        INVALID_RECORD,
                        "Transaction 'ia': field 'amount' must be a finite number >= 0, but was Infinity"),
                new Bad(
                        "blank-user",
                        serializer.serialize(tx("bl", " ", 5000.0, 0)),
                        INVALID_RECORD,
                        "Transaction 'bl': field 'user_id' must not be blank, but was ' '"),
                new Bad(
                        "far-future",
                        serializer.serialize(tx(
                                "ff",
                                "alice",
                                5000.0,
                                Duration.between(BEGINNING, FAR_FUTURE).toSeconds())),
                        EVENT_TIME_REJECTED,
                        "2099-01-01"),
                new Bad(
                        "before-1970",
                        serializer.serialize(tx("fp", "alice", 5000.0, -BEGINNING.getEpochSecond() - 1)),
                        INVALID_RECORD,
                        "Transaction 'fp': field 'timestamp' must not be before 1970"));
        List<Transaction> goods = List.of(
                tx("a1", "alice", 1200.0, 5),
                tx("a2", "alice", 1000.01, 20),
                tx("a3", "alice", 5000.0, 50),
                tx("b1", "bob", 2000.0, 10),
                tx("b2", "bob", 2000.0, 30),
                tx("b3", "bob", 2000.0, 65),
                tx("d1", "dave", 10.0, 200));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < Math.max(goods.size(), bad.size()); i++) {
            if (i < goods.size()) {
                records.add(
                        new ProducerRecord<>(in, utf8(goods.get(i).getUserId()), serializer.serialize(goods.get(i))));
            }
            if (i < bad.size()) {
                records.add(new ProducerRecord<>(
                        in, utf8(bad.get(i).key()), bad.get(i).value()));
            }
        }
        KAFKA.cluster().produce(records);

        TypedKafkaSource<Transaction> source = FraudJob.kafkaSourceBuilder(KAFKA.bootstrapServers(), "bad-transactions")
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        StreamExecutionEnvironment env = environment();
        new FraudJob(
                        e -> source.attach(e).records(),
                        FraudJob.kafkaAlerts(KAFKA.bootstrapServers(), out, "bad-transactions"))
                .attach(env);
        env.execute("bad-transactions");

        List<ConsumerRecord<byte[], byte[]>> alerts = KAFKA.cluster().consume(out, 1, Duration.ofSeconds(30));
        assertThat(FraudSerdes.alertDeserializer().deserialize(alerts.get(0).value()))
                .isEqualTo(aliceAlert());
        assertDeadLetters("transactions", in, dlq, bad);
    }

    /** FraudJob has no rules topic; the rules path is a TypedKafkaSource of rules into FraudDetection's broadcast input. */
    @Test
    void rules() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("fraud-rules");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("fraud-rules-dlq");
        createTopics(in, dlq);
        var serializer = FraudSerdes.ruleSerializer();
        byte[] good = serializer.serialize(FraudRules.articleRule());
        byte[] badUtf8 = good.clone();
        badUtf8[1] = (byte) 0xFF;
        List<Bad> bad = List.of(
                new Bad("truncated", Arrays.copyOf(good, good.length - 3), MALFORMED_FRAUD, "EOFException"),
                new Bad("empty", new byte[0], MALFORMED_FRAUD, "FraudRule record value is empty (0 bytes)"),
                new Bad("tombstone", null, TOMBSTONE, "FraudRule record has no value (a tombstone)"),
                new Bad(
                        "wrong-types",
                        FraudSerdes.transactionSerializer().serialize(tx("t", "alice", 1.0, 0)),
                        MALFORMED_FRAUD,
                        "is not plain Avro binary of its schema: java.io.EOFException"),
                new Bad("invalid-utf8", badUtf8, MALFORMED_FRAUD, "not valid UTF-8 (byte 0xff at index 0)"),
                new Bad(
                        "zero-count",
                        serializer.serialize(FraudRule.newBuilder(FraudRules.articleRule())
                                .setMinCount(0)
                                .build()),
                        INVALID_RECORD,
                        "rule 'article-tumbling-1m': min_count must be at least 1, was 0"),
                new Bad(
                        "nan-threshold",
                        serializer.serialize(FraudRule.newBuilder(FraudRules.articleRule())
                                .setAmountThreshold(Double.NaN)
                                .build()),
                        INVALID_RECORD,
                        "rule 'article-tumbling-1m': amount_threshold must be a number"),
                new Bad(
                        "blank-id",
                        serializer.serialize(FraudRule.newBuilder(FraudRules.articleRule())
                                .setRuleId(" ")
                                .build()),
                        INVALID_RECORD,
                        "rule_id must not be blank"));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(new ProducerRecord<>(in, utf8("good-0"), good)); // the article rule again: a no-op update
        for (Bad b : bad) {
            records.add(new ProducerRecord<>(in, utf8(b.key()), b.value()));
        }
        records.add(new ProducerRecord<>(in, utf8("good-1"), good));
        KAFKA.cluster().produce(records);

        TypedKafkaSource<FraudRule> rules = TypedKafkaSource.<FraudRule>builder()
                .setName("bad-rules-source")
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics(in)
                .setGroupId("bad-rules")
                .setValueDeserializer(FraudSerdes.ruleDeserializer())
                .setRecordValidator(FraudSerdes.ruleValidator())
                .setWatermarkStrategy(WatermarkStrategy.noWatermarks())
                .setOnDeserializationError(DeserializationFailurePolicy.DEAD_LETTER)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        StreamExecutionEnvironment env = environment();
        DataStream<Transaction> transactions = env.fromData(
                        tx("a1", "alice", 1200.0, 5),
                        tx("a2", "alice", 1000.01, 20),
                        tx("a3", "alice", 5000.0, 50),
                        tx("d1", "dave", 10.0, 200))
                .assignTimestampsAndWatermarks(FraudDetection.watermarkStrategy());
        List<Alert> alerts = new ArrayList<>();
        try (CloseableIterator<Alert> it = FraudDetection.builder()
                .setRules(FraudRules.articleRule())
                .build()
                .apply(transactions, rules.attach(env).records())
                .executeAndCollect("bad-rules")) {
            it.forEachRemaining(alerts::add);
        }

        assertThat(alerts).containsExactly(aliceAlert());
        assertDeadLetters("rules", in, dlq, bad);
    }

    @Test
    void pageViews() throws Exception {
        String in = EmbeddedKafkaCluster.uniqueTopicName("page-views");
        String dlq = EmbeddedKafkaCluster.uniqueTopicName("page-views-dlq");
        String table = "user_sessions_" + UUID.randomUUID().toString().substring(0, 8);
        createTopics(in, dlq);
        byte[] badUtf8 = utf8("{\"user_id\":\"b?\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}");
        badUtf8[13] = (byte) 0xFF;
        List<Bad> bad = List.of(
                new Bad(
                        "truncated",
                        utf8("{\"user_id\":\"a\",\"page_url\":\"/p\",\"view_t"),
                        MALFORMED_VIEW,
                        "Page view is not valid JSON: Unexpected end-of-input"),
                new Bad("empty", new byte[0], MALFORMED_VIEW, "Page view record value is empty (0 bytes)"),
                new Bad("tombstone", null, MALFORMED_VIEW, "Page view record has no value (a tombstone?)"),
                new Bad(
                        "wrong-types",
                        utf8("{\"user_id\":7,\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}"),
                        MALFORMED_VIEW,
                        "Page view field 'user_id' must be a string, but was number 7"),
                new Bad(
                        "missing-fields",
                        utf8("{\"user_id\":\"a\",\"view_time\":\"2026-02-06 12:00:00\"}"),
                        MALFORMED_VIEW,
                        "Page view lacks field 'page_url'"),
                new Bad("invalid-utf8", badUtf8, MALFORMED_VIEW, "Invalid UTF-8 start byte 0xff"),
                new Bad(
                        "oversized",
                        utf8("{\"user_id\":\"" + "u".repeat(900_000)
                                + "\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}"),
                        MALFORMED_VIEW,
                        "Page view field 'user_id' is 900000 characters long, more than the limit of 512"),
                new Bad(
                        "duplicate-keys",
                        utf8("{\"user_id\":\"alice\",\"user_id\":\"mallory\",\"page_url\":\"/p\","
                                + "\"view_time\":\"2026-02-06 12:00:00\"}"),
                        MALFORMED_VIEW,
                        "Duplicate field 'user_id'"),
                new Bad(
                        "trailing-garbage",
                        utf8("{\"user_id\":\"alice\",\"page_url\":\"/p\","
                                + "\"view_time\":\"2026-02-06 12:00:00\"}{}"),
                        MALFORMED_VIEW,
                        "Trailing token"),
                new Bad(
                        "blank-user",
                        utf8("{\"user_id\":\"\",\"page_url\":\"/p\",\"view_time\":\"2026-02-06 12:00:00\"}"),
                        MALFORMED_VIEW,
                        "Page view field 'user_id' must not be blank"),
                new Bad(
                        "far-future",
                        utf8("{\"user_id\":\"alice\",\"page_url\":\"/p\",\"view_time\":\"2099-01-01 00:00:00\"}"),
                        EVENT_TIME_REJECTED,
                        "2099-01-01"),
                new Bad(
                        "before-1970",
                        utf8("{\"user_id\":\"alice\",\"page_url\":\"/p\",\"view_time\":\"1969-07-20 20:17:00\"}"),
                        MALFORMED_VIEW,
                        "Page view field 'view_time' must not be before 1970, but was '1969-07-20 20:17:00'"));
        List<PageView> goods = List.of(
                new PageView("alice", "/a", minutes(0)),
                new PageView("alice", "/b", minutes(10)),
                new PageView("alice", "/c", minutes(25)),
                new PageView("alice", "/d", minutes(90)),
                new PageView("bob", "/x", minutes(5)),
                new PageView("bob", "/y", minutes(35)));
        PageViewJsonSerializationSchema serializer = new PageViewJsonSerializationSchema();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < Math.max(goods.size(), bad.size()); i++) {
            if (i < goods.size()) {
                records.add(new ProducerRecord<>(in, utf8(goods.get(i).userId()), serializer.serialize(goods.get(i))));
            }
            if (i < bad.size()) {
                records.add(new ProducerRecord<>(
                        in, utf8(bad.get(i).key()), bad.get(i).value()));
            }
        }
        KAFKA.cluster().produce(records);

        TypedKafkaSource<PageView> source = SessionsJob.kafkaSourceBuilder(KAFKA.bootstrapServers(), "bad-views")
                .setTopics(in)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .setBoundedToLatest()
                .build();
        EmbeddedPostgres pg = POSTGRES.postgres();
        StreamExecutionEnvironment env = environment();
        new SessionsJob(
                        e -> source.attach(e).records(),
                        SessionsJob.postgresSessions(pg.jdbcUrl(), pg.user(), pg.password(), table))
                .attach(env);
        env.execute("bad-views");

        List<String> rows = new ArrayList<>();
        try (Connection c = pg.connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT user_id, session_start, session_end, page_count, first_page,"
                        + " last_page FROM " + table + " ORDER BY user_id, session_start")) {
            while (r.next()) {
                rows.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getLong(4) + "|"
                        + r.getString(5) + "|" + r.getString(6));
            }
        }
        assertThat(rows)
                .containsExactly(
                        "alice|2026-02-06 12:00:00|2026-02-06 12:55:00|3|/a|/c",
                        "alice|2026-02-06 13:30:00|2026-02-06 14:00:00|1|/d|/d",
                        "bob|2026-02-06 12:05:00|2026-02-06 13:05:00|2|/x|/y");
        assertDeadLetters("page views", in, dlq, bad);
    }

    /**
     * Exactly one dead letter per bad record, matched by key: original key and bytes, the source
     * coordinates, the error class and a message naming the problem. Prints a table row for each.
     */
    private static void assertDeadLetters(String source, String in, String dlq, List<Bad> bad) {
        List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.cluster().consume(dlq, bad.size(), Duration.ofSeconds(30));
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            byKey.put(new String(letter.key(), UTF_8), letter);
        }
        assertThat(byKey.keySet())
                .containsExactlyInAnyOrderElementsOf(bad.stream().map(Bad::key).toList());
        for (Bad b : bad) {
            ConsumerRecord<byte[], byte[]> letter = byKey.get(b.key());
            String errorClass = DeadLetterRecords.requiredHeader(letter, DeadLetterHeaders.ERROR_CLASS);
            String message = DeadLetterRecords.requiredHeader(letter, DeadLetterHeaders.ERROR_MESSAGE);
            System.out.println("DLQ-TABLE | " + source + " | " + b.key() + " | " + errorClass + " | "
                    + (message.length() > 200 ? message.substring(0, 200) + "..." : message));
        }
        for (Bad b : bad) {
            ConsumerRecord<byte[], byte[]> letter = byKey.get(b.key());
            String errorClass = DeadLetterRecords.requiredHeader(letter, DeadLetterHeaders.ERROR_CLASS);
            String message = DeadLetterRecords.requiredHeader(letter, DeadLetterHeaders.ERROR_MESSAGE);
            assertThat(letter.value()).as(b.key()).isEqualTo(b.value());
            assertThat(DeadLetterRecords.requiredHeader(letter, DeadLetterHeaders.SOURCE_TOPIC))
                    .isEqualTo(in);
            assertThat(errorClass).as(b.key()).isEqualTo(b.errorClass());
            assertThat(message).as(b.key()).contains(b.messagePart());
        }
    }

    private static Transaction tx(String id, String user, double amount, long secondsAfterBeginning) {
        return TransactionGenerator.transaction(id, user, amount, BEGINNING.plusSeconds(secondsAfterBeginning));
    }

    private static Alert aliceAlert() {
        return Alert.newBuilder()
                .setUserId("alice")
                .setAlertType(FraudRules.HIGH_FREQUENCY_LARGE_TRANSACTIONS)
                .setRuleId(FraudRules.ARTICLE_RULE_ID)
                .setWindowStart(BEGINNING)
                .setWindowEnd(BEGINNING.plusSeconds(60))
                .setTransactionCount(3)
                .build();
    }

    private static Instant minutes(long minutes) {
        return BEGINNING.plus(Duration.ofMinutes(minutes));
    }

    private static byte[] avroBinary(GenericRecord record) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static void createTopics(String... topics) {
        for (String topic : topics) {
            KAFKA.cluster().createTopic(topic, 2, (short) 1, Map.of("retention.ms", "-1"));
        }
    }

    /** Restarts off: any failure fails execute(), so a job that returns finished without one. */
    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        return env;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }

    /** Key "window start/product -> count|revenue" for each upsert. */
    private static List<String> upserts(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> result = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            var value = json.readTree(r.value());
            result.add(value.get("window_start").asText().replace(' ', 'T').substring(0, 19) + "/"
                    + value.get("product_id").asText() + " -> "
                    + value.get("order_count").asLong() + "|"
                    + value.get("total_revenue").asDouble());
        }
        result.sort(String::compareTo);
        return result;
    }
}
