package org.robustmri.cli;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.ZeroFill;
import org.robustmri.io.FastMriFile;
import org.robustmri.mask.MaskFunction;
import org.robustmri.tensor.Torch;
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
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", description = "Benchmarks; see bench/README.md for the reference scripts to compare with.",
        subcommands = {BenchCommand.Pipeline.class})
final class BenchCommand {

    @Command(name = "pipeline", description = "Per-slice input pipeline (read, mask, ifft2c, crop, RSS) in slices per second, and peak memory.")
    static final class Pipeline implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.h5")
        Path file;

        @Option(names = "--repeats", defaultValue = "3")
        int repeats;

        @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Mixin
        MaskOptions mask;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Torch.setThreads(threads);
            MaskFunction mf = mask.create();
            List<Double> rates = new ArrayList<>();
            double checksum = 0;
            int n = 0;
            for (int r = 0; r <= repeats; r++) { // run 0 warms up the JIT and libtorch
                try (FastMriFile f = FastMriFile.open(file)) {
                    long t0 = System.nanoTime();
                    ZeroFill.Sampling sampling = ZeroFill.samplingFor(f, mf);
                    int[] crop = ZeroFill.cropSize(f);
                    n = f.kspace().slices();
                    checksum = 0;
                    for (int s = 0; s < n; s++) {
                        try (PointerScope scope = new PointerScope()) {
                            Tensor img = ZeroFill.slice(f, s, sampling, crop[0], crop[1]);
                            checksum += img.select(0, crop[0] / 2).select(0, crop[1] / 2).item_double();
                        }
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    if (r > 0) rates.add(n / secs);
                }
            }
            rates.sort(null);
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "java-libtorch: slices/s best %.2f median %.2f over %d runs (%d slices, %d threads); peak RSS %.0f MiB; checksum %.6g%n",
                    rates.get(rates.size() - 1), rates.get(rates.size() / 2), rates.size(), n, threads, peakRssMiB(), checksum);
            return 0;
        }
    }

    /** Peak resident set size of this process (VmHWM), which includes native libtorch memory. */
    static double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not on Linux: report unknown
        }
        return Double.NaN;
    }
}
