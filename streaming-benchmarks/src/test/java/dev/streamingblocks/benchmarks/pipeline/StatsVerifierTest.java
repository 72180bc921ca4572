package dev.streamingblocks.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class StatsVerifierTest {

    /** 2,000 orders over 10 products at 400 per minute: 6 windows (the first begins before the start). */
    private static final OrderWorkload WORKLOAD =
            new OrderWorkload(2_000, 10, 400, 7, Instant.parse("2026-02-06T12:00:00Z"));

    private static ExpectedStats expected() {
        ExpectedStats expected = new ExpectedStats(WORKLOAD);
        WORKLOAD.forEach(expected::add);
        return expected;
    }

    /** The exact answer as result rows: windowStart, product, count, revenue. */
    private static List<Object[]> exactRows(ExpectedStats expected) {
        List<Object[]> rows = new ArrayList<>();
        for (int cell = 0; cell < expected.cellCount(); cell++) {
            if (expected.count(cell) > 0) {
                long windowStart = expected.firstWindowStart() + (cell / WORKLOAD.products()) * 60_000L;
                rows.add(new Object[] {
                    windowStart,
                    WORKLOAD.productId(cell % WORKLOAD.products()),
                    expected.count(cell),
                    expected.revenue(cell)
                });
            }
        }
        return rows;
    }

    private static void feed(StatsVerifier verifier, List<Object[]> rows) {
        for (Object[] r : rows) {
            verifier.accept((Long) r[0], (String) r[1], (Long) r[2], (Double) r[3]);
        }
    }

    @Test
    void expectedStatsCountEveryOrderOnce() {
        ExpectedStats expected = expected();
        long total = 0;
        for (int cell = 0; cell < expected.cellCount(); cell++) {
            total += expected.count(cell);
        }
        assertThat(total).isEqualTo(2_000);
        assertThat(expected.windows()).isEqualTo(6);
        assertThat(expected.firstWindowStart())
                .isEqualTo(Instant.parse("2026-02-06T11:59:00Z").toEpochMilli());
        assertThat(expected.nonEmptyCells()).isEqualTo(exactRows(expected).size());
    }

    @Test
    void theExactAnswerIsCompleteAndKnowsWhenItBecameSo() {
        ExpectedStats expected = expected();
        StatsVerifier verifier = new StatsVerifier(expected);
        List<Object[]> rows = exactRows(expected);
        feed(verifier, rows.subList(0, rows.size() - 1));
        assertThat(verifier.isComplete()).isFalse();
        assertThat(verifier.completeAtNanos()).isZero();

        long before = System.nanoTime();
        feed(verifier, rows.subList(rows.size() - 1, rows.size()));

        assertThat(verifier.isComplete()).isTrue();
        assertThat(verifier.completeAtNanos()).isGreaterThanOrEqualTo(before);
        assertThat(verifier.matching()).isEqualTo(expected.nonEmptyCells());
        assertThat(verifier.records()).isEqualTo(rows.size());
    }

    @Test
    void aLaterUpdateOfAWindowCountsNotTheFirst() {
        ExpectedStats expected = expected();
        StatsVerifier verifier = new StatsVerifier(expected);
        List<Object[]> rows = exactRows(expected);
        Object[] first = rows.get(0);
        verifier.accept((Long) first[0], (String) first[1], (Long) first[2] - 1, 0.25);
        feed(verifier, rows);

        assertThat(verifier.isComplete()).isTrue();
        assertThat(verifier.records()).isEqualTo(rows.size() + 1);
    }

    @Test
    void aRevenueOffByTheSmallestStepIsWrong() {
        ExpectedStats expected = expected();
        StatsVerifier verifier = new StatsVerifier(expected);
        List<Object[]> rows = exactRows(expected);
        feed(verifier, rows);
        Object[] r = rows.get(3);
        double off = Math.nextUp((Double) r[3]);
        verifier.accept((Long) r[0], (String) r[1], (Long) r[2], off);

        assertThat(verifier.isComplete()).isFalse();
        assertThat(verifier.problems())
                .startsWith((rows.size() - 1) + " of " + rows.size()
                        + " (window, product) results exact, 0 missing, 1 wrong, 0 unexpected, from "
                        + (rows.size() + 1) + " records; e.g. ")
                .contains(Instant.ofEpochMilli((Long) r[0]) + "/" + r[1] + " = " + r[2] + ", " + off + " instead of "
                        + r[2] + ", " + r[3]);
    }

    @Test
    void aMissingAndAnUnexpectedResultAreNamed() {
        ExpectedStats expected = expected();
        StatsVerifier verifier = new StatsVerifier(expected);
        List<Object[]> rows = exactRows(expected);
        feed(verifier, rows.subList(1, rows.size()));
        long windowStart = (Long) rows.get(0)[0];
        verifier.accept(windowStart, "prod-11", 1, 0.25);

        assertThat(verifier.unexpected()).isEqualTo(1);
        assertThat(verifier.problems())
                .contains("1 missing, 0 wrong, 1 unexpected")
                .contains("missing " + Instant.ofEpochMilli(windowStart) + "/" + rows.get(0)[1])
                .contains(Instant.ofEpochMilli(windowStart) + "/prod-11 = 1, 0.25");
        feed(verifier, rows.subList(0, 1));
        assertThat(verifier.isComplete())
                .as("an unexpected result never goes away")
                .isFalse();
    }

    @Test
    void readsTheUpsertJsonLayoutAndTombstones() throws Exception {
        ExpectedStats expected = expected();
        StatsVerifier verifier = new StatsVerifier(expected);
        List<Object[]> rows = exactRows(expected);
        for (Object[] r : rows) {
            verifier.accept(record(
                    StatsJson.key((Long) r[0], (String) r[1]),
                    StatsJson.value((Long) r[0], (String) r[1], (Long) r[2], (Double) r[3])));
        }
        assertThat(verifier.isComplete()).isTrue();

        Object[] r = rows.get(0);
        verifier.accept(record(StatsJson.key((Long) r[0], (String) r[1]), null));

        assertThat(verifier.isComplete()).isFalse();
        assertThat(verifier.problems()).contains("1 missing, 0 wrong, 0 unexpected");
    }

    @Test
    void sqlTimestampsWithAndWithoutFractionAreUtc() {
        assertThat(StatsVerifier.windowStart("2026-02-06 12:01:00"))
                .isEqualTo(Instant.parse("2026-02-06T12:01:00Z").toEpochMilli());
        assertThat(StatsVerifier.windowStart("2026-02-06 12:01:00.000"))
                .isEqualTo(Instant.parse("2026-02-06T12:01:00Z").toEpochMilli());
        assertThat(StatsJson.timestamp(Instant.parse("2026-02-06T12:01:00Z").toEpochMilli()))
                .isEqualTo("2026-02-06 12:01:00");
    }

    @Test
    void theInMemoryLoopIsExactAndDropsNothing() {
        ExpectedStats expected = expected();
        StatsVerifier verifier = new StatsVerifier(expected);
        long late = InMemoryVariant.run(InMemoryVariant.decodedOrders(WORKLOAD), verifier::accept);

        assertThat(late).isZero();
        assertThat(verifier.isComplete()).isTrue();
        assertThat(verifier.records()).isEqualTo(expected.nonEmptyCells());
    }

    @Test
    void minuteStatsFiresAWindowOnceItsEndIsPassedAndCountsLaterOrdersAsLate() {
        List<String> fired = new ArrayList<>();
        MinuteStats stats = new MinuteStats((start, product, count, revenue) ->
                fired.add(Instant.ofEpochMilli(start) + " " + product + " " + count + " " + revenue));
        long t0 = Instant.parse("2026-02-06T12:00:00Z").toEpochMilli();
        stats.add("prod-1", t0 + 1_000, 2.5);
        stats.add("prod-1", t0 + 59_999, 0.25);
        stats.advanceWatermark(t0 + 59_998);
        assertThat(fired).isEmpty();

        stats.advanceWatermark(t0 + 59_999);
        assertThat(fired).containsExactly("2026-02-06T12:00:00Z prod-1 2 2.75");

        stats.add("prod-1", t0 + 30_000, 1.0);
        stats.add("prod-2", t0 + 60_000, 1.0);
        stats.finish();
        assertThat(stats.late()).isEqualTo(1);
        assertThat(fired).containsExactly("2026-02-06T12:00:00Z prod-1 2 2.75", "2026-02-06T12:01:00Z prod-2 1 1.0");
    }

    @Test
    void pricesAreMultiplesOfAQuarterSoSumsAreExactInAnyOrder() {
        for (int p = 0; p < 1_000; p++) {
            double price = OrderWorkload.unitPrice(p);
            assertThat(price * 4).isEqualTo(Math.rint(price * 4));
            assertThat(price).isBetween(0.25, 100.0);
        }
        assertThat(WORKLOAD.productIndex("prod-10")).isEqualTo(9);
        assertThat(WORKLOAD.productIndex("prod-11")).isEqualTo(-1);
        assertThat(WORKLOAD.productIndex("product-1")).isEqualTo(-1);
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String value) {
        return new ConsumerRecord<>(
                "order-stats",
                0,
                0,
                key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
