package dev.streamingblocks.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The records/s chart of a {@link ResultTable}, drawn by {@link GroupedBarChart}: one group of bars
 * per variant, one bar per parallelism. A result that is not OK gets no bar but its status
 * ("WRONG", "FAILED"), so a wrong variant can never look fast. A variant far faster than the rest
 * (an in-memory floor) can be drawn off scale. Runs headless.
 *
 * <p>{@code java -cp benchmarks.jar dev.streamingblocks.benchmarks.harness.BarChart <results.md> <chart.png>
 * <title> [off-scale variant]...} redraws a chart from a table written by {@link ResultTable#markdown()}.
 */
public final class BarChart {

    private BarChart() {}

    /** Redraws a chart from a results Markdown file; see the class Javadoc. */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.out.println("Usage: BarChart <results.md> <chart.png> <title> [off-scale variant]...");
            return;
        }
        ResultTable table = ResultTable.parse(Files.readString(Path.of(args[0])));
        write(Path.of(args[1]), args[2], table, Set.of(Arrays.copyOfRange(args, 3, args.length)));
    }

    /** Writes the chart of {@code table}'s results to {@code png} (parent directories created). */
    public static void write(Path png, String title, ResultTable table) {
        write(png, title, table, Set.of());
    }

    /**
     * As {@link #write(Path, String, ResultTable)}; the bars of {@code offScale} variants are left out of
     * the scale, drawn to the edge with a break, and labelled "off scale".
     */
    public static void write(Path png, String title, ResultTable table, Set<String> offScale) {
        List<String> variants = table.variants();
        List<Integer> parallelisms = new ArrayList<>(
                new TreeSet<>(table.results().stream().map(Result::parallelism).toList()));
        List<String> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<Integer> offScaleRows = new HashSet<>();
        double[][] values = new double[variants.size()][parallelisms.size()];
        for (int v = 0; v < variants.size(); v++) {
            String name = variants.get(v);
            rows.add(shortName(name));
            if (offScale.contains(name)) {
                offScaleRows.add(v);
            }
            String note = null;
            for (int i = 0; i < parallelisms.size(); i++) {
                Optional<Result> result = table.find(name, parallelisms.get(i));
                values[v][i] = result.filter(Result::isOk)
                        .map(Result::recordsPerSecond)
                        .orElse(Double.NaN);
                if (result.isPresent() && !result.get().isOk() && note == null) {
                    note = result.get().status() + " (p" + parallelisms.get(i) + ")";
                }
            }
            notes.add(note == null ? "" : note); // a missing result (not run) draws nothing
        }
        List<String> series = parallelisms.stream().map(p -> "parallelism " + p).toList();
        try {
            GroupedBarChart.write(png, title, "records/s", rows, series, values, notes, Double.NaN, "", offScaleRows);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the chart " + png + ": " + e.getMessage(), e);
        }
    }

    /** The name up to its first " (": the table has the details. */
    static String shortName(String variant) {
        int cut = variant.indexOf(" (");
        return cut > 0 ? variant.substring(0, cut) : variant;
    }
}
