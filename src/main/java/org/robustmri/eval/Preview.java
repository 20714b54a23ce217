package org.robustmri.eval;

import org.bytedeco.javacpp.PointerScope;
import org.robustmri.data.MaskPolicy;
import org.robustmri.data.VolumeInfo;
import org.robustmri.data.ZeroFilledImageTransform;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.FastMriFile;
import org.robustmri.mask.MaskFunction;
import org.robustmri.tensor.Tensors;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A PNG contact sheet of simulated data: one column per file, the middle slice of its target on top and the
 * zero-filled reconstruction with fastMRI's equispaced 4x mask (centre fraction 0.08, seeded from the file
 * name, read back through {@link ZeroFilledImageTransform}) below, both on the target's grey scale, the distribution name
 * under each column.
 */
public final class Preview {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private static final int MIN_PANEL = 256;
    private static final int CAPTION = 24;

    private Preview() {
    }

    /** One column: a name and two images of {@code size x size} pixels, row-major. */
    public record Column(String name, int size, float[] top, float[] bottom) {
    }

    /** The mask used for the bottom row. */
    public static MaskFunction previewMask() {
        return MaskFunction.fromName("equispaced", List.of(4.0), List.of(0.08));
    }

    /** Reads the middle slice of each file (target and 4x zero-filled) and writes the sheet to {@code png}. */
    public static void write(Path png, List<Path> files) {
        if (files.isEmpty()) throw new IllegalArgumentException("no files to preview");
        List<Column> columns = new ArrayList<>();
        MaskFunction mask = previewMask();
        for (Path p : files) {
            try (FastMriFile f = FastMriFile.open(p)) {
                int slice = f.kspace().slices() / 2;
                int[] crop = VolumeInfo.cropSize(f);
                if (crop[0] != crop[1]) throw new IllegalArgumentException(p + ": preview needs square targets");
                float[] target = f.readFloatSlice(FastMriFile.TARGET_RSS, slice);
                float[] zf;
                try (PointerScope scope = new PointerScope()) {
                    zf = Tensors.toFloats(ZeroFilledImageTransform.zeroFilled(f, slice,
                            MultiCoilMri.of(MaskPolicy.forFile(f, mask).withoutPadding()), crop[0], crop[1]));
                }
                String name = f.stringAttribute("dataset_name").orElse(f.fileName());
                columns.add(new Column(name, crop[0], target, zf));
            }
        }
        write(png, render(columns));
    }

    /** Writes an image as PNG atomically. */
    public static void write(Path png, BufferedImage image) {
        AtomicFiles.write(png, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) throw new IOException("no PNG writer available");
        });
    }

    /** Lays the columns out side by side. */
    public static BufferedImage render(List<Column> columns) {
        int panel = 0;
        for (Column c : columns) panel = Math.max(panel, c.size());
        int zoom = Math.max(1, (MIN_PANEL + panel - 1) / panel);
        int side = panel * zoom;
        BufferedImage img = new BufferedImage(side * columns.size(), 2 * side + CAPTION, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int k = 0; k < columns.size(); k++) {
            Column c = columns.get(k);
            double scale = percentile(c.top(), 0.995);
            int z = side / c.size();
            int x0 = k * side;
            drawGrey(img, c.top(), c.size(), z, scale, x0, 0);
            drawGrey(img, c.bottom(), c.size(), z, scale, x0, side);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x0, 0, x0, 2 * side + CAPTION);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(Color.YELLOW);
            g.drawString("target", x0 + 4, 13);
            g.drawString("zero-filled 4x", x0 + 4, side + 13);
            int size = 13;
            Font font;
            FontMetrics fm;
            do {
                font = new Font(Font.SANS_SERIF, Font.BOLD, size--);
                fm = g.getFontMetrics(font);
            } while (fm.stringWidth(c.name()) > side - 6 && size > 6);
            g.setFont(font);
            g.setColor(Color.WHITE);
            g.drawString(c.name(), x0 + (side - fm.stringWidth(c.name())) / 2, 2 * side + (CAPTION + fm.getAscent()) / 2 - 2);
        }
        g.dispose();
        return img;
    }

    private static void drawGrey(BufferedImage img, float[] pixels, int size, int zoom, double scale, int x0, int y0) {
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double v = scale > 0 ? pixels[i * size + j] / scale : 0;
                int grey = (int) Math.round(255 * Math.max(0, Math.min(1, v)));
                int rgb = (grey << 16) | (grey << 8) | grey;
                for (int a = 0; a < zoom; a++) {
                    for (int b = 0; b < zoom; b++) img.setRGB(x0 + j * zoom + b, y0 + i * zoom + a, rgb);
                }
            }
        }
    }

    public static double percentile(float[] values, double q) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }
}
