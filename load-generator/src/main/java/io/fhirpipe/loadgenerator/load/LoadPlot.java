package io.fhirpipe.loadgenerator.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The load test over time as a PNG, drawn with java.awt (headless; no plotting library): throughput
 * of each stage, broker queue depths, and resident memory of every process, on one time axis.
 */
final class LoadPlot {

    private static final int WIDTH = 1500;
    private static final int PANEL = 260;
    private static final int LEFT = 90;
    private static final int RIGHT = 430;
    private static final int TOP = 50;
    private static final int GAP = 55;
    private static final Color[] COLORS = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0xe377c2),
        new Color(0x7f7f7f),
        new Color(0xbcbd22),
        new Color(0x17becf),
        new Color(0x393b79),
        new Color(0x637939)
    };

    private LoadPlot() {}

    static void write(Path file, String title, List<Sample> samples) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int height = TOP + 3 * PANEL + 2 * GAP + 45;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 28);
        double end = samples.isEmpty()
                ? 1
                : Math.max(1, samples.get(samples.size() - 1).seconds());

        Map<String, double[]> throughput = new LinkedHashMap<>();
        throughput.put("transfer (served by the FHIR server)", rates(samples, Sample::linesServed));
        throughput.put("split (resources in chunks)", rates(samples, Sample::linesSplit));
        throughput.put("load (rows committed)", rates(samples, Sample::rowsLoaded));
        panel(g, TOP, "throughput, resources/s (mean of 5 samples)", samples, end, throughput);

        Map<String, double[]> depths = new LinkedHashMap<>();
        for (String queue : keys(samples, true)) {
            double[] v = series(samples, s -> Math.max(0, s.queueDepths().getOrDefault(queue, 0L)));
            if (max(v) > 0) {
                depths.put(queue, v);
            }
        }
        panel(g, TOP + PANEL + GAP, "broker queue depth, messages", samples, end, depths);

        Map<String, double[]> rss = new LinkedHashMap<>();
        for (String process : keys(samples, false)) {
            rss.put(process, series(samples, s -> Math.max(0, s.rssBytes().getOrDefault(process, 0L)) / 1048576.0));
        }
        panel(g, TOP + 2 * (PANEL + GAP), "resident memory (VmRSS), MB", samples, end, rss);

        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("seconds since the export was requested", LEFT + (WIDTH - LEFT - RIGHT) / 2 - 110, height - 12);
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(
            Graphics2D g, int top, String title, List<Sample> samples, double end, Map<String, double[]> lines) {
        int w = WIDTH - LEFT - RIGHT;
        double ymax = niceCeiling(
                lines.values().stream().mapToDouble(LoadPlot::max).max().orElse(1));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, top - 8);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= 4; i++) {
            int y = top + PANEL - i * PANEL / 4;
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(LEFT, y, LEFT + w, y);
            g.setColor(Color.DARK_GRAY);
            String label = format(ymax * i / 4);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        double step = niceCeiling(end / 8);
        for (double x = 0; x <= end + 1e-9; x += step) {
            int px = LEFT + (int) (x / end * w);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(px, top, px, top + PANEL);
            g.setColor(Color.DARK_GRAY);
            String label = format(x);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, top + PANEL + 15);
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, top, w, PANEL);
        int i = 0;
        for (Map.Entry<String, double[]> line : lines.entrySet()) {
            Color color = COLORS[i % COLORS.length];
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            double[] v = line.getValue();
            for (int k = 1; k < v.length; k++) {
                int x1 = LEFT + (int) (samples.get(k - 1).seconds() / end * w);
                int x2 = LEFT + (int) (samples.get(k).seconds() / end * w);
                int y1 = top + PANEL - (int) (v[k - 1] / ymax * PANEL);
                int y2 = top + PANEL - (int) (v[k] / ymax * PANEL);
                g.drawLine(x1, y1, x2, y2);
            }
            g.setStroke(new BasicStroke(1f));
            int ly = top + 12 + i * 16;
            g.fillRect(LEFT + w + 12, ly - 8, 14, 4);
            g.setColor(Color.BLACK);
            g.drawString(line.getKey() + "  (max " + format(max(v)) + ")", LEFT + w + 30, ly - 2);
            i++;
        }
        if (lines.isEmpty()) {
            g.setColor(Color.GRAY);
            g.drawString("(nothing)", LEFT + w + 12, top + 12);
        }
    }

    /** Per-second rate of a counter, averaged over five samples: the status API's counters move a chunk at a time. */
    private static double[] rates(List<Sample> samples, ToDoubleFunction<Sample> counter) {
        double[] raw = new double[samples.size()];
        for (int k = 1; k < samples.size(); k++) {
            double dt = samples.get(k).seconds() - samples.get(k - 1).seconds();
            raw[k] = dt <= 0
                    ? 0
                    : Math.max(0, counter.applyAsDouble(samples.get(k)) - counter.applyAsDouble(samples.get(k - 1)))
                            / dt;
        }
        double[] smooth = new double[raw.length];
        for (int k = 0; k < raw.length; k++) {
            int from = Math.max(0, k - 2);
            int to = Math.min(raw.length - 1, k + 2);
            double sum = 0;
            for (int m = from; m <= to; m++) {
                sum += raw[m];
            }
            smooth[k] = sum / (to - from + 1);
        }
        return smooth;
    }

    private static double[] series(List<Sample> samples, ToDoubleFunction<Sample> value) {
        return samples.stream().mapToDouble(value).toArray();
    }

    private static List<String> keys(List<Sample> samples, boolean queues) {
        List<String> keys = new ArrayList<>();
        for (Sample s : samples) {
            for (String k : (queues ? s.queueDepths() : s.rssBytes()).keySet()) {
                if (!keys.contains(k)) {
                    keys.add(k);
                }
            }
        }
        return keys;
    }

    private static double max(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, d);
        }
        return m;
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double f : new double[] {1, 2, 2.5, 5, 10}) {
            if (f * magnitude >= v) {
                return f * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double v) {
        if (v >= 10_000) {
            return String.format("%,.0f", v);
        }
        return v == Math.rint(v) ? String.format("%.0f", v) : String.format("%.1f", v);
    }
}
