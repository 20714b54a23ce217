package org.robustmri.cli;

import org.robustmri.convert.ConvertOptions;
import org.robustmri.eval.FolderReconstruction;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ReconstructionModel;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Input, output, mask and crop of the commands that reconstruct a file or a folder, and how they run and report. */
final class FolderRunOptions {
    @Parameters(paramLabel = "IN.h5|DIR", description = "An input file or a directory of .h5 files.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output file (zerofill of one file) or directory.")
    Path out;

    @Mixin
    MaskOptions mask;

    @Option(names = "--crop", paramLabel = "HxW", description = {"Reconstruction size instead of each file's target (or the header's recon size;",
            "files with neither are reconstructed whole)."})
    String crop;

    /**
     * Reconstructs every input with {@code model} behind a progress bar, prints what was written and what failed;
     * exit code 1 when any input failed.
     */
    int run(CommandLine cli, String command, ReconstructionModel model, MaskFunction maskFunction, boolean outIsFolder,
            Map<String, Object> provenance) {
        FolderReconstruction.Plan plan = FolderReconstruction.plan(input, out, outIsFolder, ConvertOptions.size(crop));
        for (String w : plan.warnings()) cli.getErr().println("warning: " + w);
        FolderReconstruction.Result r;
        try (ProgressBar bar = new ProgressBar(command, plan.slices(), "slices")) {
            r = FolderReconstruction.run(command, model, maskFunction, plan, provenance, s -> bar.step());
        }
        cli.getOut().println("wrote " + r.written().size() + " reconstruction file(s); provenance " + r.provenance());
        return FailureReport.exitCode(cli, r.failures(), r.errors());
    }

    /** Every model of a grid into its own folder under {@code --out} ({@code names[i]}); the worst exit code. */
    int runGrid(CommandLine cli, String command, List<ReconstructionModel> models, List<String> names, MaskFunction maskFunction,
                Map<String, Object> provenance) {
        FolderReconstruction.Plan plan = FolderReconstruction.plan(input, out, true, ConvertOptions.size(crop));
        for (String w : plan.warnings()) cli.getErr().println("warning: " + w);
        List<Path> outs = names.stream().map(out::resolve).toList();
        List<FolderReconstruction.Result> results;
        try (ProgressBar bar = new ProgressBar(command, plan.slices() * models.size(), "slices")) {
            results = FolderReconstruction.runGrid(command, models, outs, maskFunction, plan,
                    java.util.Collections.nCopies(models.size(), provenance), s -> bar.step());
        }
        int code = 0;
        for (FolderReconstruction.Result r : results) {
            cli.getOut().println("wrote " + r.written().size() + " reconstruction file(s); provenance " + r.provenance());
            code = Math.max(code, FailureReport.exitCode(cli, r.failures(), r.errors()));
        }
        return code;
    }
}
