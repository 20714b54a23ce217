package org.robustmri.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.eval.Evaluator;
import org.robustmri.eval.RunEvaluation;
import org.robustmri.io.Manifest;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.model.ZeroFilled;
import org.robustmri.report.Report;
import org.robustmri.train.TrainSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models without weights, scored like a run's checkpoint on every test set: zero-filling always, and the
 * config's {@code baselines} (the compressed-sensing ones); each under {@code runs/NAME/eval} with a manifest, so a
 * resume keeps a finished one.
 */
final class BaselinePhase {
    private BaselinePhase() {
    }

    /** The results file of every baseline, zero-filling first, under the first run's test masks. */
    static List<Path> run(StudyContext ctx, TrainSpec firstRun, Catalog test, Experiment.Listener l) {
        List<Path> out = new ArrayList<>();
        out.add(evaluate(ctx, Report.ZERO_FILLED, new ZeroFilled(), firstRun, test, l));
        for (ModelSpec b : ctx.config().baselineSpecs()) out.add(evaluate(ctx, b.name(), ModelRegistry.create(b, 0), firstRun, test, l));
        return out;
    }

    private static Path evaluate(StudyContext ctx, String name, ReconstructionModel model, TrainSpec spec, Catalog test, Experiment.Listener l) {
        Path dir = ctx.runDir(name).resolve("eval");
        Path results = dir.resolve("results.csv");
        if (RunEvaluation.complete(dir)) return results;
        MaskFunction mask = MaskFunction.fromName(spec.mask().type(), spec.mask().accelerations(), spec.mask().centerFractions());
        Path root = ctx.dataRootPath();
        Map<String, List<Evaluator.TestVolume>> vols = new LinkedHashMap<>();
        long slices = 0;
        for (Map.Entry<String, JsonNode> t : ctx.tests().entrySet()) {
            List<Evaluator.TestVolume> v = new ArrayList<>();
            for (CatalogEntry e : ctx.testVolumes(t, test)) {
                v.add(new Evaluator.TestVolume(e.resolve(root), e.startSlice(), e.endSlice()));
                slices += e.slices();
            }
            vols.put(t.getKey(), v);
        }
        l.phase("evaluate baseline " + name, slices, "slices");
        try (Evaluator ev = new Evaluator(results, ctx.normalizeOutput())) {
            Evaluator.ModelKey key = new Evaluator.ModelKey(name, name, "none", 0);
            for (Map.Entry<String, List<Evaluator.TestVolume>> e : vols.entrySet()) ev.evaluate(key, model, e.getKey(), e.getValue(), mask, s -> l.step(""));
            ev.finish();
        }
        Manifest.of(dir, List.of(results), Map.of("run", name, "model", model.spec().toString())).write(RunEvaluation.manifest(dir));
        l.endPhase();
        return results;
    }
}
