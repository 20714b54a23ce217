package org.robustmri.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.data.Distribution;
import org.robustmri.eval.Reconstructor;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.FastMriFile;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.model.Weights;
import org.robustmri.model.ZeroFilled;
import org.robustmri.train.RunDirectory;
import org.robustmri.train.TrainSpec;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconstruction panels for the report: for a slice of each test set, the target, the zero-filled input and every
 * architecture's final model of every training set (first seed), with absolute error maps (x4) underneath.
 */
final class Panels {
    private static final int LABEL = 16;

    private Panels() {
    }

    static void draw(Path dir, List<Experiment.RunPlan> runs, Map<String, JsonNode> tests, Catalog testCatalog, Path dataRoot,
                     TrainSpec.Mask maskSpec, int slicesPerSet, Runnable onSet) {
        System.setProperty("java.awt.headless", "true");
        // every architecture's final model of every training set (first seed), on the same slices
        boolean manyModels = runs.stream().map(r -> r.model().label()).distinct().count() > 1;
        Map<String, ReconstructionModel> models = new LinkedHashMap<>();
        for (Experiment.RunPlan r : runs) {
            String name = manyModels ? r.model().label() + " " + r.set().name() : r.set().name();
            if (models.containsKey(name)) continue;
            RunDirectory rd = new RunDirectory(runDirOf(dir, r));
            List<Integer> epochs = rd.checkpointEpochs();
            if (epochs.isEmpty()) continue;
            models.put(name, Weights.loadModel(rd.checkpoint(epochs.get(epochs.size() - 1)), null));
        }
        MaskFunction mask = MaskFunction.fromName(maskSpec.type(), maskSpec.accelerations(), maskSpec.centerFractions());
        ReconstructionModel zeroFilled = new ZeroFilled();
        for (Map.Entry<String, JsonNode> t : tests.entrySet()) {
            List<CatalogEntry> sel = Distribution.fromNode(t.getValue(), t.getKey()).select(testCatalog).entries();
            if (sel.isEmpty()) continue;
            CatalogEntry e = sel.get(0);
            try (FastMriFile f = FastMriFile.open(e.resolve(dataRoot))) {
                float[] fullTarget = f.readFloatVolume(f.requireTargetKey());
                float max = (float) f.targetMax();
                List<BufferedImage> rows = new ArrayList<>();
                int mid = (e.startSlice() + e.endSlice()) / 2;
                for (int k = 0; k < slicesPerSet; k++) {
                    int s = Math.min(e.endSlice() - 1, mid + k);
                    Reconstructor.Reconstruction zf = Reconstructor.reconstruct(zeroFilled, f, mask, s, s + 1, null);
                    int h = zf.height(), w = zf.width();
                    float[] target = java.util.Arrays.copyOfRange(fullTarget, s * h * w, (s + 1) * h * w);
                    List<String> names = new ArrayList<>(List.of("target", "zero-filled"));
                    List<float[]> images = new ArrayList<>(List.of(target, zf.data()));
                    for (Map.Entry<String, ReconstructionModel> m : models.entrySet()) {
                        images.add(Reconstructor.reconstruct(m.getValue(), f, mask, s, s + 1, null).data());
                        names.add(m.getKey());
                    }
                    rows.add(grid(names, images, target, h, w, max, e.filename() + " slice " + s));
                }
                BufferedImage all = stack(rows);
                AtomicFiles.write(dir.resolve(t.getKey() + ".png"), tmp -> ImageIO.write(all, "png", tmp.toFile()));
            }
            onSet.run();
        }
    }

    private static Path runDirOf(Path panelsDir, Experiment.RunPlan r) {
        return panelsDir.getParent().resolve("runs").resolve(r.run());
    }

    /** Two rows: images (window [0, volume max]) and |image - target| x 4 (the target's cell left blank). */
    static BufferedImage grid(List<String> names, List<float[]> images, float[] target, int h0, int w0, float max, String title) {
        int n = images.size();
        int zoom = Math.max(1, (int) Math.ceil(150.0 / w0)); // small simulated matrices are enlarged (nearest neighbour)
        int h = h0 * zoom, w = w0 * zoom;
        BufferedImage img = new BufferedImage(n * w, 2 * (h + LABEL) + LABEL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.WHITE);
        g.drawString(title, 3, 12);
        for (int i = 0; i < n; i++) {
            float[] a = images.get(i);
            paint(img, a, i * w, LABEL + LABEL, h0, w0, zoom, max, 1f, false, null);
            g.setColor(Color.YELLOW);
            g.setClip(i * w, 0, w - 2, img.getHeight());
            g.drawString(names.get(i), i * w + 3, LABEL + 12);
            g.setClip(null);
            if (i > 0) {
                paint(img, a, i * w, 2 * LABEL + h + LABEL, h0, w0, zoom, max, 4f, true, target);
                g.setColor(Color.ORANGE);
                g.drawString("|error| x4", i * w + 3, 2 * LABEL + h + 12);
            }
        }
        g.dispose();
        return img;
    }

    private static void paint(BufferedImage img, float[] a, int x0, int y0, int h, int w, int zoom, float max, float gain,
                              boolean error, float[] target) {
        for (int y = 0; y < h * zoom; y++) {
            for (int x = 0; x < w * zoom; x++) {
                int i = (y / zoom) * w + x / zoom;
                float v = error ? Math.abs(a[i] - target[i]) : a[i];
                int c = (int) Math.max(0, Math.min(255, 255f * gain * v / max));
                img.setRGB(x0 + x, y0 + y, (c << 16) | (c << 8) | c);
            }
        }
    }

    private static BufferedImage stack(List<BufferedImage> rows) {
        int w = rows.get(0).getWidth(), h = 0;
        for (BufferedImage r : rows) h += r.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        int y = 0;
        for (BufferedImage r : rows) {
            g.drawImage(r, 0, y, null);
            y += r.getHeight();
        }
        g.dispose();
        return out;
    }
}
