package org.robustmri.cli;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.MaskPolicy;
import org.robustmri.data.VolumeInfo;
import org.robustmri.data.ZeroFilledImageTransform;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.io.FastMriFile;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.tensor.Torch;
import org.robustmri.train.StepTimer;
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

@Command(mixinStandardHelpOptions = true, name = "bench", description = "Benchmarks; see bench/README.md for the reference scripts to compare with.",
        subcommands = {BenchCommand.Pipeline.class, BenchCommand.TrainStep.class, BenchCommand.Eval.class, BenchCommand.Plan.class, BenchCommand.Similarity.class})
final class BenchCommand {

    @Command(mixinStandardHelpOptions = true, name = "pipeline", description = "Per-slice input pipeline (read, mask, ifft2c, crop, RSS) in slices per second, and peak memory.")
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
                    MultiCoilMri physics = MultiCoilMri.of(MaskPolicy.forFile(f, mf).withoutPadding());
                    int[] crop = VolumeInfo.cropSize(f);
                    n = f.kspace().slices();
                    checksum = 0;
                    for (int s = 0; s < n; s++) {
                        try (PointerScope scope = new PointerScope()) {
                            Tensor img = ZeroFilledImageTransform.zeroFilled(f, s, physics, crop[0], crop[1]);
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

    @Command(mixinStandardHelpOptions = true, name = "train-step", description = {"Training step time (forward, 1-SSIM loss, backward, clipping, Adam) of any model,",
            "through the training path (the model's own transform on a file of random k-space, equispaced 4x/0.08 masks)."})
    static final class TrainStep implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "unet-small", description = {"Registered name, family, or NAME:key=value,...",
                "e.g. varnet-small, unet:chans=8,pools=3, varnet:cascades=2,chans=4 (default: ${DEFAULT-VALUE})."})
        String model;

        @Option(names = "--chans", description = "Custom U-Net base channels (with --pools) instead of --model.")
        Integer chans;

        @Option(names = "--pools", defaultValue = "4")
        int pools;

        @Option(names = "--size", defaultValue = "320", description = "Reconstruction size (square) (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--coils", defaultValue = "1", description = "Receiver coils of the k-space (default: ${DEFAULT-VALUE}).")
        int coils;

        @Option(names = "--kspace", paramLabel = "HxW", description = "k-space size (readout x phase encode); default the reconstruction size.")
        String kspace;

        @Option(names = "--batch", defaultValue = "1")
        int batch;

        @Option(names = "--steps", defaultValue = "20")
        int steps;

        @Option(names = "--threads", defaultValue = "2")
        int threads;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Torch.setThreads(threads);
            ModelSpec ms = chans != null ? ModelRegistry.resolve("unet", java.util.Map.of("chans", chans, "pools", pools))
                    : ModelRegistry.parse(model);
            ReconstructionModel m = ModelRegistry.create(ms, 0);
            m.parameters().moveTo(Torch.bestDevice());
            int kh = size, kw = size;
            if (kspace != null) {
                String[] hw = kspace.toLowerCase(Locale.ROOT).split("x");
                if (hw.length != 2) throw new Main.UsageException("--kspace takes HxW, got '" + kspace + "'");
                kh = Integer.parseInt(hw[0].trim());
                kw = Integer.parseInt(hw[1].trim());
            }
            int h = Math.min(size, kh), w = Math.min(size, kw);
            StepTimer.Shape shape = new StepTimer.Shape(coils, kh, kw, h, w);
            List<Double> times = StepTimer.millis(m, shape, batch, 2, steps);
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "java-libtorch: %s coils=%d kspace %dx%d image %dx%d batch %d: step ms median %.1f best %.1f over %d (%d threads); peak RSS %.0f MiB%n",
                    ms.name(), coils, kh, kw, h, w, batch, times.get(times.size() / 2), times.get(0), times.size(), threads, peakRssMiB());
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "eval", description = "Evaluation throughput (zero-fill input, one forward pass and all metrics per slice) of a model on a file, in slices per second.")
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
            ReconstructionModel m = ModelRegistry.create(ModelRegistry.parse(model), 0);
            m.parameters().moveTo(Torch.bestDevice());
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
    @Command(mixinStandardHelpOptions = true, name = "plan", description = {"Memory and time of epoch plans for a synthetic catalog (a Section 7-sized mixture by default):",
            "the catalog and mixture, one epoch's plan as training holds it (plans are computed per epoch), and all epochs' plans held at once for comparison."})
    static final class Plan implements Callable<Integer> {
        @Option(names = "--slices", defaultValue = "413000", description = "Slices in the synthetic catalog (default: ${DEFAULT-VALUE}).")
        int slices;

        @Option(names = "--slices-per-volume", defaultValue = "16")
        int perVolume;

        @Option(names = "--distributions", defaultValue = "8", description = "The catalog is split into this many mixture components.")
        int distributions;

        @Option(names = "--epochs", defaultValue = "40")
        int epochs;

        @Option(names = "--hold-all", negatable = true, defaultValue = "true", description = "Also hold all epochs' plans at once (default: ${DEFAULT-VALUE}).")
        boolean holdAll;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            long base = usedHeap();
            int volumes = (slices + perVolume - 1) / perVolume;
            java.util.Map<Integer, List<org.robustmri.data.CatalogEntry>> parts = new java.util.TreeMap<>();
            int left = slices;
            for (int v = 0; v < volumes; v++) {
                int n = Math.min(perVolume, left);
                left -= n;
                java.util.Map<String, String> cells = new java.util.LinkedHashMap<>();
                cells.put("filename", String.format(Locale.ROOT, "file_synthetic_%07d.h5", v));
                cells.put("start_slice", "0");
                cells.put("end_slice", Integer.toString(n));
                cells.put("numSlices", Integer.toString(n));
                cells.put("datasetName", "synthetic-" + (v % distributions));
                parts.computeIfAbsent(v % distributions, k -> new ArrayList<>()).add(org.robustmri.data.CatalogEntry.of(cells));
            }
            var b = org.robustmri.data.Mixture.builder().seed(0);
            for (var e : parts.entrySet()) b.add("synthetic-" + e.getKey(), e.getValue());
            org.robustmri.data.Mixture mix = b.build();
            parts = null;
            long catalog = usedHeap() - base;
            long t0 = System.nanoTime();
            org.robustmri.data.Mixture.EpochPlan one = mix.plan(1);
            double planMs = (System.nanoTime() - t0) / 1e6;
            long onePlan = usedHeap() - base - catalog;
            out.printf(Locale.ROOT, "synthetic catalog: %d slices in %d volumes, %d distributions; catalog and mixture %.1f MiB%n",
                    slices, volumes, distributions, catalog / 1048576.0);
            out.printf(Locale.ROOT, "one epoch's plan (%d draws): %.1f MiB, computed in %.0f ms; %d epochs computed one at a time hold %.1f MiB at any moment%n",
                    one.size(), onePlan / 1048576.0, planMs, epochs, onePlan / 1048576.0);
            if (holdAll) {
                List<org.robustmri.data.Mixture.EpochPlan> all = new ArrayList<>();
                all.add(one);
                for (int e = 2; e <= epochs; e++) all.add(mix.plan(e));
                long held = usedHeap() - base - catalog;
                out.printf(Locale.ROOT, "all %d plans held at once: %.1f MiB (%.1fx one plan)%n", all.size(), held / 1048576.0, (double) held / onePlan);
            }
            return 0;
        }

        private static long usedHeap() {
            Runtime rt = Runtime.getRuntime();
            for (int i = 0; i < 3; i++) System.gc();
            return rt.totalMemory() - rt.freeMemory();
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "similarity", description = {"Exact cosine nearest-neighbour search of random embeddings (train x test x dimension),",
            "as the train-test similarity analysis runs it; also the embedding rate of the default embedding on 320x320 images."})
    static final class Similarity implements Callable<Integer> {
        @Option(names = "--train", defaultValue = "100000")
        int train;

        @Option(names = "--test", defaultValue = "10000")
        int test;

        @Option(names = "--dim", defaultValue = "480", description = "Embedding dimension (default: ${DEFAULT-VALUE}, the random-conv embedding's).")
        int dim;

        @Option(names = "--threads", defaultValue = "2")
        int threads;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Torch.setThreads(threads);
            java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
            float[] tr = new float[train * dim], te = new float[test * dim];
            for (int i = 0; i < tr.length; i++) tr[i] = (float) rng.nextDouble();
            for (int i = 0; i < te.length; i++) te[i] = (float) rng.nextDouble();
            long t0 = System.nanoTime();
            var r = org.robustmri.similarity.NearestNeighbours.search(tr, train, te, test, dim, n -> { });
            double secs = (System.nanoTime() - t0) / 1e9;
            double gflop = 2.0 * train * test * dim / 1e9;
            var out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "nearest neighbours: %d test x %d train x %d dims in %.1f s (%.1f GFLOP/s, %d threads); mean similarity %.4f; peak RSS %.0f MiB%n",
                    test, train, dim, secs, gflop / secs, threads, java.util.Arrays.stream(r.similarity()).average().orElse(0), peakRssMiB());
            var e = org.robustmri.similarity.Embeddings.of("random-conv");
            try (PointerScope scope = new PointerScope()) {
                Tensor img = org.robustmri.tensor.Tensors.fromFloats(new float[32 * 320 * 320], 32, 1, 320, 320).uniform_();
                e.embed(img);
                long t1 = System.nanoTime();
                for (int i = 0; i < 3; i++) e.embed(img);
                out.printf(Locale.ROOT, "embedding %s: %.1f images/s at 320x320%n", "random-conv", 96 / ((System.nanoTime() - t1) / 1e9));
            }
            return 0;
        }
    }

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
