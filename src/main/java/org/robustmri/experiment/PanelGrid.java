package org.robustmri.experiment;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * One test set's reconstruction panel as a grid: a row per reconstruction (target, zero-filled, then each model), and per
 * slice two columns, the image (window [0, volume max]) and its absolute error to the target x4; each reconstruction's
 * SSIM on its image. Small simulated matrices are enlarged (nearest neighbour) so that a cell is at least {@value #MIN_CELL}
 * pixels wide.
 */
final class PanelGrid {
    static final int MIN_CELL = 180;
    private static final int LABEL_WIDTH = 200, HEADER = 40, GAP = 4;
    private static final float ERROR_GAIN = 4f;

    /** A row: its label lines and, per slice, the image (the target row's images are the targets). */
    record Row(List<String> label, List<float[]> images, List<Double> ssim) {
    }

    private PanelGrid() {
    }

    static BufferedImage draw(String title, List<String> sliceTitles, List<float[]> targets, List<Row> rows, int h0, int w0, float max) {
        int zoom = Math.max(1, (int) Math.ceil((double) MIN_CELL / w0));
        int h = h0 * zoom, w = w0 * zoom, slices = targets.size();
        int width = LABEL_WIDTH + slices * 2 * (w + GAP), height = HEADER + rows.size() * (h + GAP);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 6, 16);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int s = 0; s < slices; s++) {
            int x = LABEL_WIDTH + s * 2 * (w + GAP);
            g.drawString(sliceTitles.get(s), x + 2, HEADER - 6);
            g.drawString("|error| x" + (int) ERROR_GAIN, x + w + GAP + 2, HEADER - 6);
        }
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            int y = HEADER + r * (h + GAP);
            g.setColor(Color.BLACK);
            drawLabel(g, row.label(), 6, y + 16, LABEL_WIDTH - 10);
            for (int s = 0; s < slices; s++) {
                int x = LABEL_WIDTH + s * 2 * (w + GAP);
                paint(img, row.images().get(s), null, x, y, h0, w0, zoom, max, 1f);
                if (row.ssim() == null) continue; // the target has no error
                paint(img, row.images().get(s), targets.get(s), x + w + GAP, y, h0, w0, zoom, max, ERROR_GAIN);
                g.setColor(Color.YELLOW);
                g.drawString(String.format(Locale.ROOT, "SSIM %.3f", row.ssim().get(s)), x + 4, y + h - 6);
            }
        }
        g.dispose();
        return img;
    }

    /** Label lines, each cut to the width with an ellipsis. */
    private static void drawLabel(Graphics2D g, List<String> lines, int x, int y, int maxWidth) {
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i);
            while (s.length() > 1 && fm.stringWidth(s) > maxWidth) s = s.substring(0, s.length() - 2) + "…";
            g.drawString(s, x, y + i * (fm.getHeight() + 1));
        }
    }

    private static void paint(BufferedImage img, float[] a, float[] target, int x0, int y0, int h, int w, int zoom, float max, float gain) {
        for (int y = 0; y < h * zoom; y++) {
            for (int x = 0; x < w * zoom; x++) {
                int i = (y / zoom) * w + x / zoom;
                float v = target != null ? Math.abs(a[i] - target[i]) : a[i];
                int c = (int) Math.max(0, Math.min(255, 255f * gain * v / max));
                img.setRGB(x0 + x, y0 + y, (c << 16) | (c << 8) | c);
            }
        }
    }
}
