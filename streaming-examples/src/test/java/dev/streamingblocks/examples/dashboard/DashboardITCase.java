package dev.streamingblocks.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.examples.LocalStack;
import dev.streamingblocks.examples.fraud.FraudJob;
import dev.streamingblocks.examples.fraud.TransactionGenerator;
import dev.streamingblocks.examples.orders.OrderGenerator;
import dev.streamingblocks.examples.orders.OrderStats;
import dev.streamingblocks.examples.orders.OrderStatsJob;
import dev.streamingblocks.fraud.Alert;
import dev.streamingblocks.fraud.FraudDetection;
import dev.streamingblocks.fraud.FraudSerdes;
import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.kafka.source.StartingOffsets;
import dev.streamingblocks.kafka.source.TypedKafkaSource;
import dev.streamingblocks.sessions.postgres.PostgresSessionSink;
import dev.streamingblocks.testkit.await.Await;
import dev.streamingblocks.testkit.kafka.EmbeddedKafkaCluster;
import dev.streamingblocks.testkit.kafka.KafkaClusterExtension;
import dev.streamingblocks.testkit.postgres.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real headless Chromium: the page shows exactly what the output topics hold, as
 * committed (never an aborted transaction's record), the fraud job's alert end to end, sessions from
 * PostgreSQL and the job's health, and it recovers when the Flink job or the dashboard server restarts.
 * With {@code -Ddashboard.screenshot=docs/dashboard.png} it saves the README's screenshot.
 */
class DashboardITCase {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final Map<String, String> KEEP = Map.of("retention.ms", "-1");

    @TempDir
    static Path profile;

    private static ChromeDriver browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Chromium.start(profile.resolve("chromium"));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static Instant t(long seconds) {
        return BEGINNING.plusSeconds(seconds);
    }

    @Test
    void theFraudJobsAlertOrderStatsSessionsAndHealthReachThePageAndSurviveAJobRestart() throws Exception {
        String transactions = EmbeddedKafkaCluster.uniqueTopicName("transactions");
        String transactionsDlq = transactions + "-dlq";
        String alerts = EmbeddedKafkaCluster.uniqueTopicName("fraud-alerts");
        String stats = EmbeddedKafkaCluster.uniqueTopicName("order-stats");
        for (String topic : List.of(transactions, transactionsDlq, alerts, alerts + "-dlq", stats)) {
            KAFKA.cluster().createTopic(topic, 1, (short) 1, KEEP);
        }
        // Order stats as the order-stats job commits them: the generator's first 600 orders.
        Map<String, OrderStats> expectedStats =
                OrderStatsJob.expectedStats(new OrderGenerator(42, BEGINNING, Duration.ofMillis(500)).next(600));
        List<ProducerRecord<byte[], byte[]>> statsRecords = new ArrayList<>();
        expectedStats.values().forEach(s -> statsRecords.add(statsRecord(stats, s)));
        KAFKA.cluster().produce(statsRecords);
        // Sessions as the sessions job commits them to PostgreSQL: 2 end in 12:30, 1 in 12:31.
        String table = "sessions_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection db = POSTGRES.postgres().connect();
                Statement st = db.createStatement()) {
            st.execute(PostgresSessionSink.createTableStatement(table));
            st.execute("INSERT INTO " + table
                    + " VALUES ('u1', '2026-02-06 12:00:00', '2026-02-06 12:30:10', 3, '/a', '/b'),"
                    + " ('u2', '2026-02-06 12:00:05', '2026-02-06 12:30:59', 1, '/a', '/a'),"
                    + " ('u3', '2026-02-06 12:01:00', '2026-02-06 12:31:00', 2, '/c', '/d')");
        }
        // Transactions: mallory's burst of three over $1000 in minute 0, ordinary ones, a later one that
        // moves event time past minute 1, and a poison pill for the dead-letter counter.
        List<Transaction> input = List.of(
                TransactionGenerator.transaction("m1", "mallory", 1500.0, t(5)),
                TransactionGenerator.transaction("a1", "alice", 20.0, t(7)),
                TransactionGenerator.transaction("m2", "mallory", 2500.0, t(20)),
                TransactionGenerator.transaction("m3", "mallory", 1200.0, t(40)),
                TransactionGenerator.transaction("b1", "bob", 1500.0, t(45)),
                TransactionGenerator.transaction("z1", "zoe", 10.0, t(90)));
        List<ProducerRecord<byte[], byte[]>> txRecords = new ArrayList<>();
        for (Transaction tx : input) {
            txRecords.add(new ProducerRecord<>(
                    transactions,
                    utf8(tx.getUserId()),
                    FraudSerdes.transactionSerializer().serialize(tx)));
        }
        txRecords.add(new ProducerRecord<>(transactions, utf8("poison"), utf8("not avro")));
        KAFKA.cluster().produce(txRecords);

        int restPort = LocalStack.freePort();
        JobClient job = startFraudJob(restPort, transactions, transactionsDlq, alerts);
        try (Dashboard dashboard = Dashboard.builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setOrderStatsTopic(stats)
                .setAlertsTopic(alerts)
                .setFlinkRestUrl("http://localhost:" + restPort)
                .setSessionsDatabase(
                        POSTGRES.postgres().jdbcUrl(),
                        POSTGRES.postgres().user(),
                        POSTGRES.postgres().password(),
                        table)
                .setRefreshInterval(Duration.ofMillis(300))
                .build()
                .start()) {
            browser.get(dashboard.url());

            // Order stats: every committed row, exactly, in the table and as one bar each in the chart.
            Map<String, List<String>> wantedStats = new TreeMap<>();
            expectedStats.values().forEach(s -> wantedStats.put(statsKey(s), statsCells(s)));
            // All of them fit on the page: five products (the top five) over fewer than ten minutes.
            assertThat(expectedStats.values().stream()
                            .map(OrderStats::windowStart)
                            .distinct())
                    .hasSizeLessThan(10);
            awaitRows("#orders-table", wantedStats);
            assertThat(browser.findElements(By.cssSelector("#orders-chart rect")))
                    .hasSize(wantedStats.size());

            // The alert, end to end: exactly what the alerts topic holds once committed.
            Await.until(
                    TIMEOUT,
                    "the fraud job committed mallory's alert",
                    () -> !committedAlerts(alerts).isEmpty());
            List<Alert> committed = committedAlerts(alerts);
            assertThat(committed).extracting(Alert::getUserId).containsExactly("mallory");
            awaitRows("#alerts-table", alertRows(committed));
            assertThat(rows("#alerts-table").values())
                    .containsExactly(
                            List.of("mallory", committed.get(0).getRuleId(), "2026-02-06 12:00:00 → 12:01:00", "3"));

            awaitRows(
                    "#sessions-table",
                    Map.of(
                            "2026-02-06 12:31",
                            List.of("2026-02-06 12:31", "1"),
                            "2026-02-06 12:30",
                            List.of("2026-02-06 12:30", "2")));
            assertThat(browser.findElements(By.cssSelector("#sessions-chart rect")))
                    .hasSize(2);

            // Health from Flink's REST API and the library's metrics: the source emitted all 7 records, 6 of
            // them into the detector's vertex (the last one, whose input the page calls "out"), the poison pill
            // to the dead-letter sink, which counts it; the watermark is the newest event (zoe's, 12:01:30)
            // less the out-of-orderness and 1 ms.
            Instant watermark = t(90).minus(FraudDetection.MAX_OUT_OF_ORDERNESS).minusMillis(1);
            List<String> wantedHealth = List.of(
                    "dashboard-it-fraud RUNNING",
                    "7 (0/s)",
                    "6 (0/s)",
                    DashboardEvents.utc(watermark.toEpochMilli()),
                    "5.0 s (newest event 2026-02-06 12:01:30)",
                    "1",
                    "0",
                    "a completed checkpoint");
            awaitEquals("the page shows the job's health", wantedHealth, DashboardITCase::health);
            assertThat(text("#connection")).isEqualTo("live");
            screenshotIfAsked();

            // The job stops: its MiniCluster (and REST API) goes away, and the page says so.
            String firstJobId = job.getJobID().toString();
            job.cancel().get();
            Await.until(
                    TIMEOUT,
                    "the page says Flink is unreachable",
                    () -> text("#health-state").equals("Flink not reachable (job restarting?); retrying"));
            // It starts again on the same address: the page follows the new job by itself.
            job = startFraudJob(restPort, transactions, transactionsDlq, alerts);
            String secondJobId = job.getJobID().toString();
            assertThat(secondJobId).isNotEqualTo(firstJobId);
            Await.until(
                    TIMEOUT,
                    "the page shows the restarted job",
                    () -> text("#health-state").equals("dashboard-it-fraud RUNNING")
                            && secondJobId.equals(
                                    browser.findElement(By.id("health-state")).getAttribute("title")));
            assertThat(rows("#alerts-table")).isEqualTo(alertRows(committedAlerts(alerts)));
            assertThat(rows("#orders-table")).isEqualTo(wantedStats);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void anAbortedTransactionNeverReachesThePageAndThePageRecoversWhenTheServerRestarts() throws Exception {
        String stats = EmbeddedKafkaCluster.uniqueTopicName("order-stats");
        String alerts = EmbeddedKafkaCluster.uniqueTopicName("fraud-alerts");
        KAFKA.cluster().createTopic(stats, 2, (short) 1, KEEP);
        KAFKA.cluster().createTopic(alerts, 1, (short) 1, KEEP);
        OrderStats first = new OrderStats(t(0), t(60), "prod-1", 3, 30.5);
        OrderStats updated = new OrderStats(t(0), t(60), "prod-1", 4, 42.25);
        OrderStats other = new OrderStats(t(60), t(120), "prod-2", 1, 9.99);
        OrderStats last = new OrderStats(t(120), t(180), "prod-3", 2, 100.0);
        Alert realAlert = alert("mallory", 3);

        try (KafkaProducer<byte[], byte[]> producer = KAFKA.cluster()
                .createProducer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dashboard-it-" + UUID.randomUUID()))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(statsRecord(stats, first));
            producer.send(statsRecord(stats, other));
            producer.commitTransaction();
            // Written to the log, then aborted: a read_uncommitted reader would see all three.
            producer.beginTransaction();
            producer.send(statsRecord(stats, new OrderStats(t(0), t(60), "prod-1", 999, 999.0)));
            producer.send(statsRecord(stats, new OrderStats(t(60), t(120), "prod-aborted", 7, 7.0)));
            producer.send(new ProducerRecord<>(
                    alerts, utf8("ghost"), FraudSerdes.alertSerializer().serialize(alert("ghost", 9))));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(statsRecord(stats, updated));
            producer.send(statsRecord(stats, last));
            producer.send(new ProducerRecord<>(
                    alerts, utf8("mallory"), FraudSerdes.alertSerializer().serialize(realAlert)));
            producer.commitTransaction();
        }
        Map<String, List<String>> wanted = Map.of(
                statsKey(updated),
                statsCells(updated),
                statsKey(other),
                statsCells(other),
                statsKey(last),
                statsCells(last));

        int port = LocalStack.freePort();
        Dashboard.Builder builder = Dashboard.builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setOrderStatsTopic(stats)
                .setAlertsTopic(alerts)
                .setPort(port);
        Dashboard dashboard = builder.build().start();
        try {
            browser.get(dashboard.url());
            awaitRows("#orders-table", wanted);
            awaitRows("#alerts-table", alertRows(List.of(realAlert)));
            assertThat(browser.getPageSource())
                    .doesNotContain("prod-aborted")
                    .doesNotContain("ghost")
                    .doesNotContain("999.00");
            assertThat(text("#source")).isEmpty();

            // A committed record the server cannot read is counted and named on the page, not dropped silently.
            long offset = KAFKA.cluster()
                    .produce(List.of(new ProducerRecord<>(stats, 0, utf8("{}"), utf8("not json"))))
                    .get(0)
                    .offset();
            String unreadable = "1 unreadable: Could not read " + stats + "/0@" + offset + ": ";
            Await.until(
                    TIMEOUT,
                    "the page names the unreadable record",
                    () -> text("#source").startsWith(unreadable));
            assertThat(rows("#orders-table")).isEqualTo(wanted);

            // The server goes away: the page says it is reconnecting, and keeps what it showed.
            dashboard.close();
            Await.until(
                    TIMEOUT,
                    "the page notices the lost connection",
                    () -> text("#connection").equals("connection lost, reconnecting…")
                            || text("#connection").equals("server unreachable, reconnecting…"));
            assertThat(rows("#orders-table")).isEqualTo(wanted);
            // Back on the same port: the browser reconnects, the page gets the whole state again.
            dashboard = builder.build().start();
            Await.until(
                    TIMEOUT, "the page is live again", () -> text("#connection").equals("live"));
            awaitRows("#orders-table", wanted);
            awaitRows("#alerts-table", alertRows(List.of(realAlert)));
            assertThat(browser.getPageSource()).doesNotContain("prod-aborted").doesNotContain("ghost");
        } finally {
            dashboard.close();
        }
    }

    @Test
    void theDashboardCreatesNoTopicAndPicksUpOutputTopicsCreatedAfterItStarted() throws Exception {
        String stats = EmbeddedKafkaCluster.uniqueTopicName("order-stats");
        String alerts = EmbeddedKafkaCluster.uniqueTopicName("fraud-alerts");
        try (Dashboard dashboard = Dashboard.builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setOrderStatsTopic(stats)
                .setAlertsTopic(alerts)
                .build()
                .start()) {
            browser.get(dashboard.url());
            Await.until(TIMEOUT, "the page is live", () -> text("#connection").equals("live"));
            // The job creates its output topic after the dashboard started looking for it.
            KAFKA.cluster().createTopic(stats, 1, (short) 1, KEEP);
            OrderStats s = new OrderStats(t(0), t(60), "prod-1", 2, 20.0);
            KAFKA.cluster().produce(List.of(statsRecord(stats, s)));
            awaitRows("#orders-table", Map.of(statsKey(s), statsCells(s)));
        }
        // By then the dashboard had looked for the alerts topic too, and had not created it.
        try (Admin admin = KAFKA.cluster().createAdmin()) {
            assertThat(admin.listTopics().names().get()).contains(stats).doesNotContain(alerts);
        }
    }

    private static JobClient startFraudJob(int restPort, String transactions, String dlq, String alerts)
            throws Exception {
        StreamExecutionEnvironment env = LocalStack.flinkEnvironment(new Configuration(), restPort);
        env.setParallelism(1);
        env.enableCheckpointing(500);
        TypedKafkaSource<Transaction> source = FraudJob.kafkaSourceBuilder(KAFKA.bootstrapServers(), "dashboard-it")
                .setTopics(transactions)
                .setDeadLetterTopic(dlq)
                .setStartingOffsets(StartingOffsets.earliest())
                .build();
        new FraudJob(
                        e -> source.attach(e).records(),
                        FraudJob.kafkaAlerts(KAFKA.bootstrapServers(), alerts, alerts + "-dlq", "dashboard-it-fraud"))
                .attach(env);
        return env.executeAsync("dashboard-it-fraud");
    }

    private static ProducerRecord<byte[], byte[]> statsRecord(String topic, OrderStats s) {
        return new ProducerRecord<>(
                topic,
                OrderStatsJob.UPSERT_LAYOUT.keySerializationSchema().serialize(s),
                OrderStatsJob.UPSERT_LAYOUT.valueSerializationSchema().serialize(s));
    }

    private static String statsKey(OrderStats s) {
        return DashboardEvents.utc(s.windowStart().toEpochMilli()) + "|" + s.productId();
    }

    private static List<String> statsCells(OrderStats s) {
        return List.of(
                DashboardEvents.utc(s.windowStart().toEpochMilli()),
                s.productId(),
                Long.toString(s.orderCount()),
                String.format(Locale.ROOT, "%.2f", s.totalRevenue()));
    }

    private static Alert alert(String user, int count) {
        return Alert.newBuilder()
                .setUserId(user)
                .setAlertType("HIGH_FREQUENCY_LARGE_TRANSACTIONS")
                .setRuleId("article")
                .setWindowStart(t(0))
                .setWindowEnd(t(60))
                .setTransactionCount(count)
                .build();
    }

    private static Map<String, List<String>> alertRows(List<Alert> alerts) {
        Map<String, List<String>> rows = new TreeMap<>();
        for (Alert a : alerts) {
            String start = DashboardEvents.utc(a.getWindowStart().toEpochMilli());
            rows.put(
                    a.getUserId() + "|" + a.getRuleId() + "|" + start,
                    List.of(
                            a.getUserId(),
                            a.getRuleId(),
                            start + " → "
                                    + DashboardEvents.utc(a.getWindowEnd().toEpochMilli())
                                            .substring(11),
                            Integer.toString(a.getTransactionCount())));
        }
        return rows;
    }

    /** Every committed alert in the topic, read the way a user's read_committed consumer reads it. */
    private static List<Alert> committedAlerts(String topic) throws Exception {
        List<Alert> result = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KAFKA.cluster().createConsumer(Map.of())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    result.add(FraudSerdes.alertDeserializer().deserialize(r.value()));
                }
            }
        }
        return result;
    }

    private static void awaitRows(String table, Map<String, List<String>> wanted) throws Exception {
        awaitEquals(table + " shows exactly what the topics hold", wanted, () -> rows(table));
    }

    /** Waits until {@code actual} gives {@code wanted}; if it never does, fails showing the last difference. */
    private static <T> void awaitEquals(String what, T wanted, Supplier<T> actual) throws Exception {
        try {
            Await.until(TIMEOUT, what, () -> wanted.equals(actual.get()));
        } catch (AssertionError e) {
            assertThat(actual.get()).as(what).isEqualTo(wanted);
            throw e;
        }
    }

    private static List<String> health() {
        return List.of(
                text("#health-state"),
                text("#records-in"),
                text("#records-out"),
                text("#watermark"),
                text("#lag"),
                text("#dead-letters"),
                text("#late-records"),
                text("#checkpoint").matches("#\\d+ at 20\\d\\d-.*") ? "a completed checkpoint" : text("#checkpoint"));
    }

    /**
     * The table's rows by their {@code data-key}, each as its cells' text; read in one script, so a
     * render in between cannot leave half an old table.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> rows(String table) {
        List<List<String>> read = (List<List<String>>) browser.executeScript(
                "return [...document.querySelectorAll("
                        + "arguments[0] + ' tbody tr')].map(tr => [tr.dataset.key, ...[...tr.cells].map(td => td.innerText)]);",
                table);
        Map<String, List<String>> rows = new TreeMap<>();
        for (List<String> row : read) {
            rows.put(row.get(0), List.copyOf(row.subList(1, row.size())));
        }
        return rows;
    }

    private static String text(String selector) {
        return browser.findElement(By.cssSelector(selector)).getText();
    }

    private static void screenshotIfAsked() throws Exception {
        String target = System.getProperty("dashboard.screenshot");
        if (target != null && !target.isBlank()) {
            Path path = Path.of(target).toAbsolutePath();
            Files.createDirectories(path.getParent());
            Files.write(path, browser.getScreenshotAs(OutputType.BYTES));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
