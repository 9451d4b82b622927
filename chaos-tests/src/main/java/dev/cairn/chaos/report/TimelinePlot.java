package dev.cairn.chaos.report;

import dev.cairn.chaos.history.History;
import dev.cairn.chaos.history.OpType;
import dev.cairn.chaos.history.Operation;
import dev.cairn.chaos.nemesis.FaultEvent;
import dev.cairn.chaos.nemesis.NemesisClass;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A PNG of a run: each operation's latency (log scale) at the time it was invoked, coloured by outcome, over
 * shaded bands where faults were active. Drawn with java.awt (headless), no plotting library needed.
 */
public final class TimelinePlot {
    private static final int W = 1600;
    private static final int H = 600;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final double MIN_MS = 0.5;
    private static final double MAX_MS = 60_000;

    private TimelinePlot() {
    }

    public static void write(Path png, long runStart, long runEnd, Map<String, History> histories, List<FaultEvent> faults)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        double seconds = Math.max(1, (runEnd - runStart) / 1e9);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (FaultEvent f : faults) {
            int x0 = x(f.startNanos(), runStart, seconds);
            long end = f.nemesis() == NemesisClass.KILL ? f.startNanos() + 1_000_000_000L : f.endNanos();
            int x1 = Math.max(x0 + 2, x(end, runStart, seconds));
            g.setColor(band(f.nemesis()));
            g.fillRect(x0, TOP, x1 - x0, H - TOP - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            g.drawString(f.nemesis().name().toLowerCase() + " " + f.kind(), x0 + 2, TOP - 4 - 12 * (faults.indexOf(f) % 2));
        }
        for (History h : histories.values()) {
            for (Operation op : h.operations()) {
                long done = op.complete().nanos() == Long.MAX_VALUE ? runEnd : op.complete().nanos();
                double ms = Math.max(MIN_MS, (done - op.invoke().nanos()) / 1e6);
                g.setColor(op.ok() ? new Color(30, 140, 60, 120) : op.outcome() == OpType.INFO
                        ? new Color(230, 140, 0, 200) : new Color(200, 30, 30, 160));
                g.fillRect(x(op.invoke().nanos(), runStart, seconds), y(ms), 2, 2);
            }
        }
        axes(g, seconds);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void axes(Graphics2D g, double seconds) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
        g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
        for (double ms = 1; ms <= MAX_MS; ms *= 10) {
            int y = y(ms);
            g.drawLine(LEFT - 4, y, LEFT, y);
            g.drawString(ms >= 1000 ? (int) (ms / 1000) + " s" : (int) ms + " ms", 8, y + 4);
        }
        double step = seconds > 600 ? 120 : seconds > 120 ? 30 : 10;
        for (double s = 0; s <= seconds; s += step) {
            int x = LEFT + (int) ((W - LEFT - RIGHT) * s / seconds);
            g.drawLine(x, H - BOTTOM, x, H - BOTTOM + 4);
            g.drawString((int) s + " s", x - 8, H - BOTTOM + 18);
        }
        g.drawString("latency of each operation at its invocation time; green ok, red fail, orange unknown (info); bands: faults",
                LEFT, H - 12);
    }

    private static int x(long nanos, long runStart, double seconds) {
        return LEFT + (int) ((W - LEFT - RIGHT) * ((nanos - runStart) / 1e9) / seconds);
    }

    private static int y(double ms) {
        double f = (Math.log10(ms) - Math.log10(MIN_MS)) / (Math.log10(MAX_MS) - Math.log10(MIN_MS));
        return H - BOTTOM - (int) ((H - TOP - BOTTOM) * Math.min(1, f));
    }

    private static Color band(NemesisClass c) {
        return switch (c) {
            case KILL -> new Color(255, 0, 0, 40);
            case PAUSE -> new Color(0, 0, 255, 30);
            case PARTITION -> new Color(160, 0, 200, 30);
            case ZOMBIE -> new Color(0, 150, 150, 35);
            case KMS -> new Color(120, 120, 0, 40);
            case ORPHAN -> new Color(255, 120, 0, 40);
        };
    }
}
