package dev.streamingblocks.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.benchmarks.harness.Result;
import dev.streamingblocks.benchmarks.harness.ResultTable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole harness on a tiny workload: one embedded stack, the variants at parallelism 1, each
 * one's output checked for exactness by the harness itself (a variant whose output is not exact
 * is WRONG, one that does not finish FAILED). Only correctness is asserted, never a speed. The
 * Flink SQL variant is left out here: its planner alone takes 10-17 s to load and compile on a
 * cold JVM on two shared cores, over this module's share of the build's test time; every
 * benchmark run checks its output the same way.
 */
class OrderStatsBenchmarkITCase {

    private static final OrderWorkload WORKLOAD = OrderWorkload.of(20_000);

    @Test
    void everyVariantComputesTheExactOrderStats() throws Exception {
        ExpectedStats expected = new ExpectedStats(WORKLOAD);
        WORKLOAD.forEach(expected::add);
        String exactOnce = String.format(Locale.ROOT, "%,d output records", expected.nonEmptyCells());

        OrderStatsBenchmark.Runs runs = OrderStatsBenchmark.run(
                WORKLOAD, 0, List.of(1), Set.of("library", "streams", "plain", "memory"), Duration.ofSeconds(30));
        List<Result> results = runs.results();

        assertThat(results)
                .extracting(Result::variant, Result::parallelism, Result::records, Result::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(LibraryVariant.NAME, 1, 20_000L, Result.Status.OK),
                        org.assertj.core.groups.Tuple.tuple(StreamsVariant.NAME, 1, 20_000L, Result.Status.OK),
                        org.assertj.core.groups.Tuple.tuple(PlainConsumerVariant.NAME, 1, 20_000L, Result.Status.OK),
                        org.assertj.core.groups.Tuple.tuple(InMemoryVariant.NAME, 1, 20_000L, Result.Status.OK));
        // each (window, product) once from the Flink job and the plain loop; Kafka Streams may update one
        assertThat(results.get(0).detail()).isEqualTo(exactOnce);
        assertThat(results.get(2).detail()).isEqualTo(exactOnce);
        assertThat(results.get(3).detail())
                .isEqualTo(String.format(Locale.ROOT, "%,d results", expected.nonEmptyCells()));

        ResultTable table = new ResultTable(results);
        assertThat(table.markdown()).contains("| " + LibraryVariant.NAME + " | 1 | 20,000 | ");
        assertThat(table.ratio(LibraryVariant.NAME, PlainConsumerVariant.NAME, 1))
                .isPresent();
        assertThat(table.ratio(LibraryVariant.NAME, StreamsVariant.NAME, 1)).isPresent();
        assertThat(table.ratio(LibraryVariant.NAME, SqlVariant.NAME, 1))
                .as("SQL did not run")
                .isEmpty();

        // only the Flink job had a cluster started for it, before its clock; added back, it is slower
        assertThat(runs.clusterStarts()).containsOnlyKeys(OrderStatsBenchmark.key(LibraryVariant.NAME, 1));
        Duration clusterStart = runs.clusterStarts().get(OrderStatsBenchmark.key(LibraryVariant.NAME, 1));
        assertThat(clusterStart).isPositive();
        List<Result> withStarts = runs.withClusterStarts();
        assertThat(withStarts.get(0).elapsed())
                .isEqualTo(results.get(0).elapsed().plus(clusterStart));
        assertThat(withStarts.subList(1, 4)).isEqualTo(results.subList(1, 4));
        assertThat(runs.clusterStartsMarkdown()).contains("| " + LibraryVariant.NAME + " | 1 | ");
    }
}
