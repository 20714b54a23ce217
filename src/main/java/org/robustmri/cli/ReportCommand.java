package org.robustmri.cli;

import org.robustmri.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "report", description = {"Rebuilds an experiment's analyses, figures and report.html from its results.csv, runs.csv and",
        "relations.csv (and the analysis options in its experiment.yaml)."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "EXPERIMENT_DIR")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        java.nio.file.Path cfg = dir.resolve("experiment.yaml");
        var options = java.nio.file.Files.isRegularFile(cfg)
                ? org.robustmri.experiment.Experiment.analysisOptions(org.robustmri.experiment.ExperimentConfig.read(cfg))
                : org.robustmri.report.Analyses.Options.defaults();
        Report.Built b = Report.build(dir, options);
        var out = spec.commandLine().getOut();
        out.println(b.claims().heading());
        for (String line : b.claims().text()) out.println("  " + line);
        out.println();
        for (String f : b.findings()) out.println(f);
        out.println("report: " + b.html());
        return 0;
    }
}
