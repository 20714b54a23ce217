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
        subcommands = {BenchCommand.Pipeline.class, BenchCommand.TrainStep.class, BenchCommand.Eval.class})
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

    @Command(name = "train-step", description = "Training step time (forward, 1-SSIM loss, backward, clipping, Adam) of a U-Net at a given image size.")
    static final class TrainStep implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "unet-small", description = "Registered model name (default: ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--chans", description = "Custom U-Net base channels (with --pools) instead of --model.")
        Integer chans;

        @Option(names = "--pools", defaultValue = "4")
        int pools;

        @Option(names = "--size", defaultValue = "320")
        int size;

        @Option(names = "--steps", defaultValue = "20")
        int steps;

        @Option(names = "--threads", defaultValue = "2")
        int threads;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Torch.setThreads(threads);
            org.robustmri.model.ModelSpec ms = chans != null ? org.robustmri.model.ModelRegistry.custom("unet", chans, pools)
                    : org.robustmri.model.ModelRegistry.spec(model);
            org.robustmri.model.ReconstructionModel m = org.robustmri.model.ModelRegistry.create(ms, 0);
            List<Double> times = org.robustmri.train.StepTimer.millis(m, size, size, 1, 2, steps);
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "java-libtorch: %s %dx%d: step ms median %.1f best %.1f over %d (%d threads); peak RSS %.0f MiB%n",
                    ms.name(), size, size, times.get(times.size() / 2), times.get(0), times.size(), threads, peakRssMiB());
            return 0;
        }
    }

    @Command(name = "eval", description = "Evaluation throughput (zero-fill input, one forward pass and all metrics per slice) of a model on a file, in slices per second.")
    static final class Eval implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.h5")
        Path file;

        @Option(names = "--model", defaultValue = "unet-small")
        String model;

        @Option(names = "--threads", defaultValue = "2")
        int threads;

        @Option(names = "--repeats", defaultValue = "2")
        int repeats;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Torch.setThreads(threads);
            org.robustmri.model.ReconstructionModel m = org.robustmri.model.ModelRegistry.create(org.robustmri.model.ModelRegistry.spec(model), 0);
            MaskFunction mf = MaskFunction.fromName("equispaced", List.of(4.0), List.of(0.08));
            List<Double> rates = new ArrayList<>();
            Path tmp = Files.createTempDirectory("robustmri-bench-eval");
            try {
                for (int r = 0; r <= repeats; r++) {
                    long t0 = System.nanoTime();
                    try (org.robustmri.eval.Evaluator ev = new org.robustmri.eval.Evaluator(tmp.resolve("results.csv"), false)) {
                        ev.evaluate(new org.robustmri.eval.Evaluator.ModelKey("bench", "none", model, 0), m, "bench",
                                List.of(org.robustmri.eval.Evaluator.TestVolume.whole(file)), mf, null);
                        ev.finish();
                    }
                    int n;
                    try (FastMriFile f = FastMriFile.open(file)) {
                        n = f.kspace().slices();
                    }
                    if (r > 0) rates.add(n / ((System.nanoTime() - t0) / 1e9));
                }
            } finally {
                try (var s = Files.list(tmp)) {
                    for (Path p : s.toList()) Files.deleteIfExists(p);
                }
                Files.deleteIfExists(tmp);
            }
            rates.sort(null);
            spec.commandLine().getOut().printf(Locale.ROOT, "java-libtorch: evaluate %s: slices/s best %.2f median %.2f over %d runs (%d threads); peak RSS %.0f MiB%n",
                    model, rates.get(rates.size() - 1), rates.get(rates.size() / 2), rates.size(), threads, peakRssMiB());
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
