package org.robustmri.cli;

import org.robustmri.eval.Reconstructor;
import org.robustmri.model.ZeroFilled;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.Provenance;
import org.robustmri.mask.MaskFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(mixinStandardHelpOptions = true, name = "zerofill", description = {"Writes the zero-filled RSS reconstruction of each input, cropped to the target size (or the header's recon size),",
        "undersampled with the test-time mask seeded from each input file's name (fastMRI's convention).",
        "Files that carry a 'mask' dataset (already undersampled test files) are used as they are."})
final class ZerofillCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IN.h5|DIR", description = "An input file or a directory of .h5 files.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "OUT.h5|DIR", description = "Output file (for a file input) or directory.")
    Path out;

    @Mixin
    MaskOptions mask;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        MaskFunction maskFunction = mask.create();
        List<Path[]> jobs = new ArrayList<>();
        Path outDir;
        if (Files.isDirectory(input)) {
            if (Files.isRegularFile(out)) throw new Main.UsageException("--out must be a directory when the input is a directory");
            outDir = out;
            for (Path in : listH5(input)) jobs.add(new Path[]{in, out.resolve(in.getFileName())});
            if (jobs.isEmpty()) throw new DataException(input, "no .h5 files");
        } else if (Files.isRegularFile(input)) {
            Path target = Files.isDirectory(out) ? out.resolve(input.getFileName()) : out;
            outDir = target.toAbsolutePath().getParent();
            jobs.add(new Path[]{input, target});
        } else {
            throw new DataException(input, "no such file or directory");
        }
        long slices = totalSlices(jobs.stream().map(j -> j[0]).toList());
        List<Path> written = new ArrayList<>();
        try (ProgressBar bar = new ProgressBar("zerofill", slices, "slices")) {
            for (Path[] j : jobs) {
                Reconstructor.writeFile(new ZeroFilled(), j[0], j[1], maskFunction, s -> bar.step());
                written.add(j[1]);
            }
        }
        String provName = Files.isDirectory(input) ? "provenance.json" : out.getFileName() + ".provenance.json";
        new Provenance("zerofill")
                .put("mask", maskFunction == null ? "none" : maskFunction.spec().toString())
                .put("mask_seed", "numpy RandomState(tuple(map(ord, file_name)))")
                .put("method", "zero-filled RSS as the U-Net input (UnetDataTransform): mask*k+0.0 without header padding, ifft2c, centre crop to target size, |.|, RSS over coils")
                .inputs(jobs.stream().map(j -> j[0]).toList())
                .put("outputs", written.stream().map(p -> p.getFileName().toString()).toList())
                .write(outDir.resolve(provName));
        spec.commandLine().getOut().println("wrote " + written.size() + " reconstruction file(s) to " + outDir);
        return 0;
    }

    /** Slices of all inputs (opens each header, so a bad file fails before any output is written). */
    static long totalSlices(List<Path> files) {
        long slices = 0;
        for (Path p : files) {
            try (FastMriFile f = FastMriFile.open(p)) {
                slices += f.kspace().slices();
            }
        }
        return slices;
    }

    static List<Path> listH5(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".h5")
                    && !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir, "cannot list directory: " + e.getMessage(), e);
        }
    }
}
