package dev.streamingblocks.benchmarks.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultTableTest {

    private static final List<Result> RESULTS = List.of(
            Result.ok("lib", 1, 1_000_000, Duration.ofSeconds(4), "250 output records"),
            Result.ok("sql", 1, 1_000_000, Duration.ofSeconds(10), ""),
            Result.wrong("lib", 2, 1_000_000, "3 missing"),
            Result.ok("sql", 2, 1_000_000, Duration.ofSeconds(5), ""));

    @Test
    void aWrongResultHasNoTimeAndNoRatio() {
        ResultTable table = new ResultTable(RESULTS);

        assertThat(table.markdown())
                .isEqualTo("| variant | parallelism | records | seconds | records/s | result |\n"
                        + "|---|---:|---:|---:|---:|---|\n"
                        + "| lib | 1 | 1,000,000 | 4.00 | 250,000 | OK: 250 output records |\n"
                        + "| sql | 1 | 1,000,000 | 10.00 | 100,000 | OK |\n"
                        + "| lib | 2 | 1,000,000 | – | – | **WRONG**: 3 missing |\n"
                        + "| sql | 2 | 1,000,000 | 5.00 | 200,000 | OK |\n");
        assertThat(table.ratio("lib", "sql", 1)).hasValue(2.5);
        assertThat(table.ratio("lib", "sql", 2)).isEmpty();
        assertThat(table.ratios(List.of(new ResultTable.Ratio("lib / sql", "lib", "sql")), List.of(1, 2)))
                .isEqualTo("| ratio (records/s, same run) | p1 | p2 |\n|---|---:|---:|\n| lib / sql | 2.50 | – |\n");
        assertThat(table.variants()).containsExactly("lib", "sql");
    }

    @Test
    void aWrittenTableReadsBack() {
        List<Result> results = List.of(
                Result.ok("lib (a | b)", 1, 1_000_000, Duration.ofMillis(3_200), "250 output records"),
                Result.wrong("lib (a | b)", 2, 1_000_000, "3 missing | 1 wrong"),
                Result.failed("sql", 2, 1_000_000, "no output within PT2M"));
        String markdown = new ResultTable(results).markdown();

        ResultTable read =
                ResultTable.parse(markdown + "\n| ratio (records/s, same run) | p1 |\n|---|---:|\n| x | 1.00 |\n");

        assertThat(read.results()).isEqualTo(results);
        assertThat(read.markdown()).isEqualTo(markdown);
    }

    @Test
    void onlyAnOkResultCarriesATime() {
        assertThat(Result.wrong("lib", 1, 10, "x").elapsed()).isNull();
        assertThat(Result.wrong("lib", 1, 10, "x").recordsPerSecond()).isNaN();
        assertThatThrownBy(() -> Result.ok("lib", 1, 10, Duration.ZERO, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an OK result needs a positive elapsed time, was PT0S");
    }

    @Test
    void theChartIsAPngWithABandPerVariant(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("charts/order-stats.png");
        BarChart.write(png, "Order stats", new ResultTable(RESULTS), java.util.Set.of("sql"));

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
        // GroupedBarChart: top 70 + 2 variants x (2 parallelisms x 18 + 12) + bottom 30
        assertThat(image.getHeight()).isEqualTo(70 + 2 * 48 + 30);
        assertThat(BarChart.shortName("library (TypedKafkaSource → KeyedWindowAggregate)"))
                .isEqualTo("library");
    }

    @Test
    void unknownOptionsAreRefusedByName() {
        assertThatThrownBy(() -> Args.parse("bench", new String[] {"--order", "5"}, java.util.Set.of("orders")))
                .hasMessage("bench: unknown option '--order'; known: --orders");
        assertThatThrownBy(() -> Args.parse("bench", new String[] {"--orders", "5M"}, java.util.Set.of("orders"))
                        .longValue("orders", 1))
                .hasMessage("bench: option '--orders' needs a whole number, but was '5M'");
        assertThat(Args.parse("bench", new String[] {"--orders", "5_000_000"}, java.util.Set.of("orders"))
                        .longValue("orders", 1))
                .isEqualTo(5_000_000);
    }
}
