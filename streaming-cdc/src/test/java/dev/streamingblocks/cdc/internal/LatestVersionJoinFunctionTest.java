package dev.streamingblocks.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.cdc.ChangeKind;
import dev.streamingblocks.cdc.ChangeRecord;
import dev.streamingblocks.cdc.Product;
import dev.streamingblocks.cdc.Unmatched;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives the join with explicit watermarks; orders are "orderId/productId", output "orderId:name@price". */
class LatestVersionJoinFunctionTest {

    static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    static final OutputTag<Unmatched<String>> UNMATCHED =
            new OutputTag<>("unmatched", Unmatched.typeInfo(Types.STRING));

    private KeyedTwoInputStreamOperatorTestHarness<String, String, ChangeRecord<Product>, String> harness;
    private long lsn = 100;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void eachOrderGetsTheVersionValidAtItsEventTime() throws Exception {
        harness = open(null);
        change(ChangeKind.INSERT, "prod-1", "10.00", t(0));
        change(ChangeKind.UPDATE_BEFORE, "prod-1", "10.00", t(5));
        change(ChangeKind.UPDATE_AFTER, "prod-1", "12.50", t(5));
        order("ord-1/prod-1", t(4).plusSeconds(59));
        order("ord-2/prod-1", t(5)); // valid from the change time, inclusive
        order("ord-3/prod-1", t(6));
        assertThat(harness.extractOutputValues()).isEmpty();

        watermark(t(10));
        assertThat(harness.extractOutputValues())
                .containsExactly("ord-1:Widget@10.00", "ord-2:Widget@12.50", "ord-3:Widget@12.50");
        assertThat(unmatched()).isEmpty();
    }

    @Test
    void noVersionBeforeTheFirstOrAfterADeleteGoesToUnmatched() throws Exception {
        harness = open(null);
        change(ChangeKind.INSERT, "prod-1", "10.00", t(1));
        change(ChangeKind.DELETE, "prod-1", "10.00", t(3));
        order("ord-0/prod-1", t(0));
        order("ord-1/prod-1", t(2));
        order("ord-2/prod-1", t(3));
        order("ord-3/prod-9", t(2));
        watermark(t(4));
        assertThat(harness.extractOutputValues()).containsExactly("ord-1:Widget@10.00");
        assertThat(unmatched())
                .containsExactlyInAnyOrder(
                        new Unmatched<>("ord-0/prod-1", t(0), Unmatched.Reason.NO_VERSION),
                        new Unmatched<>("ord-2/prod-1", t(3), Unmatched.Reason.NO_VERSION),
                        new Unmatched<>("ord-3/prod-9", t(2), Unmatched.Reason.NO_VERSION));
    }

    @Test
    void anOrderBehindTheWatermarkIsLate() throws Exception {
        harness = open(null);
        change(ChangeKind.INSERT, "prod-1", "10.00", t(0));
        watermark(t(5));
        order("ord-1/prod-1", t(5));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(unmatched()).containsExactly(new Unmatched<>("ord-1/prod-1", t(5), Unmatched.Reason.LATE));
    }

    @Test
    void aReplayedChangeIsAppliedOnce() throws Exception {
        harness = open(null);
        change(ChangeKind.INSERT, "prod-1", "10.00", t(0));
        long updateLsn = lsn + 1;
        change(ChangeKind.UPDATE_AFTER, "prod-1", "12.50", t(5));
        // The capture restarts and writes both changes again, with their LSNs; the insert must not
        // become a new version at t(0) after the update, nor the update one at a later time.
        harness.processElement2(record(ChangeKind.INSERT, "prod-1", "10.00", t(0), updateLsn - 1));
        harness.processElement2(record(ChangeKind.UPDATE_AFTER, "prod-1", "12.50", t(5), updateLsn));
        order("ord-1/prod-1", t(6));
        watermark(t(10));
        assertThat(harness.extractOutputValues()).containsExactly("ord-1:Widget@12.50");
    }

    @Test
    void stateIsExactAfterRestoreAndCleanedUpByTheWatermark() throws Exception {
        harness = open(null);
        change(ChangeKind.INSERT, "prod-1", "10.00", t(0));
        change(ChangeKind.UPDATE_AFTER, "prod-1", "12.50", t(5));
        change(ChangeKind.INSERT, "prod-2", "3.00", t(1));
        order("ord-1/prod-1", t(4));
        order("ord-2/prod-1", t(7));
        watermark(t(2));
        // Per key and state: prod-1's versions, waiting orders and LSN; prod-2's versions and LSN.
        // Timers at t(4), t(5), t(7) (t(0), t(1) fired).
        assertThat(harness.numKeyedStateEntries()).isEqualTo(5);
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = open(snapshot);
        change(ChangeKind.DELETE, "prod-2", "3.00", t(6));
        watermark(t(4));
        assertThat(harness.extractOutputValues()).containsExactly("ord-1:Widget@10.00");
        watermark(t(20));
        assertThat(harness.extractOutputValues()).containsExactly("ord-1:Widget@10.00", "ord-2:Widget@12.50");
        // Left: prod-1's newest version and each key's LSN; prod-2's delete took its versions along.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(unmatched()).isEmpty();
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, String, ChangeRecord<Product>, String> open(
            OperatorSubtaskState restoreFrom) throws Exception {
        LatestVersionJoinFunction<String, String, Product, String> function = new LatestVersionJoinFunction<>(
                (order, product) -> order.split("/")[0] + ":" + product.name() + "@" + product.price(),
                Types.STRING,
                Product.TYPE_INFO,
                UNMATCHED);
        KeyedTwoInputStreamOperatorTestHarness<String, String, ChangeRecord<Product>, String> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(function),
                        order -> order.split("/")[1],
                        change -> change.row().id(),
                        Types.STRING);
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private void change(ChangeKind kind, String id, String price, Instant time) throws Exception {
        harness.processElement2(record(kind, id, price, time, ++lsn));
    }

    private static StreamRecord<ChangeRecord<Product>> record(
            ChangeKind kind, String id, String price, Instant time, long lsn) {
        Product product = new Product(id, id.equals("prod-1") ? "Widget" : "Gadget", new BigDecimal(price), time);
        return new StreamRecord<>(new ChangeRecord<>(kind, product, time, lsn, false), time.toEpochMilli());
    }

    private void order(String order, Instant time) throws Exception {
        harness.processElement1(new StreamRecord<>(order, time.toEpochMilli()));
    }

    private void watermark(Instant time) throws Exception {
        harness.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(time.toEpochMilli()));
    }

    private List<Unmatched<String>> unmatched() {
        ConcurrentLinkedQueue<StreamRecord<Unmatched<String>>> out = harness.getSideOutput(UNMATCHED);
        return out == null
                ? List.of()
                : out.stream().map(StreamRecord::getValue).toList();
    }

    static Instant t(int minutes) {
        return BEGINNING.plus(Duration.ofMinutes(minutes));
    }
}
