package dev.streamingblocks.benchmarks.harness;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * A horizontal grouped bar chart as a PNG, drawn with Java2D (no charting dependency): one group
 * per row, one bar per series, each bar labelled with its value. A NaN value draws no bar but the
 * row's note (e.g. "WRONG"), so a wrong result can never look good. An optional vertical line
 * marks a target. Rows far above the rest (an in-memory floor) can be drawn off scale, so they do
 * not flatten the bars being compared. The one chart of every harness ({@link BarChart} draws a
 * {@link ResultTable} with it).
 */
public final class GroupedBarChart {

    private static final Color[] SERIES = {
        new Color(0x4C78A8), new Color(0xF58518), new Color(0x54A24B), new Color(0xB279A2), new Color(0x9D755D)
    };
    private static final int WIDTH = 1000;
    private static final int LABEL_WIDTH = 300;
    private static final int VALUE_WIDTH = 110;
    private static final int BAR = 18;
    private static final int GAP = 12;
    private static final int TOP = 70;
    private static final int BOTTOM = 30;

    private GroupedBarChart() {}

    /**
     * Writes the chart.
     *
     * @param values {@code values[row][series]}; NaN for no bar
     * @param notes per row, shown where a bar is NaN (may be null)
     * @param target a value to mark with a dashed line and {@code targetLabel}, or NaN for none
     */
    public static void write(
            Path png,
            String title,
            String unit,
            List<String> rows,
            List<String> series,
            double[][] values,
            List<String> notes,
            double target,
            String targetLabel)
            throws IOException {
        write(png, title, unit, rows, series, values, notes, target, targetLabel, Set.of());
    }

    /**
     * As {@link #write(Path, String, String, List, List, double[][], List, double, String)}; the rows
     * whose indexes are in {@code offScaleRows} are left out of the scale, and a bar of theirs above
     * it is drawn to the edge with a break and labelled "off scale".
     */
    public static void write(
            Path png,
            String title,
            String unit,
            List<String> rows,
            List<String> series,
            double[][] values,
            List<String> notes,
            double target,
            String targetLabel,
            Set<Integer> offScaleRows)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        double max = Double.isNaN(target) ? 0 : target;
        for (int r = 0; r < values.length; r++) {
            for (double v : values[r]) {
                if (!Double.isNaN(v) && !offScaleRows.contains(r)) {
                    max = Math.max(max, v);
                }
            }
        }
        if (max <= 0) {
            max = 1;
        }
        int groupHeight = series.size() * BAR + GAP;
        int height = TOP + rows.size() * groupHeight + BOTTOM;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, 12, 24);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int legendX = 12;
            for (int s = 0; s < series.size(); s++) {
                g.setColor(SERIES[s % SERIES.length]);
                g.fillRect(legendX, 38, 12, 12);
                g.setColor(Color.BLACK);
                String label = series.get(s) + (s == 0 ? " (" + unit + ")" : "");
                g.drawString(label, legendX + 16, 49);
                legendX += 30 + g.getFontMetrics().stringWidth(label);
            }
            int plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
            FontMetrics metrics = g.getFontMetrics();
            for (int r = 0; r < rows.size(); r++) {
                int y = TOP + r * groupHeight;
                g.setColor(Color.BLACK);
                String label = rows.get(r);
                while (metrics.stringWidth(label) > LABEL_WIDTH - 16 && label.length() > 4) {
                    label = label.substring(0, label.length() - 2);
                }
                g.drawString(label, 8, y + groupHeight / 2);
                for (int s = 0; s < series.size(); s++) {
                    double v = values[r][s];
                    int barY = y + s * BAR;
                    if (Double.isNaN(v)) {
                        g.setColor(Color.RED.darker());
                        String note = notes == null || notes.get(r) == null ? "n/a" : notes.get(r);
                        g.drawString(note, LABEL_WIDTH + 4, barY + BAR - 5);
                        continue;
                    }
                    boolean off = offScaleRows.contains(r) && v > max;
                    int w = off ? plotWidth : (int) Math.round(v / max * plotWidth);
                    g.setColor(SERIES[s % SERIES.length]);
                    g.fillRect(LABEL_WIDTH, barY + 1, Math.max(1, w), BAR - 2);
                    if (off) {
                        int breakX = LABEL_WIDTH + plotWidth * 3 / 4;
                        g.setColor(Color.WHITE);
                        g.fillPolygon(
                                new int[] {breakX, breakX + 6, breakX + 12, breakX + 6},
                                new int[] {barY + BAR - 1, barY + 1, barY + 1, barY + BAR - 1},
                                4);
                        // no room after a full-width bar: the value goes inside it
                        g.drawString(format(v) + " (off scale)", LABEL_WIDTH + 4, barY + BAR - 5);
                        continue;
                    }
                    g.setColor(Color.BLACK);
                    g.drawString(format(v), LABEL_WIDTH + w + 4, barY + BAR - 5);
                }
            }
            if (!Double.isNaN(target)) {
                int x = LABEL_WIDTH + (int) Math.round(target / max * plotWidth);
                g.setColor(Color.RED);
                for (int y = TOP - 6; y < height - BOTTOM; y += 8) {
                    g.drawLine(x, y, x, y + 4);
                }
                g.drawString(targetLabel, Math.min(x + 4, WIDTH - metrics.stringWidth(targetLabel) - 4), TOP - 8);
            }
        } finally {
            g.dispose();
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
    }

    static String format(double v) {
        if (v >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%,.1f", v);
    }
}
