package org.robustmri.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr with count, rate and ETA; redrawn at most five times a second. */
final class ProgressBar implements AutoCloseable {
    private final String label;
    private final long total;
    private final String unit;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw;
    private long drawnAt = -1;
    /** Redraw in place only on a terminal; logs and CI get one line at the end. */
    private final boolean interactive = System.console() != null;

    ProgressBar(String label, long total, String unit) {
        this(label, total, unit, System.err);
    }

    ProgressBar(String label, long total, String unit, PrintStream out) {
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.out = out;
    }

    private String suffix = "";

    /** Extra text shown after the ETA (e.g. the current loss). */
    synchronized void suffix(String text) {
        suffix = text;
    }

    synchronized void step() {
        step(1);
    }

    synchronized void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (interactive && (now - lastDraw > 200_000_000L || done >= total)) {
            lastDraw = now;
            draw(now);
        }
    }

    private void draw(long now) {
        drawnAt = done;
        double secs = (now - start) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        double eta = rate > 0 ? (total - done) / rate : Double.NaN;
        int width = 30;
        int filled = total > 0 ? (int) Math.min(width, width * done / total) : 0;
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        out.printf(Locale.ROOT, (interactive ? "\r" : "") + "%s [%s] %d/%d %s  %.2f %s/s  ETA %s  %s   ", label, bar, done, total, unit, rate, unit,
                Double.isNaN(eta) ? "?" : formatSeconds(eta), suffix);
        out.flush();
    }

    static String formatSeconds(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }

    @Override
    public synchronized void close() {
        if (drawnAt != done || !interactive) draw(System.nanoTime());
        out.println();
    }
}
