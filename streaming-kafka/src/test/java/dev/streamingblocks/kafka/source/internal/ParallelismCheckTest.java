package dev.streamingblocks.kafka.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ParallelismCheckTest {

    // Start subtasks at parallelism 4, ((topic.hashCode() * 31) & 0x7FFFFFFF) % 4 as in the connector,
    // computed once with String.hashCode: "orders" -> 3, "payments" -> 3, "refunds" -> 1.

    @Test
    void startSubtasksOfTheTopicsUsedHere() {
        assertThat(ParallelismCheck.owner("orders", 0, 4)).isEqualTo(3);
        assertThat(ParallelismCheck.owner("payments", 0, 4)).isEqualTo(3);
        assertThat(ParallelismCheck.owner("refunds", 0, 4)).isEqualTo(1);
        assertThat(ParallelismCheck.owner("orders", 1, 4)).isEqualTo(0); // round-robin from the start, wrapping
        assertThat(ParallelismCheck.owner("orders", 5, 4)).isEqualTo(0);
    }

    @Test
    void warnsWhenEnoughPartitionsInAllStillLeaveSubtasksEmpty() {
        // 4 partitions for 4 subtasks, but both topics start at subtask 3: subtasks 3 and 0 get two each.
        Map<String, Integer> partitions = partitions("orders", 2, "payments", 2);

        assertThat(ParallelismCheck.emptySubtasks(partitions, 4)).containsExactly(1, 2);
        assertThat(ParallelismCheck.warning("orders-source", 4, partitions))
                .contains(
                        "Source 'orders-source' runs with parallelism 4 and no idleness is set, but the 4 partition(s) of"
                                + " topic(s) {orders=2, payments=2} leave 2 subtask(s) without a partition (the Kafka source"
                                + " assigns partitions topic by topic): subtask(s) [1, 2] will read nothing and hold back"
                                + " event time downstream. Set an idleness or lower the source parallelism.");
    }

    @Test
    void silentWhenTheTopicsStartsSpreadThePartitionsOverEverySubtask() {
        // "orders" covers 3 and 0, "refunds" covers 1 and 2.
        Map<String, Integer> partitions = partitions("orders", 2, "refunds", 2);

        assertThat(ParallelismCheck.emptySubtasks(partitions, 4)).isEmpty();
        assertThat(ParallelismCheck.warning("orders-source", 4, partitions)).isEqualTo(Optional.empty());
    }

    @Test
    void oneTopicWithFewerPartitionsThanSubtasksLeavesTheRestEmpty() {
        // "payments" starts at subtask 3 of 4: partitions 0..2 go to 3, 0, 1.
        assertThat(ParallelismCheck.warning("payments-source", 4, Map.of("payments", 3)))
                .contains(
                        "Source 'payments-source' runs with parallelism 4 and no idleness is set, but the 3 partition(s) of"
                                + " topic(s) {payments=3} leave 1 subtask(s) without a partition (the Kafka source assigns"
                                + " partitions topic by topic): subtask(s) [2] will read nothing and hold back event time"
                                + " downstream. Set an idleness or lower the source parallelism.");
    }

    @Test
    void silentWhenEveryTopicAloneCoversEverySubtask() {
        assertThat(ParallelismCheck.warning("s", 3, partitions("a", 3, "b", 3))).isEqualTo(Optional.empty());
        assertThat(ParallelismCheck.warning("s", 1, Map.of("a", 6))).isEqualTo(Optional.empty());
        assertThat(ParallelismCheck.emptySubtasks(Map.of("a", 0), 2)).containsExactly(0, 1);
    }

    private static Map<String, Integer> partitions(String topic1, int count1, String topic2, int count2) {
        Map<String, Integer> partitions = new LinkedHashMap<>();
        partitions.put(topic1, count1);
        partitions.put(topic2, count2);
        return partitions;
    }
}
