package org.robustmri.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.data.Distribution;
import org.robustmri.data.Leakage;
import org.robustmri.io.DataException;
import org.robustmri.io.Manifest;
import org.robustmri.io.Provenance;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.model.Weights;
import org.robustmri.train.RunDirectory;
import org.robustmri.train.TrainRun;
import org.robustmri.train.TrainSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Scores chosen checkpoints of a training run on named test distributions: writes {@code results.csv} (long
 * form), {@code summary.csv} (mean and 95 % volume-bootstrap interval per cell) and {@code provenance.json}.
 */
public final class RunEvaluation {
    private RunEvaluation() {
    }

    /** Which checkpoints to score. */
    public enum Which { ALL, LAST, BEST }

    /** A named test distribution resolved to volumes. */
    public record TestSet(String name, List<CatalogEntry> entries, List<Evaluator.TestVolume> volumes) {
    }

    /** Epochs of the chosen checkpoints; BEST is the highest validation SSIM in the training log. */
    public static List<Integer> checkpoints(RunDirectory run, Which which) {
        List<Integer> all = run.checkpointEpochs();
        if (all.isEmpty()) throw new DataException(run.checkpoints(), "no checkpoints");
        return switch (which) {
            case ALL -> all;
            case LAST -> List.of(all.get(all.size() - 1));
            case BEST -> List.of(bestEpoch(run, all));
        };
    }

    static int bestEpoch(RunDirectory run, List<Integer> available) {
        int best = -1;
        double bestVal = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Integer, Double> e : run.validationByEpoch().entrySet()) {
            if (e.getValue() > bestVal && available.contains(e.getKey())) {
                bestVal = e.getValue();
                best = e.getKey();
            }
        }
        if (best < 0) throw new DataException(run.log(), "no validation SSIM logged: 'best' needs a validation set");
        return best;
    }

    /** Resolves test distributions against the run's catalogs and refuses train/test overlap. */
    public static List<TestSet> testSets(TrainSpec spec, Map<String, JsonNode> tests, List<String> catalogOverride, Path dataRoot) {
        List<String> cats = catalogOverride == null || catalogOverride.isEmpty() ? spec.catalogs() : catalogOverride;
        List<Catalog> list = new ArrayList<>();
        for (String c : cats) list.add(Catalog.read(Path.of(c)));
        Catalog catalog = list.size() == 1 ? list.get(0) : Catalog.concat(list, String.join("+", cats));
        List<CatalogEntry> train = TrainRun.prepare(spec).trainEntries();
        Path root = dataRoot != null ? dataRoot : spec.dataRoot() == null ? null : Path.of(spec.dataRoot());
        List<TestSet> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> t : tests.entrySet()) {
            List<CatalogEntry> entries = Distribution.fromNode(t.getValue(), t.getKey()).select(catalog).entries();
            if (entries.isEmpty()) throw new DataException("test distribution '" + t.getKey() + "' selects no volumes");
            Leakage.check(train, entries);
            List<Evaluator.TestVolume> vols = new ArrayList<>();
            for (CatalogEntry e : entries) vols.add(new Evaluator.TestVolume(e.resolve(root), e.startSlice(), e.endSlice()));
            out.add(new TestSet(t.getKey(), entries, vols));
        }
        return out;
    }

    /** The commit record of an evaluation directory, written after its results, summary and provenance. */
    public static Path manifest(Path outDir) {
        return outDir.resolve("manifest.json");
    }

    /** True when {@code outDir} holds a complete evaluation: its manifest exists and every file matches it. */
    public static boolean complete(Path outDir) {
        return Manifest.read(manifest(outDir)).map(m -> m.verify(outDir)).orElse(false);
    }

    /** Evaluates the run; returns the summary rows. The evaluation is committed by {@link #manifest}. */
    public static List<Evaluator.SummaryRow> run(Path runDir, Which which, List<TestSet> tests, MaskFunction mask,
                                                 boolean normalizeOutput, Path outDir, String trainSetName, IntConsumer onSlice) {
        return run(runDir, which, tests, mask, normalizeOutput, outDir, trainSetName, null, onSlice);
    }

    /** As above, also scoring pathology {@code boxes} (may be null) as {@code ssim_box} rows. */
    public static List<Evaluator.SummaryRow> run(Path runDir, Which which, List<TestSet> tests, MaskFunction mask,
                                                 boolean normalizeOutput, Path outDir, String trainSetName,
                                                 org.robustmri.data.PathologyBoxes boxes, IntConsumer onSlice) {
        org.robustmri.io.OutputDirectory.claim(outDir, org.robustmri.io.OutputDirectory.Kind.EVALUATION);
        try (org.robustmri.io.DirectoryLock lock = org.robustmri.io.DirectoryLock.acquire(outDir)) {
            return runLocked(runDir, which, tests, mask, normalizeOutput, outDir, trainSetName, boxes, onSlice);
        }
    }

    private static List<Evaluator.SummaryRow> runLocked(Path runDir, Which which, List<TestSet> tests, MaskFunction mask,
                                                        boolean normalizeOutput, Path outDir, String trainSetName,
                                                        org.robustmri.data.PathologyBoxes boxes, IntConsumer onSlice) {
        RunDirectory run = new RunDirectory(runDir);
        List<Integer> epochs = checkpoints(run, which);
        try {
            Files.deleteIfExists(manifest(outDir)); // a stale record must never vouch for new, partial files
        } catch (IOException e) {
            throw new DataException(manifest(outDir), "cannot delete: " + e.getMessage(), e);
        }
        List<Evaluator.SummaryRow> summary;
        try (Evaluator ev = new Evaluator(outDir.resolve("results.csv"), normalizeOutput).withBoxes(boxes)) {
            for (int epoch : epochs) {
                Path ckpt = run.checkpoint(epoch);
                ReconstructionModel model = Weights.loadModel(ckpt, null);
                Evaluator.ModelKey key = new Evaluator.ModelKey(runDir.getFileName().toString(), trainSetName,
                        ckpt.getFileName().toString(), epoch);
                for (TestSet t : tests) ev.evaluate(key, model, t.name(), t.volumes(), mask, onSlice);
            }
            summary = ev.summary();
            ev.finish();
        }
        Evaluator.writeSummary(outDir.resolve("summary.csv"), summary);
        Map<String, Object> testInfo = new LinkedHashMap<>();
        for (TestSet t : tests) testInfo.put(t.name(), Map.of("volumes", t.volumes().size()));
        new Provenance("evaluate")
                .put("run", runDir.getFileName().toString())
                .put("checkpoints", epochs)
                .put("tests", testInfo)
                .put("mask", mask.spec() + " test-time, seeded from each file name")
                .put("output_normalization", normalizeOutput ? "each output slice rescaled to its target's mean and std" : "none")
                .put("summary_interval", "95% percentile bootstrap over volumes, 2000 resamples")
                .put("pathology_boxes", boxes == null ? "none" : boxes.source() + " (" + boxes.boxes().size() + " boxes; " + org.robustmri.metric.BoxSsim.SPEC + ")")
                .write(outDir.resolve("provenance.json"));
        Manifest.of(outDir, List.of(outDir.resolve("results.csv"), outDir.resolve("summary.csv"), outDir.resolve("provenance.json")),
                Map.of("run", runDir.getFileName().toString(), "checkpoints", epochs)).write(manifest(outDir));
        return summary;
    }
}
