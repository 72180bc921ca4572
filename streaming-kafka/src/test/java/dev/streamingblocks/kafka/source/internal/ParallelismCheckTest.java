package dev.streamingblocks.kafka.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ParallelismCheckTest {

    @Test
    void warnsWhenParallelismExceedsPartitions() {
        assertThat(ParallelismCheck.warning("payments-source", 4, List.of("payments"), 3)).contains(
                "Source 'payments-source' runs with parallelism 4 but topic(s) [payments] have only 3 partition(s)"
                        + " and no idleness is set: 1 subtask(s) will read nothing and hold back event time"
                        + " downstream. Set an idleness or lower the source parallelism.");
    }

    @Test
    void silentWhenEverySubtaskGetsAPartition() {
        assertThat(ParallelismCheck.warning("s", 3, List.of("a", "b"), 3)).isEqualTo(Optional.empty());
        assertThat(ParallelismCheck.warning("s", 1, List.of("a"), 6)).isEqualTo(Optional.empty());
    }
}
