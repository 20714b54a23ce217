package org.robustmri.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.robustmri.eval.Evaluator;
import org.robustmri.eval.RunEvaluation;
import org.robustmri.mask.MaskFunction;
import org.robustmri.train.RunDirectory;
import org.robustmri.train.TrainSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "evaluate", description = {"Scores checkpoints of a run on test distributions: results.csv (long form: run, train set, checkpoint,",
        "epoch, test set, volume, slice, metric, value, metric spec), summary.csv (mean and 95%% volume-bootstrap interval), provenance.json."})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR")
    Path runDir;

    @Option(names = "--checkpoints", defaultValue = "all", description = "all | last | best (default: ${DEFAULT-VALUE}).")
    String checkpoints;

    @Option(names = "--test", required = true, paramLabel = "NAME=SPEC.yaml", description = "A test distribution (repeatable).")
    List<String> tests;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--catalog", description = "Catalog(s) to select test volumes from (default: the run's).")
    List<String> catalogs;

    @Option(names = "--data-root")
    Path dataRoot;

    @Option(names = "--normalize-output", description = "Rescale each output to its target's mean/std before scoring (the paper's Section 7).")
    boolean normalize;

    @Option(names = "--pathology", paramLabel = "BOXES.csv", description = {"Also score pathology boxes (fastMRI+ annotations or the paper's",
            "pathology_testset.csv) on the test volumes: results.csv rows with metric ssim_box, the box, size class and label in metric_spec."})
    Path pathology;

    @Option(names = "--mask", description = "Test mask type (default: the run's); variable-density-2d for image-domain models.") String maskType;
    @Option(names = "--accelerations", split = ",") List<Double> accelerations;
    @Option(names = "--center-fractions", split = ",") List<Double> centerFractions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        TrainSpec ts = TrainSpec.readRun(runDir);
        RunEvaluation.Which which = switch (checkpoints) {
            case "all" -> RunEvaluation.Which.ALL;
            case "last" -> RunEvaluation.Which.LAST;
            case "best" -> RunEvaluation.Which.BEST;
            default -> throw new Main.UsageException("--checkpoints must be all, last or best, got '" + checkpoints + "'");
        };
        Map<String, JsonNode> named = NamedValues.parse(tests, "--test", "NAME=SPEC.yaml", f -> org.robustmri.data.Distribution.readFilters(Path.of(f)));
        MaskFunction mask = MaskFunction.fromName(maskType != null ? maskType : ts.mask().type(),
                accelerations != null ? accelerations : ts.mask().accelerations(),
                centerFractions != null ? centerFractions : ts.mask().centerFractions());
        org.robustmri.model.ModelRegistry.checkMask(org.robustmri.train.TrainRun.modelSpec(ts), mask);
        List<RunEvaluation.TestSet> sets = RunEvaluation.testSets(ts, named, catalogs, dataRoot);
        org.robustmri.data.PathologyBoxes boxes = pathology == null ? null : org.robustmri.data.PathologyBoxes.read(pathology);
        int nCkpt = RunEvaluation.checkpoints(new RunDirectory(runDir), which).size();
        long slices = 0;
        for (RunEvaluation.TestSet s : sets) for (var e : s.entries()) slices += e.slices();
        List<Evaluator.SummaryRow> rows;
        try (ProgressBar bar = new ProgressBar("evaluate", slices * nCkpt, "slices")) {
            rows = RunEvaluation.run(runDir, which, sets, mask, normalize, out, String.join("+", ts.train().keySet()),
                    boxes, s -> bar.step());
        }
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%-22s %5s %-16s %-6s %8s %18s%n", "checkpoint", "epoch", "test", "metric", "mean", "95% interval");
        for (Evaluator.SummaryRow r : rows) {
            if (!r.spec().contains("agg=volume]") && !r.spec().contains("agg=volume,")) {
                o.printf(Locale.ROOT, "%-22s %5d %-16s %-6s %8.4f   [%.4f, %.4f]%n", r.key().checkpoint(), r.key().epoch(),
                        r.testSet(), r.metric(), r.value().mean(), r.value().low(), r.value().high());
            }
        }
        o.println("results: " + out.resolve("results.csv"));
        return 0;
    }
}
