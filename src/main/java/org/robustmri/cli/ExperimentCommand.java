package org.robustmri.cli;

import org.robustmri.experiment.Experiment;
import org.robustmri.experiment.ExperimentConfig;
import org.robustmri.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "experiment", description = {"Runs a robustness study: trains every model on every training set for every seed, evaluates every",
        "epoch's checkpoint on every test set, and writes results.csv, the analyses and report.html. --dry-run validates",
        "the config against the data and prints the plan with a time estimate; --resume continues an interrupted study."})
final class ExperimentCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CONFIG.yaml")
    Path config;

    @Option(names = "--dry-run", description = "Validate and print the plan; train nothing.")
    boolean dryRun;

    @Option(names = "--resume", description = "Continue a study whose directory already exists (finished runs are skipped).")
    boolean resume;

    @Option(names = "--extend", description = {"With --resume: allow a config that only adds training sets, models or seeds;",
            "finished runs never change (any other change is refused, listing the keys)."})
    boolean extend;

    @Option(names = "--parallel", paramLabel = "N", description = {"Train and evaluate N runs at once, each with its share of the cores",
            "(default: the config's parallel, else one per core when every model is small and trains on one thread)."})
    Integer parallel;

    @Option(names = "--out", paramLabel = "DIR", description = "Experiment directory (default: experiments/NAME).")
    Path out;

    @Option(names = "--data-root", paramLabel = "DIR", description = "Where the files named by the catalogs are (for real data).")
    Path dataRoot;

    @Option(names = "--accept-changed-data", description = {"With --resume: go on although the data, catalogs or other inputs changed since the",
            "study recorded them (the record is renewed and the change noted); without it such a resume stops naming the file."})
    boolean acceptChangedData;

    @Option(names = "--no-probe", description = "With --dry-run: skip the timing probe (no time estimate).")
    boolean noProbe;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ExperimentConfig cfg = ExperimentConfig.read(config);
        Path dir = out != null ? out : Path.of("experiments", cfg.name());
        Path base = config.toAbsolutePath().getParent();
        if (extend && !resume) throw new Main.UsageException("--extend continues an existing study: add --resume");
        if (parallel != null && parallel < 1) throw new Main.UsageException("--parallel must be at least 1, got " + parallel);
        return runExperiment(cfg, base, dir, dataRoot, dryRun, resume, extend, !noProbe, parallel, acceptChangedData, spec.commandLine().getOut());
    }

    static int runExperiment(ExperimentConfig cfg, Path base, Path dir, Path dataRoot, boolean dryRun, boolean resume, boolean extend,
                             boolean probe, Integer parallel, boolean acceptChangedData, PrintWriter out) {
        Experiment exp = new Experiment(cfg, base, dir, dataRoot).allowExtension(extend).acceptChangedData(acceptChangedData);
        if (parallel != null) exp.parallel(parallel);
        if (dryRun) {
            Experiment.Plan p = exp.plan(probe);
            out.printf(Locale.ROOT, "experiment %s: %d run(s), %d test set(s)%s%n", cfg.name(), p.runs().size(), p.testVolumes().size(),
                    p.dataReady() ? "" : " (data not simulated yet: sizes from the simulate block)");
            for (Experiment.RunPlan r : p.runs()) {
                out.printf(Locale.ROOT, "  run %-50s %6d slices/epoch x %d epochs%n", r.run(), p.slicesPerEpoch().get(r.set().name()), r.spec().epochs());
            }
            if (!p.components().isEmpty()) {
                out.println("training sets (per distribution: volumes, slices; distinct slices over the run; validation volumes):");
                p.components().forEach((set, comps) -> {
                    StringBuilder sb = new StringBuilder();
                    comps.forEach((c, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(c).append(' ').append(n[0]).append('/').append(n[1]));
                    out.printf(Locale.ROOT, "  %s: %s; distinct %d; validation %d%n", set, sb, p.distinctSlices().get(set),
                            p.validationVolumes().get(set));
                });
            }
            for (Map.Entry<String, Integer> t : p.testVolumes().entrySet()) out.printf(Locale.ROOT, "  test %-30s %d volume(s)%n", t.getKey(), t.getValue());
            if (p.relations() != null) {
                out.println("held out (out-of-distribution by data) per training set:");
                for (String set : p.components().keySet()) {
                    java.util.List<String> held = new java.util.ArrayList<>();
                    for (String t : p.testVolumes().keySet()) {
                        if (p.relations().kind(set, t) == org.robustmri.report.Relations.Kind.OUT) held.add(t);
                    }
                    out.printf(Locale.ROOT, "  %s: %d of %d test sets%n", set, held.size(), p.testVolumes().size());
                }
            }
            out.println("mask: " + p.runs().get(0).spec().mask().type() + " " + p.runs().get(0).spec().mask().accelerations()
                    + " centre " + p.runs().get(0).spec().mask().centerFractions());
            out.println("baselines: zero-filled" + cfg.baselineEntries().stream().map(b -> ", " + b.name() + (b.tuned() ? " (lambda tuned per training set on "
                    + b.lambdas().size() + " values)" : "")).reduce("", String::concat)
                    + (cfg.baselineEntries().isEmpty() ? "" : " (solved per test slice; not in the time estimate)"));
            if (p.filesChecked() > 0) {
                out.printf(Locale.ROOT, "data files: %d of %d found%s%n", p.filesChecked() - p.filesMissing(), p.filesChecked(),
                        p.filesMissing() == 0 ? "" : " (give --data-root to where the catalogs' files are before running)");
            }
            if (probe) {
                out.printf(Locale.ROOT, "training steps %d, evaluated slices %d; probe %.1f ms/step; estimated %s%n", p.trainSteps(),
                        p.evalSlices(), p.secondsPerStep() * 1000, ProgressBar.formatSeconds(p.estimatedSeconds()));
            } else {
                out.printf(Locale.ROOT, "training steps %d, evaluated slices %d%n", p.trainSteps(), p.evalSlices());
            }
            return 0;
        }
        if (Files.exists(dir.resolve("experiment.yaml")) && !resume) {
            throw new Main.UsageException(dir + " already holds an experiment; add --resume to continue it");
        }
        long t0 = System.nanoTime();
        Report.Built b = exp.run(new ExperimentProgress());
        out.println();
        out.println(b.claims().heading());
        for (String line : b.claims().text()) out.println("  " + line);
        out.println();
        out.println("Findings:");
        for (String f : b.findings()) out.println("  " + f);
        out.printf(Locale.ROOT, "%nreport: %s (%.0f s)%n", b.html(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
