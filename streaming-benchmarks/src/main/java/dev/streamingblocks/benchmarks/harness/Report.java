package dev.streamingblocks.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The Markdown a harness run leaves behind, for pasting into docs/benchmarks.md: when, on what
 * machine under what load, the command, the table, the ratios and the chart.
 */
public final class Report {

    private Report() {}

    /**
     * Writes {@code markdown} to {@code file} (directories created) and returns it.
     *
     * @param chartFile the chart's file name, linked relative to {@code file}
     */
    public static String write(
            Path file,
            String title,
            Machine machine,
            Instant started,
            String loadAtStart,
            String loadAtEnd,
            String command,
            ResultTable table,
            String ratios,
            String chartFile) {
        String markdown = "### " + title + "\n\n"
                + "Run " + started.truncatedTo(ChronoUnit.SECONDS) + " to "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " on " + machine.describe()
                + "; load average (1, 5, 15 min) " + loadAtStart + " at the start, " + loadAtEnd + " at the end.\n\n"
                + "```\n" + command + "\n```\n\n"
                + table.markdown() + "\n"
                + ratios + "\n"
                + "![" + title + "](" + chartFile + ")\n";
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, markdown);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the report " + file + ": " + e.getMessage(), e);
        }
        return markdown;
    }
}
