package dev.cairn.cli.keys;

import java.io.PrintWriter;

/** A one-line text progress bar redrawn with carriage returns (on stderr, so stdout stays clean). */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final String label;
    private int lastFilled = -1;

    ProgressBar(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    void update(long done, long total) {
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        if (filled == lastFilled && done != total) {
            return;
        }
        lastFilled = filled;
        out.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total);
        if (done == total) {
            out.println();
        }
        out.flush();
    }
}
