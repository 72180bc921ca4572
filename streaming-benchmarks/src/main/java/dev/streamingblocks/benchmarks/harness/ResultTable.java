package dev.streamingblocks.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The results of one run as Markdown: one row per variant and parallelism, and the ratios that the
 * comparison is about, computed only between results of the same run.
 *
 * <pre>{@code
 * ResultTable table = new ResultTable(results);
 * String markdown = table.markdown() + "\n" + table.ratios(List.of(
 *         new ResultTable.Ratio("library / SQL", "library", "sql")), List.of(1, 2));
 * }</pre>
 */
public final class ResultTable {

    /** A ratio of records/s, {@code numerator / denominator}, at the same parallelism. */
    public record Ratio(String label, String numerator, String denominator) {}

    private final List<Result> results;

    public ResultTable(List<Result> results) {
        this.results = List.copyOf(results);
    }

    public List<Result> results() {
        return results;
    }

    /** The result of {@code variant} at {@code parallelism}, if it ran. */
    public Optional<Result> find(String variant, int parallelism) {
        return results.stream()
                .filter(r -> r.variant().equals(variant) && r.parallelism() == parallelism)
                .findFirst();
    }

    /** {@code numerator / denominator} records/s at {@code parallelism}; empty unless both are OK. */
    public OptionalDouble ratio(String numerator, String denominator, int parallelism) {
        Optional<Result> a = find(numerator, parallelism);
        Optional<Result> b = find(denominator, parallelism);
        if (a.isEmpty() || b.isEmpty() || !a.get().isOk() || !b.get().isOk()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(a.get().recordsPerSecond() / b.get().recordsPerSecond());
    }

    /** {@code | variant | parallelism | records | seconds | records/s | result |}, in the results' order. */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| variant | parallelism | records | seconds | records/s | result |\n");
        out.append("|---|---:|---:|---:|---:|---|\n");
        for (Result r : results) {
            out.append("| ")
                    .append(r.variant())
                    .append(" | ")
                    .append(r.parallelism())
                    .append(" | ");
            out.append(String.format(Locale.ROOT, "%,d", r.records())).append(" | ");
            if (r.isOk()) {
                out.append(String.format(Locale.ROOT, "%.2f", r.elapsed().toNanos() / 1e9))
                        .append(" | ")
                        .append(String.format(Locale.ROOT, "%,.0f", r.recordsPerSecond()))
                        .append(" | OK");
            } else {
                out.append("– | – | **").append(r.status()).append("**");
            }
            if (!r.detail().isEmpty()) {
                out.append(": ").append(escape(r.detail()));
            }
            out.append(" |\n");
        }
        return out.toString();
    }

    /** A table with one row per ratio and one column per parallelism; "–" where a side is not OK. */
    public String ratios(List<Ratio> ratios, List<Integer> parallelisms) {
        StringBuilder out = new StringBuilder("| ratio (records/s, same run) |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int p : parallelisms) {
            out.append(" p").append(p).append(" |");
            rule.append("---:|");
        }
        out.append('\n').append(rule).append('\n');
        for (Ratio ratio : ratios) {
            out.append("| ").append(ratio.label()).append(" |");
            for (int p : parallelisms) {
                OptionalDouble value = ratio(ratio.numerator(), ratio.denominator(), p);
                out.append(' ')
                        .append(value.isPresent() ? String.format(Locale.ROOT, "%.2f", value.getAsDouble()) : "–")
                        .append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The variants in the order they first appear. */
    public List<String> variants() {
        List<String> names = new ArrayList<>();
        for (Result r : results) {
            if (!names.contains(r.variant())) {
                names.add(r.variant());
            }
        }
        return names;
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
