package org.robustmri.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.data.Distribution;
import org.robustmri.data.Leakage;
import org.robustmri.data.Mixture;
import org.robustmri.io.DataException;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.report.Relations;
import org.robustmri.tensor.Torch;
import org.robustmri.train.StepTimer;
import org.robustmri.train.TrainRun;
import org.robustmri.train.TrainSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.robustmri.experiment.StudyContext.orDefault;

/**
 * The grid of a study (every model on every training set for every seed, each a training spec) and what it will cost:
 * per training set the slices per epoch and distinct slices, per test set its volumes, the in/out-of-distribution
 * relations, the data files found, and a time estimate from a short timing probe. Everything a dry run checks, with
 * the same code a real run uses.
 */
final class StudyPlan {
    private final StudyContext ctx;

    StudyPlan(StudyContext ctx) {
        this.ctx = ctx;
    }

    /** The training spec of one run: the recipe, the set's distributions and mixture settings, the seeds. */
    TrainSpec specFor(ExperimentConfig.TrainingSet set, ExperimentConfig.ModelEntry m, long modelSeed, long dataSeed) {
        ExperimentConfig cfg = ctx.config();
        ExperimentConfig.Recipe r = cfg.recipe() == null
                ? new ExperimentConfig.Recipe(null, null, null, null, null, null, null, null, null, null, null, null) : cfg.recipe();
        Map<String, JsonNode> train = new LinkedHashMap<>();
        ArrayNode validation = JsonNodeFactory.instance.arrayNode();
        for (String c : set.components()) {
            train.put(c, ctx.filters(c));
            ctx.filters(c).forEach(validation::add);
        }
        boolean withValidation = !ctx.validationCatalogs().isEmpty();
        List<String> catalogs = set.catalogs() == null ? ctx.trainCatalogs()
                : set.catalogs().stream().map(p -> ctx.resolveConfigPath(p).toString()).toList();
        boolean holdout = r.validationHoldout() != null;
        if (holdout) withValidation = false;
        return new TrainSpec(m.model(), null, null, m.params().isEmpty() ? null : m.params(), r.lr(), r.epochs(), r.batchSize(), r.loss(), r.gradClip(),
                modelSeed, dataSeed, r.threads(), r.mask(), catalogs, ctx.dataRoot(), train, set.weights(),
                set.dataFraction(), set.slicesPerEpoch(), withValidation ? validation : null,
                withValidation || holdout ? r.validationVolumes() : null, withValidation ? ctx.validationCatalogs() : null,
                set.sampling(), r.batching(), r.validationHoldout(), r.augment(), r.precision()).withDefaults();
    }

    /** Every run of the grid, in the order of the models list, then training sets, then seeds. */
    List<Experiment.RunPlan> runs() {
        ExperimentConfig cfg = ctx.config();
        List<Long> ms = cfg.seeds() == null || cfg.seeds().model() == null ? List.of(0L) : cfg.seeds().model();
        List<Long> ds = cfg.seeds() == null || cfg.seeds().data() == null ? List.of(0L) : cfg.seeds().data();
        List<Experiment.RunPlan> out = new ArrayList<>();
        for (ExperimentConfig.ModelEntry m : cfg.models()) {
            for (ExperimentConfig.TrainingSet t : cfg.trainingSets()) {
                if (m.trainingSets() != null && !m.trainingSets().contains(t.name())) continue;
                for (long a : m.modelSeeds() != null ? m.modelSeeds() : ms) {
                    for (long b : ds) {
                        String name = t.name() + "__" + m.label() + "__m" + a + "d" + b;
                        out.add(new Experiment.RunPlan(name, t, m, a, b, specFor(t, m, a, b)));
                    }
                }
            }
        }
        return out;
    }

    /** Validates everything against the data (when it exists) and estimates the time with a short timing probe. */
    Experiment.Plan plan(boolean probe) {
        ExperimentConfig cfg = ctx.config();
        for (String t : cfg.testSets()) ctx.filters(t);
        for (ExperimentConfig.TrainingSet t : cfg.trainingSets()) for (String c : t.components()) ctx.filters(c);
        if (ctx.simulated()) ctx.library().resolve(cfg.simulate().distributions());
        // a boxes file that cannot be read fails now, not after the training
        if (ctx.simulated() && cfg.pathologyBoxes() != null && !cfg.pathologyBoxes().equals("simulated")) {
            throw new IllegalArgumentException("pathology_boxes: a simulated study scores the boxes the simulator writes: use 'simulated'");
        }
        if (cfg.pathologyBoxes() != null && !ctx.simulated()) ctx.pathologyBoxes();
        boolean ready = !ctx.simulated() || Files.exists(ctx.dataDir().resolve(".complete"));
        List<Experiment.RunPlan> runs = runs();
        for (Experiment.RunPlan r : runs) {
            r.spec().validate(); // ranges, model, mask, loss: the same checks a run makes
            TrainSpec.Mask m = r.spec().mask();
            ModelRegistry.checkTrainable(TrainRun.modelSpec(r.spec()), MaskFunction.fromName(m.type(), m.accelerations(), m.centerFractions()));
        }
        return ready ? fromData(runs, probe) : fromSimulateBlock(runs, probe);
    }

    /** The plan of a study whose data exist: every number from the catalogs. */
    private Experiment.Plan fromData(List<Experiment.RunPlan> runs, boolean probe) {
        Map<String, Long> perEpoch = new LinkedHashMap<>();
        Map<String, Integer> testVolumes = new LinkedHashMap<>();
        Map<String, Map<String, long[]>> components = new LinkedHashMap<>();
        Map<String, Long> distinctSlices = new LinkedHashMap<>();
        Map<String, Integer> validationVolumes = new LinkedHashMap<>();
        long steps = 0, evalSlices = 0;
        int epochs = runs.get(0).spec().epochs();
        StepTimer.Shape shape = null;
        Map<String, List<CatalogEntry>> trainEntries = new LinkedHashMap<>();
        Set<CatalogEntry> seen = new LinkedHashSet<>();
        for (Experiment.RunPlan r : runs) {
            TrainRun.Split split = TrainRun.split(r.spec());
            Mixture mixture = split.mixture();
            long slices = 0;
            for (int n : mixture.plan(1).sliceCounts().values()) slices += n;
            perEpoch.put(r.set().name(), slices);
            Map<String, long[]> comp = new LinkedHashMap<>();
            for (Mixture.Component c : mixture.components()) comp.put(c.name(), new long[]{c.entries().size(), c.slices()});
            components.put(r.set().name(), comp);
            long distinct = 0;
            for (long d : mixture.distinctSlices().values()) distinct += d;
            distinctSlices.put(r.set().name(), distinct);
            validationVolumes.put(r.set().name(), split.heldOut().size());
            steps += (long) Math.ceil(slices / (double) r.spec().batchSize()) * r.spec().epochs();
            trainEntries.put(r.run(), mixture.entries());
            seen.addAll(mixture.entries());
            for (CatalogEntry e : mixture.entries()) {
                if (shape != null) break;
                shape = shapeOf(e);
            }
        }
        Catalog test = ctx.testCatalog();
        Map<String, JsonNode> tests = ctx.tests();
        for (Map.Entry<String, JsonNode> t : tests.entrySet()) {
            List<CatalogEntry> sel = ctx.testVolumes(t, test);
            if (sel.isEmpty()) throw new DataException("test set '" + t.getKey() + "' selects no volumes from " + ctx.testCatalogs());
            for (List<CatalogEntry> tr : trainEntries.values()) Leakage.check(tr, sel);
            testVolumes.put(t.getKey(), sel.size());
            seen.addAll(sel);
            long sl = 0;
            for (CatalogEntry e : sel) sl += e.slices();
            evalSlices += sl * epochs * runs.size() + sl;
            for (CatalogEntry e : sel) {
                if (shape != null) break;
                shape = shapeOf(e);
            }
        }
        int missing = 0, checked = 0;
        Path root = ctx.dataRootPath();
        for (CatalogEntry e : seen) {
            checked++;
            if (e.locate(root).isEmpty()) missing++;
        }
        double sps = probe && shape != null ? probeSecondsPerStep(runs.get(0).spec(), shape) : Double.NaN;
        // a forward pass costs about a third of a training step
        double est = sps * steps + sps / 3 * evalSlices;
        return new Experiment.Plan(runs, perEpoch, testVolumes, steps, evalSlices, sps, est, true, checked, missing, components, distinctSlices,
                validationVolumes, relations(test, tests));
    }

    /** The plan of a simulated study before its data exist: sizes from the simulate block. */
    private Experiment.Plan fromSimulateBlock(List<Experiment.RunPlan> runs, boolean probe) {
        ExperimentConfig.Simulate s = ctx.config().simulate();
        Map<String, Long> perEpoch = new LinkedHashMap<>();
        Map<String, Integer> testVolumes = new LinkedHashMap<>();
        int epochs = runs.get(0).spec().epochs();
        int m = orDefault(s.matrix(), 64);
        int coils = ctx.library().resolve(s.distributions()).get(0).coils();
        StepTimer.Shape shape = new StepTimer.Shape(coils, 2 * m, m, m, m); // the simulator oversamples the readout 2x
        int perDist = orDefault(s.trainVolumes(), 6) * orDefault(s.slices(), 8);
        long steps = 0;
        for (Experiment.RunPlan r : runs) {
            long slices = r.set().slicesPerEpoch() != null ? r.set().slicesPerEpoch() : (long) perDist * r.set().components().size();
            perEpoch.put(r.set().name(), slices);
            steps += (long) Math.ceil(slices / (double) r.spec().batchSize()) * r.spec().epochs();
        }
        long testSlices = (long) orDefault(s.testVolumes(), 2) * orDefault(s.slices(), 8);
        for (String t : ctx.config().testSets()) testVolumes.put(t, orDefault(s.testVolumes(), 2));
        long evalSlices = testSlices * ctx.config().testSets().size() * ((long) epochs * runs.size() + 1);
        double sps = probe ? probeSecondsPerStep(runs.get(0).spec(), shape) : Double.NaN;
        // a forward pass costs about a third of a training step; simulation about 0.1 s per slice
        double est = sps * steps + sps / 3 * evalSlices
                + 0.1 * s.distributions().size() * orDefault(s.slices(), 8)
                * (orDefault(s.trainVolumes(), 6) + orDefault(s.validationVolumes(), 1) + orDefault(s.testVolumes(), 2));
        return new Experiment.Plan(runs, perEpoch, testVolumes, steps, evalSlices, sps, est, false, 0, 0, new LinkedHashMap<>(),
                new LinkedHashMap<>(), new LinkedHashMap<>(), null);
    }

    /**
     * For every training set and test set, the fraction of the test set's volumes that the training set's own filters
     * select (applied to the test catalog): in- vs out-of-distribution by data.
     */
    Relations relations(Catalog test, Map<String, JsonNode> tests) {
        Map<String, Map<String, Double>> f = new LinkedHashMap<>();
        for (ExperimentConfig.TrainingSet ts : ctx.config().trainingSets()) {
            Set<CatalogEntry> covered = new HashSet<>();
            for (String c : ts.components()) covered.addAll(Distribution.fromNode(ctx.filters(c), c).select(test).entries());
            Map<String, Double> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> t : tests.entrySet()) {
                List<CatalogEntry> sel = ctx.testVolumes(t, test);
                long in = sel.stream().filter(covered::contains).count();
                m.put(t.getKey(), sel.isEmpty() ? 0.0 : (double) in / sel.size());
            }
            f.put(ts.name(), m);
        }
        return Relations.ofFractions(f);
    }

    /** The k-space and reconstruction size of a catalogued volume, for the timing probe. */
    private static StepTimer.Shape shapeOf(CatalogEntry e) {
        for (String c : List.of(Catalog.RECEIVER_CHANNELS, Catalog.ENCODE_X, Catalog.ENCODE_Y, Catalog.RECON_X, Catalog.RECON_Y)) {
            if (!e.hasColumn(c) || e.get(c).isBlank()) return null; // e.g. a test CSV of boxes: another row will say
        }
        int coils = (int) Double.parseDouble(e.get(Catalog.RECEIVER_CHANNELS));
        int kx = (int) Double.parseDouble(e.get(Catalog.ENCODE_X)), ky = (int) Double.parseDouble(e.get(Catalog.ENCODE_Y));
        int rx = (int) Double.parseDouble(e.get(Catalog.RECON_X)), ry = (int) Double.parseDouble(e.get(Catalog.RECON_Y));
        return new StepTimer.Shape(Math.max(1, coils), kx, ky, Math.min(rx, kx), Math.min(ry, ky));
    }

    /** Seconds per training step of a run's model on data of {@code shape}, measured over a few steps. */
    static double probeSecondsPerStep(TrainSpec spec, StepTimer.Shape shape) {
        Torch.init();
        if (spec.threads() > 0) Torch.setThreads(spec.threads());
        ModelSpec ms = TrainRun.modelSpec(spec);
        ReconstructionModel m = ModelRegistry.create(ms, 0);
        double bestMs = StepTimer.millis(m, shape, 1, 1, 3).get(0);
        return bestMs / 1e3 * spec.batchSize();
    }
}
