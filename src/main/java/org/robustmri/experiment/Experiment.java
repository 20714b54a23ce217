package org.robustmri.experiment;

import org.robustmri.data.Catalog;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.ConfigDiff;
import org.robustmri.io.DataException;
import org.robustmri.io.DirectoryLock;
import org.robustmri.io.Manifest;
import org.robustmri.io.OutputDirectory;
import org.robustmri.report.Analyses;
import org.robustmri.report.Relations;
import org.robustmri.report.Report;
import org.robustmri.report.RunInfo;
import org.robustmri.train.TrainSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A robustness study, start to finish. {@link #run} checks the plan against the data, claims the study directory and,
 * holding its lock: simulates the data (when the study is simulated), verifies the study's inputs against their
 * record, trains and evaluates every run of the grid, scores the baselines, merges the results, computes train-test
 * similarity, draws the panels, builds the report and commits the outputs. Finished work is skipped and interrupted
 * runs resume, so running it again continues.
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
                       Map<String, Long> distinctSlices, Map<String, Integer> validationVolumes, Relations relations) {
    }

    public static final String SIMILARITY_CSV = "similarity.csv";

    /** Config keys a resume may change: they decide nothing about finished runs. */
    static final Set<String> RESUMABLE_CHANGES = Set.of("recipe.threads", "data.data_root", "panel_slices", "analyses", "parallel");

    private static final Pattern EXTENSION = Pattern.compile(
            "^((training_sets|models)\\[\\d+\\]|seeds\\.(model|data)\\[\\d+\\]|distributions\\.[^.\\[]+): \\(absent\\) -> ");

    private final StudyContext ctx;
    private final StudyPlan grid;
    private Integer parallel;
    private boolean extend;
    private boolean acceptChangedData;

    public Experiment(ExperimentConfig cfg, Path configDir, Path out, Path dataRootOverride) {
        this.ctx = new StudyContext(cfg, configDir, out, dataRootOverride);
        this.grid = new StudyPlan(ctx);
    }

    /** Runs {@code n} grid runs at once (1: sequentially). */
    public Experiment parallel(int n) {
        this.parallel = n;
        return this;
    }

    /** Lets {@link #run} add runs to a study (appended training sets, models, seeds); finished runs never change. */
    public Experiment allowExtension(boolean on) {
        this.extend = on;
        return this;
    }

    /** Lets a resume go on when inputs changed since the study recorded them (the record is renewed, the change noted). */
    public Experiment acceptChangedData(boolean on) {
        this.acceptChangedData = on;
        return this;
    }

    public Path directory() {
        return ctx.out();
    }

    /** The commit record of the study's merged outputs (results, runs, analyses, figures, panels, report). */
    public Path manifest() {
        return new StudyOutputs(ctx).manifest();
    }

    /** The canonical config's SHA-256, recorded with the results. */
    public String fingerprint() {
        return Manifest.sha256(ctx.config().toYaml());
    }

    public List<RunPlan> runs() {
        return grid.runs();
    }

    /** Validates everything against the data (when it exists) and estimates the time with a short timing probe. */
    public Plan plan(boolean probe) {
        return grid.plan(probe);
    }

    int parallelRuns(List<RunPlan> runs) {
        return new RunScheduler(ctx, parallel).parallelRuns(runs);
    }

    /**
     * How the report's analyses are run for a study: early stopping on test data only when the config asks; in a
     * simulated study, the test sets that are not simulated are real scans.
     */
    public static Analyses.Options analysisOptions(ExperimentConfig c) {
        Analyses.Options o = new Analyses.Options("test".equals(c.earlyStopping()), 0.01);
        if (c.simulate() == null) return o;
        java.util.Set<String> real = new java.util.LinkedHashSet<>(c.testSets());
        real.removeAll(c.simulate().distributions());
        return o.withRealTestSets(real);
    }

    /**
     * What a resume would change compared with the study in the directory: config errors for changes to finished
     * work; with {@code extend}, appended training sets, models, seeds and new distributions are allowed.
     */
    public List<String> changesAgainstDirectory(boolean extend) {
        Path saved = ctx.out().resolve("experiment.yaml");
        if (!Files.isRegularFile(saved)) return List.of();
        ExperimentConfig before = ExperimentConfig.read(saved);
        List<String> refused = new ArrayList<>();
        for (String change : ConfigDiff.changes(ExperimentConfig.YAML.valueToTree(before), ExperimentConfig.YAML.valueToTree(ctx.config()), Set.of())) {
            String key = change.substring(0, change.indexOf(':'));
            if (RESUMABLE_CHANGES.stream().anyMatch(r -> key.equals(r) || key.startsWith(r + ".") || key.startsWith(r + "["))) continue;
            if (extend && EXTENSION.matcher(change).find()) continue;
            refused.add(change);
        }
        return refused;
    }

    private void refuseChanges() {
        List<String> refused = changesAgainstDirectory(extend);
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(ctx.out() + " holds this study with another config; it would change: "
                    + String.join("; ", refused) + (extend ? "" : " (--extend may only add training sets, models and seeds)"));
        }
    }

    /** Runs (or continues) the whole study and builds the report; returns it. */
    public Report.Built run(Listener l) {
        // everything the dry run checks, before anything is written
        Plan checked = plan(false);
        if (checked.filesMissing() > 0) {
            throw new DataException(checked.filesMissing() + " of " + checked.filesChecked() + " data files named by the catalogs are missing"
                    + (ctx.simulated() ? " from the study's simulated data in " + ctx.dataDir() + " (delete that folder to simulate it again)"
                    : " (give --data-root to where they are)"));
        }
        refuseChanges();
        OutputDirectory.claim(ctx.out(), OutputDirectory.Kind.STUDY);
        try (DirectoryLock lock = DirectoryLock.acquire(ctx.out())) {
            refuseChanges(); // again under the lock: another process may have written the study meanwhile
            return runLocked(l);
        }
    }

    private Report.Built runLocked(Listener l) {
        Path out = ctx.out();
        List<Path> stale = AtomicFiles.removeStaleTemporaries(out);
        if (!stale.isEmpty()) l.message("removed " + stale.size() + " temporary file(s) left by an interrupted run");
        AtomicFiles.writeString(out.resolve("experiment.yaml"), ctx.config().toYaml());
        long t0 = System.nanoTime();
        if (ctx.simulated()) SimulationPhase.run(ctx, l);
        List<RunPlan> runs = runs();
        StudyInputs.check(ctx, runs, acceptChangedData, l);
        Catalog test = ctx.testCatalog();
        List<RunInfo> infos = new RunScheduler(ctx, parallel).run(runs, test, l);
        List<Path> baselines = BaselinePhase.run(ctx, runs.get(0).spec(), test, l);
        StudyOutputs outputs = new StudyOutputs(ctx);
        outputs.invalidate(); // the merged outputs are rewritten below; only a new record vouches for them
        outputs.mergeResults(runs, baselines);
        outputs.writeRuns(infos);
        grid.relations(test, ctx.tests()).write(out.resolve("relations.csv"));
        boolean withSimilarity = SimilarityPhase.wanted(ctx.config());
        if (withSimilarity) SimilarityPhase.run(ctx, runs, test, l);
        outputs.panels(runs, test, l);
        Report.Built built = Report.build(out, analysisOptions(ctx.config()));
        outputs.commit(runs, built, fingerprint(), (System.nanoTime() - t0) / 1e9, withSimilarity);
        return built;
    }
}
