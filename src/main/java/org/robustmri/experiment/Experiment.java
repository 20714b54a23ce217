package org.robustmri.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.data.CatalogScanner;
import org.robustmri.data.Distribution;
import org.robustmri.data.Leakage;
import org.robustmri.eval.Evaluator;
import org.robustmri.eval.RunEvaluation;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;
import org.robustmri.io.Provenance;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.model.ZeroFilled;
import org.robustmri.report.Report;
import org.robustmri.report.RunInfo;
import org.robustmri.sim.DistributionLibrary;
import org.robustmri.sim.SimulationRun;
import org.robustmri.tensor.Torch;
import org.robustmri.train.RunDirectory;
import org.robustmri.train.StepTimer;
import org.robustmri.train.TrainListener;
import org.robustmri.train.TrainRun;
import org.robustmri.train.TrainSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a robustness study: (simulates the data,) trains every model on every training set for every seed,
 * evaluates every epoch's checkpoint on every test set, adds the zero-filled baseline, merges everything into
 * one long-form {@code results.csv} with a {@code runs.csv}, draws reconstruction panels and builds the report.
 * Finished runs and evaluations are skipped and interrupted runs resume, so running it again continues.
 */
public final class Experiment {
    /** Progress of the phases, for a CLI to draw. */
    public interface Listener {
        default void phase(String name, long total, String unit) {
        }

        default void step(String detail) {
        }

        default void endPhase() {
        }

        default void message(String text) {
        }
    }

    /** One training run of the grid. */
    public record RunPlan(String run, ExperimentConfig.TrainingSet set, ExperimentConfig.ModelEntry model,
                          long modelSeed, long dataSeed, TrainSpec spec) {
    }

    /** The grid and what it will cost. */
    public record Plan(List<RunPlan> runs, Map<String, Long> slicesPerEpoch, Map<String, Integer> testVolumes,
                       long trainSteps, long evalSlices, double secondsPerStep, double estimatedSeconds, boolean dataReady,
                       int filesChecked, int filesMissing, Map<String, Map<String, long[]>> components,
                       Map<String, Long> distinctSlices, Map<String, Integer> validationVolumes,
                       org.robustmri.report.Relations relations) {
    }

    private final ExperimentConfig cfg;
    private final Path configDir;
    private final Path out;
    private final Path dataRootOverride;

    public Experiment(ExperimentConfig cfg, Path configDir, Path out, Path dataRootOverride) {
        this.cfg = validate(cfg);
        this.configDir = configDir;
        this.out = out.toAbsolutePath().normalize();
        this.dataRootOverride = dataRootOverride;
    }

    private static ExperimentConfig validate(ExperimentConfig c) {
        if (c.name() == null || c.name().isBlank()) throw new IllegalArgumentException("experiment needs a name");
        if (c.trainingSets() == null || c.trainingSets().isEmpty()) throw new IllegalArgumentException("experiment needs training_sets");
        if (c.testSets() == null || c.testSets().isEmpty()) throw new IllegalArgumentException("experiment needs test_sets");
        if (c.models() == null || c.models().isEmpty()) throw new IllegalArgumentException("experiment needs models");
        if (c.simulate() == null && (c.data() == null || c.data().trainCatalogs() == null || c.data().testCatalogs() == null)) {
            throw new IllegalArgumentException("experiment needs simulate: or data: {train_catalogs, test_catalogs}");
        }
        if (c.analyses() != null) {
            for (String a : c.analyses()) {
                if (!ExperimentConfig.ALL_ANALYSES.contains(a)) {
                    throw new IllegalArgumentException("unknown analysis '" + a + "'; known: " + ExperimentConfig.ALL_ANALYSES);
                }
            }
        }
        Set<String> names = new LinkedHashSet<>();
        for (ExperimentConfig.TrainingSet t : c.trainingSets()) {
            if (t.name() == null || t.components() == null || t.components().isEmpty()) {
                throw new IllegalArgumentException("every training set needs a name and components");
            }
            if (!names.add(t.name())) throw new IllegalArgumentException("duplicate training set '" + t.name() + "'");
            if (t.name().contains(",") || t.name().contains("__")) throw new IllegalArgumentException("training set names may not contain ',' or '__': " + t.name());
        }
        for (ExperimentConfig.ModelEntry m : c.models()) {
            if (ModelRegistry.parameterCount(m.spec()) == 0) {
                throw new IllegalArgumentException("model " + m.model() + " has no weights to train: list it under baselines");
            }
            if (m.trainingSets() != null) {
                if (m.trainingSets().isEmpty()) throw new IllegalArgumentException("model " + m.model() + ": training_sets is empty");
                for (String n : m.trainingSets()) {
                    if (!names.contains(n)) {
                        throw new IllegalArgumentException("model " + m.model() + ": training set '" + n + "' is not defined; defined: " + names);
                    }
                }
            }
            if (m.modelSeeds() != null && m.modelSeeds().isEmpty()) throw new IllegalArgumentException("model " + m.model() + ": model_seeds is empty");
        }
        Set<String> baselineNames = new LinkedHashSet<>(List.of(Report.ZERO_FILLED));
        for (org.robustmri.model.ModelSpec b : c.baselineSpecs()) {
            if (ModelRegistry.parameterCount(b) != 0) {
                throw new IllegalArgumentException("baseline " + b.name() + " has weights to train: list it under models");
            }
            if (!baselineNames.add(b.name())) throw new IllegalArgumentException("baseline " + b.name() + " is listed twice");
        }
        if (c.simulate() != null) {
            ExperimentConfig.Simulate sim = c.simulate();
            if (sim.distributions() == null || sim.distributions().isEmpty()) throw new IllegalArgumentException("simulate needs distributions");
            positive("simulate.train_volumes", sim.trainVolumes(), 1);
            positive("simulate.validation_volumes", sim.validationVolumes(), 0);
            positive("simulate.test_volumes", sim.testVolumes(), 1);
            positive("simulate.slices", sim.slices(), 1);
            positive("simulate.matrix", sim.matrix(), 16);
        }
        if (c.panelSlices() != null) positive("panel_slices", c.panelSlices(), 0);
        if (c.earlyStopping() != null && !List.of("validation", "test").contains(c.earlyStopping())) {
            throw new IllegalArgumentException("early_stopping must be validation or test, got '" + c.earlyStopping() + "'");
        }
        return c;
    }

    private static void positive(String key, Integer value, int min) {
        if (value != null && value < min) throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
    }

    public Path directory() {
        return out;
    }

    // ---------------------------------------------------------------------------------------------- data

    private Path dataDir() {
        return out.resolve("data");
    }

    private boolean simulated() {
        return cfg.simulate() != null;
    }

    private Path resolveConfigPath(String p) {
        Path path = Path.of(p);
        return path.isAbsolute() ? path : configDir.resolve(path).normalize();
    }

    private List<String> trainCatalogs() {
        return simulated() ? List.of(dataDir().resolve("train.csv").toString())
                : cfg.data().trainCatalogs().stream().map(p -> resolveConfigPath(p).toString()).toList();
    }

    private List<String> validationCatalogs() {
        if (simulated()) {
            return orDefault(cfg.simulate().validationVolumes(), 1) == 0 ? List.of() : List.of(dataDir().resolve("validation.csv").toString());
        }
        List<String> v = cfg.data().validationCatalogs();
        return v == null ? List.of() : v.stream().map(p -> resolveConfigPath(p).toString()).toList();
    }

    private List<String> testCatalogs() {
        return simulated() ? List.of(dataDir().resolve("test.csv").toString())
                : cfg.data().testCatalogs().stream().map(p -> resolveConfigPath(p).toString()).toList();
    }

    private String dataRoot() {
        if (dataRootOverride != null) return dataRootOverride.toString();
        if (!simulated() && cfg.data().dataRoot() != null) return resolveConfigPath(cfg.data().dataRoot()).toString();
        return null;
    }

    /** Named distributions: the config's, or one per simulated distribution selecting its datasetName. */
    Map<String, JsonNode> distributions() {
        Map<String, JsonNode> d = new LinkedHashMap<>();
        if (cfg.distributions() != null) d.putAll(cfg.distributions());
        if (simulated()) {
            for (String name : cfg.simulate().distributions()) {
                if (!d.containsKey(name)) {
                    ArrayNode list = JsonNodeFactory.instance.arrayNode();
                    list.addObject().put(Catalog.DATASET, name);
                    d.put(name, list);
                }
            }
        }
        return d;
    }

    private JsonNode filters(String name) {
        JsonNode n = distributions().get(name);
        if (n == null) throw new IllegalArgumentException("unknown distribution '" + name + "'; known: " + distributions().keySet());
        return n;
    }

    /** The built-in distribution library, with the config's own library file on top when it names one. */
    private DistributionLibrary library() {
        String file = cfg.simulate().library();
        return file == null ? DistributionLibrary.builtIn() : DistributionLibrary.builtIn().withFile(resolveConfigPath(file));
    }

    /** Simulates train, validation and test splits (different subjects) and catalogs them; skipped when done. */
    void simulate(Listener l) {
        ExperimentConfig.Simulate s = cfg.simulate();
        Path done = dataDir().resolve(".complete");
        if (Files.exists(done)) return;
        List<org.robustmri.sim.Distribution> dists = library().resolve(s.distributions());
        int slices = orDefault(s.slices(), 8), matrix = orDefault(s.matrix(), 64);
        long seed = s.seed() == null ? 0 : s.seed();
        int threads = Runtime.getRuntime().availableProcessors();
        String[] splits = {"train", "validation", "test"};
        int[] volumes = {orDefault(s.trainVolumes(), 6), orDefault(s.validationVolumes(), 1), orDefault(s.testVolumes(), 2)};
        long total = 0;
        for (int v : volumes) total += (long) v * slices * dists.size();
        l.phase("simulate", total, "slices");
        for (int i = 0; i < splits.length; i++) {
            if (volumes[i] == 0) continue;
            Path dir = dataDir().resolve(splits[i]);
            SimulationRun.run(dists, new SimulationRun.Settings(volumes[i], slices, matrix, seed + 1_000_003L * i, threads),
                    dir, () -> l.step(""));
            CatalogScanner.Result r = CatalogScanner.scan(List.of(dir), CatalogScanner.Options.defaults());
            if (!r.failures().isEmpty()) throw new DataException(dir, r.failures().size() + " simulated file(s) failed to catalog");
            r.catalog().write(dataDir().resolve(splits[i] + ".csv"));
        }
        l.endPhase();
        AtomicFiles.writeString(done, "ok\n");
    }

    /**
     * The pathology boxes scored on the test sets: {@code pathology_boxes: simulated} takes the boxes the simulator
     * wrote for the test split, any other value is an annotation CSV (relative to the config); none without the key.
     */
    private org.robustmri.data.PathologyBoxes pathologyBoxes() {
        String p = cfg.pathologyBoxes();
        if (p == null) return null;
        if (p.equals("simulated")) {
            if (!simulated()) throw new IllegalArgumentException("pathology_boxes: simulated needs a simulate: section");
            return org.robustmri.data.PathologyBoxes.read(dataDir().resolve("test").resolve(org.robustmri.sim.SimulationRun.ANNOTATIONS));
        }
        return org.robustmri.data.PathologyBoxes.read(resolveConfigPath(p));
    }

    private boolean normalizeOutput() {
        return Boolean.TRUE.equals(cfg.normalizeOutput());
    }

    private static int orDefault(Integer v, int d) {
        return v == null ? d : v;
    }

    // ---------------------------------------------------------------------------------------------- plan

    private TrainSpec specFor(ExperimentConfig.TrainingSet set, ExperimentConfig.ModelEntry m, long modelSeed, long dataSeed) {
        ExperimentConfig.Recipe r = cfg.recipe() == null
                ? new ExperimentConfig.Recipe(null, null, null, null, null, null, null, null, null, null) : cfg.recipe();
        Map<String, JsonNode> train = new LinkedHashMap<>();
        ArrayNode validation = JsonNodeFactory.instance.arrayNode();
        for (String c : set.components()) {
            train.put(c, filters(c));
            filters(c).forEach(validation::add);
        }
        boolean withValidation = !validationCatalogs().isEmpty();
        List<String> catalogs = set.catalogs() == null ? trainCatalogs()
                : set.catalogs().stream().map(p -> resolveConfigPath(p).toString()).toList();
        boolean holdout = r.validationHoldout() != null;
        if (holdout) withValidation = false;
        return new TrainSpec(m.model(), null, null, m.params().isEmpty() ? null : m.params(), r.lr(), r.epochs(), r.batchSize(), r.loss(), r.gradClip(),
                modelSeed, dataSeed, r.threads(), r.mask(), catalogs, dataRoot(), train, set.weights(),
                set.dataFraction(), set.slicesPerEpoch(), withValidation ? validation : null,
                withValidation || holdout ? r.validationVolumes() : null, withValidation ? validationCatalogs() : null,
                set.sampling(), r.batching(), r.validationHoldout()).withDefaults();
    }

    public List<RunPlan> runs() {
        List<Long> ms = cfg.seeds() == null || cfg.seeds().model() == null ? List.of(0L) : cfg.seeds().model();
        List<Long> ds = cfg.seeds() == null || cfg.seeds().data() == null ? List.of(0L) : cfg.seeds().data();
        List<RunPlan> out = new ArrayList<>();
        for (ExperimentConfig.ModelEntry m : cfg.models()) {
            for (ExperimentConfig.TrainingSet t : cfg.trainingSets()) {
                if (m.trainingSets() != null && !m.trainingSets().contains(t.name())) continue;
                for (long a : m.modelSeeds() != null ? m.modelSeeds() : ms) {
                    for (long b : ds) {
                        String name = t.name() + "__" + m.label() + "__m" + a + "d" + b;
                        out.add(new RunPlan(name, t, m, a, b, specFor(t, m, a, b)));
                    }
                }
            }
        }
        return out;
    }

    /** Validates everything against the data (when it exists) and estimates the time with a short timing probe. */
    public Plan plan(boolean probe) {
        for (String t : cfg.testSets()) filters(t);
        for (ExperimentConfig.TrainingSet t : cfg.trainingSets()) for (String c : t.components()) filters(c);
        if (simulated()) library().resolve(cfg.simulate().distributions());
        // a boxes file that cannot be read fails now, not after the training
        if (simulated() && cfg.pathologyBoxes() != null && !cfg.pathologyBoxes().equals("simulated")) {
            throw new IllegalArgumentException("pathology_boxes: a simulated study scores the boxes the simulator writes: use 'simulated'");
        }
        if (cfg.pathologyBoxes() != null && !simulated()) pathologyBoxes();
        boolean ready = !simulated() || Files.exists(dataDir().resolve(".complete"));
        List<RunPlan> runs = runs();
        for (RunPlan r : runs) {
            r.spec().validate(); // ranges, model, mask, loss: the same checks a run makes
            TrainSpec.Mask m = r.spec().mask();
            ModelRegistry.checkTrainable(TrainRun.modelSpec(r.spec()), MaskFunction.fromName(m.type(), m.accelerations(), m.centerFractions()));
        }
        Map<String, Long> perEpoch = new LinkedHashMap<>();
        Map<String, Integer> testVolumes = new LinkedHashMap<>();
        long steps = 0, evalSlices = 0;
        int epochs = runs.get(0).spec().epochs();
        StepTimer.Shape shape = null;
        int missing = 0, checked = 0;
        Map<String, Map<String, long[]>> components = new LinkedHashMap<>();
        Map<String, Long> distinctSlices = new LinkedHashMap<>();
        Map<String, Integer> validationVolumes = new LinkedHashMap<>();
        org.robustmri.report.Relations relations = null;
        if (ready) {
            Map<String, List<CatalogEntry>> trainEntries = new LinkedHashMap<>();
            Path root = dataRoot() == null ? null : Path.of(dataRoot());
            Set<CatalogEntry> seen = new LinkedHashSet<>();
            for (RunPlan r : runs) {
                TrainRun.Split split = TrainRun.split(r.spec());
                org.robustmri.data.Mixture mixture = split.mixture();
                long slices = 0;
                for (int n : mixture.plan(1).sliceCounts().values()) slices += n;
                perEpoch.put(r.set().name(), slices);
                Map<String, long[]> comp = new LinkedHashMap<>();
                for (org.robustmri.data.Mixture.Component c : mixture.components()) comp.put(c.name(), new long[]{c.entries().size(), c.slices()});
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
            Catalog test = readCatalogs(testCatalogs());
            for (String t : cfg.testSets()) {
                List<CatalogEntry> sel = Distribution.fromNode(filters(t), t).select(test).entries();
                if (sel.isEmpty()) throw new DataException("test set '" + t + "' selects no volumes from " + testCatalogs());
                for (List<CatalogEntry> tr : trainEntries.values()) Leakage.check(tr, sel);
                testVolumes.put(t, sel.size());
                seen.addAll(sel);
                long sl = 0;
                for (CatalogEntry e : sel) sl += e.slices();
                evalSlices += sl * epochs * runs.size() + sl;
                for (CatalogEntry e : sel) {
                    if (shape != null) break;
                    shape = shapeOf(e);
                }
            }
            for (CatalogEntry e : seen) {
                checked++;
                if (e.locate(root).isEmpty()) missing++;
            }
            Map<String, JsonNode> tests = new LinkedHashMap<>();
            for (String t : cfg.testSets()) tests.put(t, filters(t));
            relations = relations(test, tests);
        } else {
            int m = orDefault(cfg.simulate().matrix(), 64);
            int coils = library().resolve(cfg.simulate().distributions()).get(0).coils();
            shape = new StepTimer.Shape(coils, 2 * m, m, m, m); // the simulator oversamples the readout 2x
            int perDist = orDefault(cfg.simulate().trainVolumes(), 6) * orDefault(cfg.simulate().slices(), 8);
            for (RunPlan r : runs) {
                long slices = r.set().slicesPerEpoch() != null ? r.set().slicesPerEpoch() : (long) perDist * r.set().components().size();
                perEpoch.put(r.set().name(), slices);
                steps += (long) Math.ceil(slices / (double) r.spec().batchSize()) * r.spec().epochs();
            }
            long testSlices = (long) orDefault(cfg.simulate().testVolumes(), 2) * orDefault(cfg.simulate().slices(), 8);
            for (String t : cfg.testSets()) testVolumes.put(t, orDefault(cfg.simulate().testVolumes(), 2));
            evalSlices = testSlices * cfg.testSets().size() * ((long) epochs * runs.size() + 1);
        }
        double sps = probe && shape != null ? probeSecondsPerStep(runs.get(0).spec(), shape) : Double.NaN;
        // a forward pass costs about a third of a training step; simulation about 0.1 s per slice
        double est = sps * steps + sps / 3 * evalSlices;
        if (simulated() && !ready) {
            ExperimentConfig.Simulate s = cfg.simulate();
            est += 0.1 * s.distributions().size() * orDefault(s.slices(), 8)
                    * (orDefault(s.trainVolumes(), 6) + orDefault(s.validationVolumes(), 1) + orDefault(s.testVolumes(), 2));
        }
        return new Plan(runs, perEpoch, testVolumes, steps, evalSlices, sps, est, ready, checked, missing, components, distinctSlices,
                validationVolumes, relations);
    }

    private static Catalog readCatalogs(List<String> paths) {
        List<Catalog> list = new ArrayList<>();
        for (String p : paths) list.add(Catalog.read(Path.of(p)));
        return list.size() == 1 ? list.get(0) : Catalog.concat(list, String.join("+", paths));
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

    // ---------------------------------------------------------------------------------------------- run

    /** Config keys a resume may change: they decide nothing about finished runs. */
    static final Set<String> RESUMABLE_CHANGES = Set.of("recipe.threads", "data.data_root", "panel_slices", "analyses", "parallel");

    /**
     * What a resume would change compared with the study in the directory: config errors for changes to finished
     * work; with {@code extend}, appended training sets, models, seeds and new distributions are allowed.
     */
    public List<String> changesAgainstDirectory(boolean extend) {
        Path saved = out.resolve("experiment.yaml");
        if (!Files.isRegularFile(saved)) return List.of();
        ExperimentConfig before = ExperimentConfig.read(saved);
        List<String> refused = new ArrayList<>();
        for (String change : org.robustmri.io.ConfigDiff.changes(ExperimentConfig.YAML.valueToTree(before),
                ExperimentConfig.YAML.valueToTree(cfg), Set.of())) {
            String key = change.substring(0, change.indexOf(':'));
            if (RESUMABLE_CHANGES.stream().anyMatch(r -> key.equals(r) || key.startsWith(r + ".") || key.startsWith(r + "["))) continue;
            if (extend && EXTENSION.matcher(change).find()) continue;
            refused.add(change);
        }
        return refused;
    }

    private static final java.util.regex.Pattern EXTENSION = java.util.regex.Pattern.compile(
            "^((training_sets|models)\\[\\d+\\]|seeds\\.(model|data)\\[\\d+\\]|distributions\\.[^.\\[]+): \\(absent\\) -> ");

    private boolean extend;

    /** Lets {@link #run} add runs to a study (appended training sets, models, seeds); finished runs never change. */
    public Experiment allowExtension(boolean on) {
        this.extend = on;
        return this;
    }

    private boolean acceptChangedData;

    /** Lets a resume go on when inputs changed since the study recorded them (the record is renewed, the change noted). */
    public Experiment acceptChangedData(boolean on) {
        this.acceptChangedData = on;
        return this;
    }

    /** Every file the study's work depends on: library YAML, catalogs, box annotations, and the data volumes it uses. */
    private List<StudyInputs.Input> inputs(StudyInputs record) {
        Map<String, StudyInputs.Input> in = new LinkedHashMap<>();
        if (simulated() && cfg.simulate().library() != null) {
            Path lib = resolveConfigPath(cfg.simulate().library());
            in.putIfAbsent(lib.toString(), record.input(lib, lib.toString()));
        }
        Set<String> catalogs = new LinkedHashSet<>(trainCatalogs());
        catalogs.addAll(validationCatalogs());
        catalogs.addAll(testCatalogs());
        for (ExperimentConfig.TrainingSet t : cfg.trainingSets()) {
            if (t.catalogs() != null) for (String c : t.catalogs()) catalogs.add(resolveConfigPath(c).toString());
        }
        for (String c : catalogs) in.putIfAbsent(c, record.input(Path.of(c), c));
        if (cfg.pathologyBoxes() != null) {
            Path boxes = cfg.pathologyBoxes().equals("simulated") ? dataDir().resolve("test").resolve(SimulationRun.ANNOTATIONS)
                    : resolveConfigPath(cfg.pathologyBoxes());
            in.putIfAbsent(boxes.toString(), record.input(boxes, boxes.toString()));
        }
        Path root = dataRoot() == null ? null : Path.of(dataRoot());
        Set<CatalogEntry> volumes = new LinkedHashSet<>();
        for (RunPlan r : runs()) {
            TrainRun.Split split = TrainRun.split(r.spec());
            volumes.addAll(split.mixture().entries());
            volumes.addAll(split.heldOut());
        }
        Catalog test = readCatalogs(testCatalogs());
        for (String t : cfg.testSets()) volumes.addAll(Distribution.fromNode(filters(t), t).select(test).entries());
        if (!validationCatalogs().isEmpty()) volumes.addAll(readCatalogs(validationCatalogs()).entries());
        for (CatalogEntry e : volumes) {
            e.locate(root).ifPresent(p -> in.putIfAbsent("volume " + p, record.input(p, e.identity())));
        }
        return new ArrayList<>(in.values());
    }

    /**
     * Before any finished work is trusted: the study's inputs must be the ones it recorded. A change stops the study
     * naming the files, unless changed data was accepted; inputs seen for the first time are recorded.
     */
    private void checkInputs(Listener l) {
        StudyInputs record = new StudyInputs(out);
        List<StudyInputs.Input> inputs = inputs(record);
        l.phase(record.recorded() ? "verify inputs" : "record inputs", inputs.size(), "files");
        java.util.function.LongConsumer progress = n -> l.step("");
        StudyInputs.Check check = record.check(inputs, progress);
        List<StudyInputs.Change> changes = check.changes();
        l.endPhase();
        if (!changes.isEmpty() && !acceptChangedData) {
            throw new DataException(changes.get(0).describe() + (changes.size() > 1 ? "; and " + (changes.size() - 1) + " more input(s)" : "")
                    + "; finished runs were made with the recorded data: "
                    + (simulated() ? "delete " + dataDir() + " to simulate it again, or " : "restore it, or ")
                    + "pass --accept-changed-data to go on with the new data");
        }
        for (StudyInputs.Change c : changes) l.message("accepted changed input: " + c.describe());
        if (record.recorded() && changes.isEmpty() && !check.news()) return;
        Map<String, Object> fields = new LinkedHashMap<>();
        if (!changes.isEmpty()) fields.put("accepted_changes", changes.stream().map(StudyInputs.Change::key).toList());
        record.write(check, fields);
    }

    /** The canonical config's SHA-256, recorded with the results. */
    public String fingerprint() {
        return org.robustmri.io.Manifest.sha256(cfg.toYaml());
    }

    /** Runs (or continues) the whole study and builds the report; returns it. */
    public Report.Built run(Listener l) {
        // everything the dry run checks, before anything is written
        Plan checked = plan(false);
        if (checked.filesMissing() > 0) {
            throw new DataException(checked.filesMissing() + " of " + checked.filesChecked() + " data files named by the catalogs are missing"
                    + (simulated() ? " from the study's simulated data in " + dataDir() + " (delete that folder to simulate it again)"
                    : " (give --data-root to where they are)"));
        }
        refuseChanges();
        org.robustmri.io.OutputDirectory.claim(out, org.robustmri.io.OutputDirectory.Kind.STUDY);
        try (org.robustmri.io.DirectoryLock lock = org.robustmri.io.DirectoryLock.acquire(out)) {
            return runLocked(l);
        }
    }

    private void refuseChanges() {
        List<String> refused = changesAgainstDirectory(extend);
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(out + " holds this study with another config; it would change: "
                    + String.join("; ", refused) + (extend ? "" : " (--extend may only add training sets, models and seeds)"));
        }
    }

    private Report.Built runLocked(Listener l) {
        refuseChanges(); // again under the lock: another process may have written the study meanwhile
        List<Path> stale = AtomicFiles.removeStaleTemporaries(out);
        if (!stale.isEmpty()) l.message("removed " + stale.size() + " temporary file(s) left by an interrupted run");
        AtomicFiles.writeString(out.resolve("experiment.yaml"), cfg.toYaml());
        long t0 = System.nanoTime();
        if (simulated()) simulate(l);
        checkInputs(l);
        List<RunPlan> runs = runs();
        Catalog test = readCatalogs(testCatalogs());
        Map<String, JsonNode> tests = new LinkedHashMap<>();
        for (String t : cfg.testSets()) tests.put(t, filters(t));
        int parallel = parallelRuns(runs);
        List<RunInfo> infos = parallel <= 1 ? sequential(runs, test, tests, l) : concurrent(runs, test, tests, l, parallel);
        List<Path> baselines = new ArrayList<>();
        baselines.add(evaluateBaseline(Report.ZERO_FILLED, new ZeroFilled(), runs.get(0).spec(), test, tests, l));
        for (org.robustmri.model.ModelSpec b : cfg.baselineSpecs()) {
            baselines.add(evaluateBaseline(b.name(), ModelRegistry.create(b, 0), runs.get(0).spec(), test, tests, l));
        }
        try {
            Files.deleteIfExists(manifest()); // the merged outputs are rewritten below; only a new record vouches for them
        } catch (IOException e) {
            throw new DataException(manifest(), "cannot delete: " + e.getMessage(), e);
        }
        mergeResults(runs, baselines);
        RunInfo.write(out.resolve("runs.csv"), infos);
        relations(test, tests).write(out.resolve("relations.csv"));
        boolean withSimilarity = cfg.analyses() == null || cfg.analyses().contains("similarity");
        if (withSimilarity) similarity(runs, test, tests, l);
        l.phase("panels", cfg.testSets().size(), "test sets");
        Panels.draw(out.resolve("panels"), runs, tests, test, dataRoot() == null ? null : Path.of(dataRoot()),
                runs.get(0).spec().mask(), orDefault(cfg.panelSlices(), 1), () -> l.step(""));
        l.endPhase();
        Report.Built built = Report.build(out, analysisOptions(cfg));
        new Provenance("experiment")
                .put("name", cfg.name())
                .put("runs", runs.size())
                .put("test_sets", cfg.testSets())
                .put("wall_seconds_this_invocation", (System.nanoTime() - t0) / 1e9)
                .put("config", "experiment.yaml")
                .put("config_sha256", fingerprint())
                .write(out.resolve("provenance.json"));
        List<Path> outputs = new ArrayList<>(List.of(out.resolve("experiment.yaml"), out.resolve("results.csv"),
                out.resolve("runs.csv"), out.resolve("relations.csv"), out.resolve("provenance.json"), built.html()));
        if (withSimilarity) outputs.add(out.resolve(SIMILARITY_CSV));
        for (String sub : List.of("analyses", "figures", "panels")) outputs.addAll(filesIn(out.resolve(sub)));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", cfg.name());
        fields.put("config_sha256", fingerprint());
        fields.put("runs", runs.size());
        new org.robustmri.io.Manifest(fields, org.robustmri.io.Manifest.of(out, outputs, fields).files()).write(manifest());
        return built;
    }


    /** Trains and evaluates the runs one after the other. */
    private List<RunInfo> sequential(List<RunPlan> runs, Catalog test, Map<String, JsonNode> tests, Listener l) {
        List<RunInfo> infos = new ArrayList<>();
        for (int k = 1; k <= runs.size(); k++) infos.add(runOne(k, runs.size(), runs.get(k - 1), tests, l));
        return infos;
    }

    /**
     * Trains and evaluates independent runs {@code parallel} at a time, each with its share of the cores; the results
     * are those of the sequential order (each run's numbers depend only on its own spec and seeds).
     */
    private List<RunInfo> concurrent(List<RunPlan> runs, Catalog test, Map<String, JsonNode> tests, Listener l, int parallel) {
        long total = 0;
        for (RunPlan r : runs) total += remainingWork(r, tests, test);
        l.phase(String.format(Locale.ROOT, "train and evaluate %d runs, %d at a time", runs.size(), parallel), total, "steps");
        Listener quiet = new Listener() {
            @Override
            public synchronized void step(String detail) {
                l.step(detail);
            }
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "robustmri-run");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<RunInfo>> futures = new ArrayList<>();
            for (int k = 1; k <= runs.size(); k++) {
                int index = k;
                futures.add(pool.submit(() -> runOne(index, runs.size(), runs.get(index - 1), tests, quiet)));
            }
            List<RunInfo> infos = new ArrayList<>();
            for (java.util.concurrent.Future<RunInfo> f : futures) {
                try {
                    infos.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) throw re;
                    if (c instanceof Error er) throw er;
                    throw new IllegalStateException(c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return infos;
        } finally {
            pool.shutdownNow();
            l.endPhase();
        }
    }

    /** Training steps and evaluated slices a run still needs (an estimate for the progress bar). */
    private long remainingWork(RunPlan r, Map<String, JsonNode> tests, Catalog test) {
        RunDirectory rd = new RunDirectory(out.resolve("runs").resolve(r.run()));
        long steps = 0;
        if (finishedEpochs(rd) < r.spec().epochs()) {
            TrainRun.Prepared p = TrainRun.prepare(r.spec());
            for (int e = 1; e <= r.spec().epochs(); e++) steps += p.train().batchesInEpoch(e);
            steps -= doneSteps(rd);
        }
        if (!RunEvaluation.complete(out.resolve("runs").resolve(r.run()).resolve("eval"))) {
            long slices = 0;
            for (Map.Entry<String, JsonNode> t : tests.entrySet()) {
                for (CatalogEntry e : Distribution.fromNode(t.getValue(), t.getKey()).select(test).entries()) slices += e.slices();
            }
            steps += slices * r.spec().epochs();
        }
        return steps;
    }

    /** How many runs to train at once: {@code parallel} of the config, else one per core for small models on one thread each. */
    int parallelRuns(List<RunPlan> runs) {
        if (parallelOverride != null) return Math.max(1, parallelOverride);
        if (cfg.parallel() != null) return Math.max(1, cfg.parallel());
        int cores = Runtime.getRuntime().availableProcessors();
        for (RunPlan r : runs) {
            if (r.spec().threads() != 1 || ModelRegistry.parameterCount(TrainRun.modelSpec(r.spec())) > 5_000_000) return 1;
        }
        return Math.min(cores, runs.size());
    }

    private Integer parallelOverride;

    /** Runs {@code n} grid runs at once (1: sequentially). */
    public Experiment parallel(int n) {
        this.parallelOverride = n;
        return this;
    }

    /** One run of the grid: trains it (or finds it finished) and evaluates every checkpoint on every test set. */
    private RunInfo runOne(int k, int of, RunPlan r, Map<String, JsonNode> tests, Listener l) {
        Path dir = out.resolve("runs").resolve(r.run());
        RunDirectory rd = new RunDirectory(dir);
        // a finished run returns at once (its commits verified, its provenance completed)
        boolean finished = finishedEpochs(rd) >= r.spec().epochs();
        if (!finished) {
            long steps = 0;
            TrainRun.Prepared p = TrainRun.prepare(r.spec());
            for (int e = 1; e <= r.spec().epochs(); e++) steps += p.train().batchesInEpoch(e);
            l.phase(String.format(Locale.ROOT, "train %d/%d %s", k, of, r.run()), steps - doneSteps(rd), "steps");
        }
        TrainRun.run(r.spec(), dir, out, new TrainListener() {
            @Override
            public void onStep(int epoch, long step, double loss, double lr) {
                l.step(String.format(Locale.ROOT, "epoch %d loss %.4f", epoch, loss));
            }
        }, org.robustmri.train.Distributed.single());
        if (!finished) l.endPhase();
        Path evalDir = dir.resolve("eval");
        if (!RunEvaluation.complete(evalDir)) {
            List<RunEvaluation.TestSet> sets = RunEvaluation.testSets(r.spec(), tests, testCatalogs(),
                    dataRoot() == null ? null : Path.of(dataRoot()));
            MaskFunction mask = MaskFunction.fromName(r.spec().mask().type(), r.spec().mask().accelerations(), r.spec().mask().centerFractions());
            long slices = 0;
            for (RunEvaluation.TestSet s : sets) for (CatalogEntry e : s.entries()) slices += e.slices();
            l.phase(String.format(Locale.ROOT, "evaluate %d/%d %s", k, of, r.run()),
                    slices * rd.checkpointEpochs().size(), "slices");
            RunEvaluation.run(dir, RunEvaluation.Which.ALL, sets, mask, normalizeOutput(), evalDir, r.set().name(), pathologyBoxes(), s -> l.step(""));
            l.endPhase();
        }
        return new RunInfo(r.run(), r.set().name(), new LinkedHashSet<>(r.set().components()), r.model().label(),
                r.modelSeed(), r.dataSeed(), validationByEpoch(rd));
    }

    /** How the report's analyses are run for a study: early stopping on test data only when the config asks. */
    public static org.robustmri.report.Analyses.Options analysisOptions(ExperimentConfig c) {
        return new org.robustmri.report.Analyses.Options("test".equals(c.earlyStopping()), 0.01);
    }

    /**
     * For every training set and test set, the fraction of the test set's volumes that the training set's own
     * filters select (applied to the test catalog): in- vs out-of-distribution by data.
     */
    org.robustmri.report.Relations relations(Catalog test, Map<String, JsonNode> tests) {
        Map<String, Map<String, Double>> f = new LinkedHashMap<>();
        for (ExperimentConfig.TrainingSet ts : cfg.trainingSets()) {
            Set<CatalogEntry> covered = new java.util.HashSet<>();
            for (String c : ts.components()) covered.addAll(Distribution.fromNode(filters(c), c).select(test).entries());
            Map<String, Double> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> t : tests.entrySet()) {
                List<CatalogEntry> sel = Distribution.fromNode(t.getValue(), t.getKey()).select(test).entries();
                long in = sel.stream().filter(covered::contains).count();
                m.put(t.getKey(), sel.isEmpty() ? 0.0 : (double) in / sel.size());
            }
            f.put(ts.name(), m);
        }
        return org.robustmri.report.Relations.ofFractions(f);
    }

    public static final String SIMILARITY_CSV = "similarity.csv";
    static final int DEFAULT_SIMILARITY_SLICES = 2000;

    /**
     * The mean nearest-neighbour similarity of every test set to every training set (the slices its first run
     * trains on, at most {@code similarity_max_slices} evenly spaced per set), in {@code similarity.csv}.
     */
    private void similarity(List<RunPlan> runs, Catalog test, Map<String, JsonNode> tests, Listener l) {
        org.robustmri.similarity.Embedding e = org.robustmri.similarity.Embeddings.of(
                cfg.similarityEmbedding() == null ? org.robustmri.similarity.Embeddings.DEFAULT : cfg.similarityEmbedding());
        int max = orDefault(cfg.similarityMaxSlices(), DEFAULT_SIMILARITY_SLICES);
        Path root = dataRoot() == null ? null : Path.of(dataRoot());
        Map<String, List<org.robustmri.similarity.TrainTestSimilarity.SliceRef>> trainSets = new LinkedHashMap<>();
        for (RunPlan r : runs) {
            if (trainSets.containsKey(r.set().name())) continue;
            List<org.robustmri.similarity.TrainTestSimilarity.SliceRef> s = new ArrayList<>();
            for (CatalogEntry c : org.robustmri.train.TrainRun.split(r.spec()).mixture().entries()) addSlices(s, c, root);
            trainSets.put(r.set().name(), org.robustmri.similarity.TrainTestSimilarity.thin(s, max));
        }
        Map<String, List<org.robustmri.similarity.TrainTestSimilarity.SliceRef>> testSets = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> t : tests.entrySet()) {
            List<org.robustmri.similarity.TrainTestSimilarity.SliceRef> s = new ArrayList<>();
            for (CatalogEntry c : Distribution.fromNode(t.getValue(), t.getKey()).select(test).entries()) addSlices(s, c, root);
            testSets.put(t.getKey(), org.robustmri.similarity.TrainTestSimilarity.thin(s, max));
        }
        List<List<org.robustmri.similarity.TrainTestSimilarity.SliceRef>> all = new ArrayList<>(trainSets.values());
        all.addAll(testSets.values());
        long distinct = org.robustmri.similarity.TrainTestSimilarity.distinctSlices(all);
        long searched = (long) trainSets.size() * testSets.values().stream().mapToLong(List::size).sum();
        l.phase("train-test similarity", distinct + searched, "slices");
        List<org.robustmri.similarity.TrainTestSimilarity.PairMean> means =
                org.robustmri.similarity.TrainTestSimilarity.meanSimilarities(trainSets, testSets, e, n -> {
                    for (long i = 0; i < n; i++) l.step("");
                });
        l.endPhase();
        StringBuilder csv = new StringBuilder(org.robustmri.report.Similarities.HEADER + "\n");
        for (var m : means) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.9f,\"%s\"%n", m.trainSet(), m.testSet(), m.trainSlices(), m.testSlices(), m.mean(),
                    e.spec().replace("\"", "'")));
        }
        AtomicFiles.writeString(out.resolve(SIMILARITY_CSV), csv.toString());
    }

    private static void addSlices(List<org.robustmri.similarity.TrainTestSimilarity.SliceRef> out, CatalogEntry c, Path root) {
        Path f = c.resolve(root);
        for (int s = c.startSlice(); s < c.endSlice(); s++) out.add(new org.robustmri.similarity.TrainTestSimilarity.SliceRef(f, c.filename(), s));
    }

    /** The commit record of the study's merged outputs (results, runs, analyses, figures, panels, report). */
    public Path manifest() {
        return out.resolve("manifest.json");
    }

    private static List<Path> filesIn(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir, "cannot list: " + e.getMessage(), e);
        }
    }

    /** A model without weights (zero-filling, the CS baselines) on every test set, under runs/NAME/eval, with a manifest. */
    private Path evaluateBaseline(String name, ReconstructionModel model, TrainSpec spec, Catalog test, Map<String, JsonNode> tests,
                                  Listener l) {
        Path dir = out.resolve("runs").resolve(name).resolve("eval");
        Path results = dir.resolve("results.csv");
        if (RunEvaluation.complete(dir)) return results;
        MaskFunction mask = MaskFunction.fromName(spec.mask().type(), spec.mask().accelerations(), spec.mask().centerFractions());
        Path root = dataRoot() == null ? null : Path.of(dataRoot());
        Map<String, List<Evaluator.TestVolume>> vols = new LinkedHashMap<>();
        long slices = 0;
        for (Map.Entry<String, JsonNode> t : tests.entrySet()) {
            List<Evaluator.TestVolume> v = new ArrayList<>();
            for (CatalogEntry e : Distribution.fromNode(t.getValue(), t.getKey()).select(test).entries()) {
                v.add(new Evaluator.TestVolume(e.resolve(root), e.startSlice(), e.endSlice()));
                slices += e.slices();
            }
            vols.put(t.getKey(), v);
        }
        l.phase("evaluate baseline " + name, slices, "slices");
        try (Evaluator ev = new Evaluator(results, normalizeOutput())) {
            Evaluator.ModelKey key = new Evaluator.ModelKey(name, name, "none", 0);
            for (Map.Entry<String, List<Evaluator.TestVolume>> e : vols.entrySet()) {
                ev.evaluate(key, model, e.getKey(), e.getValue(), mask, s -> l.step(""));
            }
            ev.finish();
        }
        org.robustmri.io.Manifest.of(dir, List.of(results), Map.of("run", name, "model", model.spec().toString())).write(RunEvaluation.manifest(dir));
        l.endPhase();
        return results;
    }

    private void mergeResults(List<RunPlan> runs, List<Path> baselines) {
        AtomicFiles.write(out.resolve("results.csv"), tmp -> {
            try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(Evaluator.HEADER);
                w.newLine();
                List<Path> files = new ArrayList<>();
                for (RunPlan r : runs) files.add(out.resolve("runs").resolve(r.run()).resolve("eval").resolve("results.csv"));
                files.addAll(baselines);
                for (Path f : files) {
                    List<String> lines = Files.readAllLines(f);
                    for (String line : lines.subList(1, lines.size())) {
                        w.write(line);
                        w.newLine();
                    }
                }
            }
        });
    }

    static int finishedEpochs(RunDirectory rd) {
        return rd.latestVerifiedCommit().map(RunDirectory.Commit::epoch).orElse(0);
    }

    static long doneSteps(RunDirectory rd) {
        return rd.latestVerifiedCommit().map(RunDirectory.Commit::step).orElse(0L);
    }

    /** Validation SSIM per epoch from a run's training log (empty without a validation set). */
    static Map<Integer, Double> validationByEpoch(RunDirectory rd) {
        Map<Integer, Double> out = new TreeMap<>();
        if (!Files.exists(rd.log())) return out;
        try {
            for (String line : Files.readAllLines(rd.log())) {
                String[] f = line.split(",", -1);
                if (f.length == 5 && !f[4].isEmpty() && !f[0].equals("step")) out.put(Integer.parseInt(f[1]), Double.parseDouble(f[4]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
