package org.robustmri.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.data.Distribution;
import org.robustmri.eval.Evaluator;
import org.robustmri.eval.LambdaTuning;
import org.robustmri.eval.RunEvaluation;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;
import org.robustmri.io.Manifest;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.model.ZeroFilled;
import org.robustmri.report.Report;
import org.robustmri.report.TunedBaselines;
import org.robustmri.train.TrainSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The models without weights, scored like a run's checkpoint on every test set: zero-filling always, and the
 * config's {@code baselines} (the compressed-sensing ones); each under {@code runs/NAME/eval} with a manifest, so a
 * resume keeps a finished one. A baseline with {@code tune_on: validation} gets its lambda chosen on the validation
 * volumes of each training set's distributions ({@link LambdaTuning}) and is scored once per training set, as
 * {@code NAME@SET}, with the choice in {@value TunedBaselines#FILE} beside its results.
 */
final class BaselinePhase {
    private BaselinePhase() {
    }

    /** The results file of every baseline, zero-filling first, under the first run's test masks. */
    static List<Path> run(StudyContext ctx, TrainSpec firstRun, Catalog test, Experiment.Listener l) {
        MaskFunction mask = MaskFunction.fromName(firstRun.mask().type(), firstRun.mask().accelerations(), firstRun.mask().centerFractions());
        List<Path> out = new ArrayList<>();
        out.add(evaluate(ctx, Report.ZERO_FILLED, Report.ZERO_FILLED, new ZeroFilled(), mask, test, l, Map.of(), null));
        Catalog validation = null;
        for (ExperimentConfig.Baseline b : ctx.config().baselineEntries()) {
            if (!b.tuned()) {
                out.add(evaluate(ctx, b.spec().name(), b.spec().name(), ModelRegistry.create(b.spec(), 0), mask, test, l, Map.of(), null));
                continue;
            }
            if (validation == null) validation = validationCatalog(ctx, b);
            Map<String, LambdaTuning.Result> byComponents = new HashMap<>();
            for (ExperimentConfig.TrainingSet set : ctx.config().trainingSets()) {
                String run = b.run(set.name());
                if (RunEvaluation.complete(ctx.runDir(run).resolve("eval"))) {
                    out.add(ctx.runDir(run).resolve("eval").resolve("results.csv"));
                    continue;
                }
                String components = String.join(",", new TreeSet<>(set.components()));
                LambdaTuning.Result tuned = byComponents.get(components);
                if (tuned == null) {
                    List<CatalogEntry> entries = validationVolumes(ctx, set, validation, b);
                    long slices = entries.stream().mapToLong(CatalogEntry::slices).sum() * b.lambdas().size();
                    List<Evaluator.TestVolume> volumes = entries.stream()
                            .map(e -> new Evaluator.TestVolume(e.resolve(ctx.dataRootPath()), e.startSlice(), e.endSlice())).toList();
                    l.phase("tune " + b.name() + " on " + set.name(), slices, "slices");
                    tuned = LambdaTuning.tune(b.spec(), b.lambdas(), volumes, mask, s -> l.step(""));
                    l.endPhase();
                    byComponents.put(components, tuned);
                }
                TunedBaselines.Tuning record = new TunedBaselines.Tuning(run, b.name(), set.name(), List.copyOf(set.components()), tuned.lambda(),
                        tuned.grid().stream().map(g -> new TunedBaselines.GridPoint(g.lambda(), g.ssim(), g.psnr())).toList(), tuned.volumes());
                out.add(evaluate(ctx, run, set.name(), ModelRegistry.create(tuned.chosen(), 0), mask, test, l,
                        Map.of("lambda", tuned.lambda(), "tuned_on", set.name()), record));
            }
        }
        return out;
    }

    private static Catalog validationCatalog(StudyContext ctx, ExperimentConfig.Baseline b) {
        List<String> catalogs = ctx.validationCatalogs();
        if (catalogs.isEmpty()) {
            throw new IllegalArgumentException("baseline " + b.spec().name() + " is tuned on validation, but the study has no validation volumes");
        }
        return StudyContext.readCatalogs(catalogs);
    }

    /** The validation volumes of a training set's distributions. */
    private static List<CatalogEntry> validationVolumes(StudyContext ctx, ExperimentConfig.TrainingSet set, Catalog validation,
                                                        ExperimentConfig.Baseline b) {
        Map<String, CatalogEntry> entries = new LinkedHashMap<>();
        for (String c : set.components()) {
            for (CatalogEntry e : Distribution.fromNode(ctx.filters(c), c).select(validation).entries()) entries.putIfAbsent(e.identity(), e);
        }
        if (entries.isEmpty()) {
            throw new DataException("baseline " + b.spec().name() + ": training set '" + set.name() + "' has no validation volumes to tune lambda on");
        }
        return List.copyOf(entries.values());
    }

    private static Path evaluate(StudyContext ctx, String run, String trainSet, ReconstructionModel model, MaskFunction mask, Catalog test,
                                 Experiment.Listener l, Map<String, Object> fields, TunedBaselines.Tuning tuning) {
        Path dir = ctx.runDir(run).resolve("eval");
        Path results = dir.resolve("results.csv");
        if (RunEvaluation.complete(dir)) return results;
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
        l.phase("evaluate baseline " + run, slices, "slices");
        try (Evaluator ev = new Evaluator(results, ctx.normalizeOutput())) {
            Evaluator.ModelKey key = new Evaluator.ModelKey(run, trainSet, "none", 0);
            for (Map.Entry<String, List<Evaluator.TestVolume>> e : vols.entrySet()) ev.evaluate(key, model, e.getKey(), e.getValue(), mask, s -> l.step(""));
            ev.finish();
        }
        List<Path> files = new ArrayList<>(List.of(results));
        if (tuning != null) {
            Path file = dir.resolve(TunedBaselines.FILE);
            AtomicFiles.writeString(file, TunedBaselines.toJson(tuning));
            files.add(file);
        }
        Map<String, Object> manifest = new LinkedHashMap<>(Map.of("run", run, "model", model.spec().toString()));
        manifest.putAll(fields);
        Manifest.of(dir, files, manifest).write(RunEvaluation.manifest(dir));
        l.endPhase();
        return results;
    }
}
