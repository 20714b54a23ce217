package org.robustmri.cli;

import org.robustmri.convert.Exporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "export", description = {
        "Writes k-space, targets or reconstructions of fastMRI-layout files for other tools: BART .cfl/.hdr (dims [H, W, slices, coils]),",
        "numpy .npy ((slices, coils, H, W) complex64 or (slices, h, w) float32), NIfTI-1 .nii (voxel size from the header's field",
        "of view) or PNG (a slice per image, scaled to the volume's maximum)."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IN.h5|DIR")
    Path input;

    @Option(names = "--format", required = true, paramLabel = "cfl|npy|nifti|png")
    String format;

    @Option(names = "--what", paramLabel = "kspace|target|reconstruction|image", description = {"What to export (default: k-space for cfl and npy when the",
            "file has it, else its reconstruction or target; image is the whole fully sampled RSS image)."})
    String what;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Path> files = Exporter.inputs(input);
        Exporter.Result r;
        try (ProgressBar bar = new ProgressBar("export", files.size(), "files")) {
            r = Exporter.run(files, out, format, what, f -> bar.step());
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote " + r.written().size() + " file(s) to " + out + "; provenance " + r.provenance());
        return FailureReport.exitCode(spec.commandLine(), r.failures(), r.errors());
    }
}
