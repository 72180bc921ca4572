package dev.streamingblocks.benchmarks.harness;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * A horizontal bar chart of records/s as a PNG, drawn with Java2D so the harness needs no charting
 * library: one group of bars per variant, one bar per parallelism, the value written at the end of
 * each bar. A result that is not OK gets no bar but its status ("WRONG", "FAILED"), so a wrong
 * variant can never look fast. Runs headless.
 */
public final class BarChart {

    private static final Color[] SERIES = {
        new Color(0x4C78A8), new Color(0xF58518), new Color(0x54A24B), new Color(0xB279A2)
    };
    private static final int WIDTH = 960;
    private static final int LABEL_WIDTH = 250;
    private static final int VALUE_WIDTH = 130;
    private static final int BAR_HEIGHT = 20;
    private static final int GROUP_GAP = 14;
    private static final int TOP = 64;
    private static final int BOTTOM = 40;

    private BarChart() {}

    /** Writes the chart of {@code table}'s results to {@code png} (parent directories created). */
    public static void write(Path png, String title, ResultTable table) {
        System.setProperty("java.awt.headless", "true");
        List<String> variants = table.variants();
        List<Integer> parallelisms = new ArrayList<>(
                new TreeSet<>(table.results().stream().map(Result::parallelism).toList()));
        double max = table.results().stream()
                .filter(Result::isOk)
                .mapToDouble(Result::recordsPerSecond)
                .max()
                .orElse(1);
        int groupHeight = parallelisms.size() * BAR_HEIGHT + GROUP_GAP;
        int height = TOP + variants.size() * groupHeight + BOTTOM;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, 12, 24);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int legendX = 12;
            for (int i = 0; i < parallelisms.size(); i++) {
                g.setColor(SERIES[i % SERIES.length]);
                g.fillRect(legendX, 36, 12, 12);
                g.setColor(Color.BLACK);
                String label = "parallelism " + parallelisms.get(i);
                g.drawString(label, legendX + 16, 47);
                legendX += 16 + g.getFontMetrics().stringWidth(label) + 20;
            }
            int plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
            FontMetrics metrics = g.getFontMetrics();
            for (int v = 0; v < variants.size(); v++) {
                int groupTop = TOP + v * groupHeight;
                g.setColor(Color.BLACK);
                String name = variants.get(v);
                int nameY = groupTop + (parallelisms.size() * BAR_HEIGHT) / 2 + metrics.getAscent() / 2;
                g.drawString(fit(name, metrics, LABEL_WIDTH - 16), 12, nameY);
                for (int i = 0; i < parallelisms.size(); i++) {
                    int y = groupTop + i * BAR_HEIGHT;
                    Optional<Result> result = table.find(name, parallelisms.get(i));
                    if (result.isEmpty()) {
                        continue;
                    }
                    Result r = result.get();
                    int textY = y + BAR_HEIGHT / 2 + metrics.getAscent() / 2 - 1;
                    if (r.isOk()) {
                        int w = Math.max(1, (int) Math.round(plotWidth * r.recordsPerSecond() / max));
                        g.setColor(SERIES[i % SERIES.length]);
                        g.fillRect(LABEL_WIDTH, y + 2, w, BAR_HEIGHT - 4);
                        g.setColor(Color.BLACK);
                        g.drawString(
                                String.format(Locale.ROOT, "%,.0f /s", r.recordsPerSecond()),
                                LABEL_WIDTH + w + 6,
                                textY);
                    } else {
                        g.setColor(new Color(0xC00000));
                        g.drawString(r.status() + " (p" + r.parallelism() + ")", LABEL_WIDTH + 6, textY);
                    }
                }
            }
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1));
            g.drawLine(LABEL_WIDTH, TOP - 4, LABEL_WIDTH, height - BOTTOM + 4);
            g.drawString("input records per second (higher is better)", LABEL_WIDTH, height - 14);
        } finally {
            g.dispose();
        }
        try {
            if (png.getParent() != null) {
                Files.createDirectories(png.getParent());
            }
            if (!ImageIO.write(image, "png", png.toFile())) {
                throw new IOException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the chart " + png + ": " + e.getMessage(), e);
        }
    }

    private static String fit(String text, FontMetrics metrics, int width) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (cut.length() > 1 && metrics.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}
