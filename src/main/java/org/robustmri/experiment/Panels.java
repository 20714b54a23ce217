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
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ZeroFilled;
import org.robustmri.metric.Ssim;
import org.robustmri.train.TrainRun;
import org.robustmri.train.RunDirectory;
import org.robustmri.train.TrainSpec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconstruction panels for the report: for the middle slices of each test set's first volume, a grid (PanelGrid) of
 * the target, the zero-filled input and every architecture's final model of every training set (first seed).
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
        Map<List<String>, ReconstructionModel> models = new LinkedHashMap<>();
        for (Experiment.RunPlan r : runs) {
            List<String> label = manyModels
                    ? List.of(r.set().name(), ModelRegistry.shorten(ModelRegistry.describe(TrainRun.modelSpec(r.spec()))))
                    : List.of(r.set().name());
            if (models.containsKey(label)) continue;
            RunDirectory rd = new RunDirectory(runDirOf(dir, r));
            List<Integer> epochs = rd.checkpointEpochs();
            if (epochs.isEmpty()) continue;
            models.put(label, Weights.loadModel(rd.checkpoint(epochs.get(epochs.size() - 1)), null));
        }
        MaskFunction mask = MaskFunction.fromName(maskSpec.type(), maskSpec.accelerations(), maskSpec.centerFractions());
        for (Map.Entry<String, JsonNode> t : tests.entrySet()) {
            List<CatalogEntry> sel = Distribution.fromNode(t.getValue(), t.getKey()).select(testCatalog).entries();
            if (sel.isEmpty()) continue;
            CatalogEntry e = sel.get(0);
            try (FastMriFile f = FastMriFile.open(e.resolve(dataRoot))) {
                BufferedImage grid = grid(t.getKey(), e, f, mask, models, slicesPerSet);
                AtomicFiles.write(dir.resolve(t.getKey() + ".png"), tmp -> ImageIO.write(grid, "png", tmp.toFile()));
            }
            onSet.run();
        }
    }

    /** The middle slices of one test volume, reconstructed by zero-filling and every model. */
    private static BufferedImage grid(String testSet, CatalogEntry e, FastMriFile f, MaskFunction mask,
                                      Map<List<String>, ReconstructionModel> models, int slicesPerSet) {
        float[] volume = f.readFloatVolume(f.requireTargetKey());
        float max = (float) f.targetMax();
        int mid = (e.startSlice() + e.endSlice()) / 2;
        List<Integer> slices = new ArrayList<>();
        for (int k = 0; k < slicesPerSet; k++) {
            int s = Math.min(e.endSlice() - 1, mid + k);
            if (!slices.contains(s)) slices.add(s);
        }
        Map<List<String>, ReconstructionModel> all = new LinkedHashMap<>();
        all.put(List.of("zero-filled"), new ZeroFilled());
        all.putAll(models);
        List<float[]> targets = new ArrayList<>();
        List<PanelGrid.Row> rows = new ArrayList<>();
        int h = 0, w = 0;
        for (Map.Entry<List<String>, ReconstructionModel> m : all.entrySet()) {
            List<float[]> images = new ArrayList<>();
            List<Double> ssim = new ArrayList<>();
            for (int s : slices) {
                Reconstructor.Reconstruction rec = Reconstructor.reconstruct(m.getValue(), f, mask, s, s + 1, null);
                h = rec.height();
                w = rec.width();
                if (targets.size() < slices.size()) targets.add(Arrays.copyOfRange(volume, s * h * w, (s + 1) * h * w));
                images.add(rec.data());
                ssim.add(Ssim.ssim(targets.get(images.size() - 1), rec.data(), h, w, max));
            }
            rows.add(new PanelGrid.Row(m.getKey(), images, ssim));
        }
        rows.add(0, new PanelGrid.Row(List.of("target"), targets, null));
        List<String> titles = slices.stream().map(s -> "slice " + s).toList();
        return PanelGrid.draw(testSet + ": " + e.filename(), titles, targets, rows, h, w, max);
    }

    private static Path runDirOf(Path panelsDir, Experiment.RunPlan r) {
        return panelsDir.getParent().resolve("runs").resolve(r.run());
    }
}
