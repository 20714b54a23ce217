package org.robustmri.cli;

import org.robustmri.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "report", description = "Rebuilds an experiment's analyses, figures and report.html from its results.csv and runs.csv.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "EXPERIMENT_DIR")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Report.Built b = Report.build(dir);
        var out = spec.commandLine().getOut();
        for (String f : b.findings()) out.println(f);
        out.println("report: " + b.html());
        return 0;
    }
}
