package org.robustmri.cli;

import org.robustmri.eval.FolderReconstruction;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ZeroFilled;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "zerofill", description = {"Writes the zero-filled RSS reconstruction of each input, cropped to the target size (or the header's recon size),",
        "undersampled with the test-time mask seeded from each input file's name (fastMRI's convention).",
        "Files that carry a 'mask' dataset (already undersampled test files) are used as they are.",
        "A folder goes on past files that fail and lists them in OUT/errors.csv (exit code 1)."})
final class ZerofillCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IN.h5|DIR", description = "An input file or a directory of .h5 files.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "OUT.h5|DIR", description = "Output file (for a file input) or directory.")
    Path out;

    @Mixin
    MaskOptions mask;

    @Option(names = "--crop", paramLabel = "HxW", description = {"Reconstruction size instead of each file's target (or the header's recon size;",
            "files with neither are reconstructed whole)."})
    String crop;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        MaskFunction maskFunction = mask.create();
        FolderReconstruction.Plan plan = FolderReconstruction.plan(input, out, false, org.robustmri.convert.ConvertOptions.size(crop));
        for (String w : plan.warnings()) spec.commandLine().getErr().println("warning: " + w);
        FolderReconstruction.Result r;
        try (ProgressBar bar = new ProgressBar("zerofill", plan.slices(), "slices")) {
            r = FolderReconstruction.run("zerofill", new ZeroFilled(), maskFunction, plan, Map.of("method",
                    "zero-filled RSS as the U-Net input (UnetDataTransform): mask*k+0.0 without header padding, ifft2c, centre crop to target size, |.|, RSS over coils"),
                    s -> bar.step());
        }
        return ReconstructCommand.report(spec.commandLine(), r);
    }
}
