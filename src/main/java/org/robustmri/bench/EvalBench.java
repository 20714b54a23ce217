package org.robustmri.bench;

import org.robustmri.eval.Evaluator;
import org.robustmri.io.FastMriFile;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.tensor.Torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Evaluation as a study runs it: zero-filled input, one forward pass and every metric per slice of a file. */
public final class EvalBench {
    public record Result(String model, Timings slicesPerSecond, int threads, double peakRssMiB) {
        public String line() {
            return String.format(Locale.ROOT, "java-libtorch: evaluate %s: slices/s best %.2f median %.2f over %d runs (%d threads); peak RSS %.0f MiB",
                    model, slicesPerSecond.highest(), slicesPerSecond.median(), slicesPerSecond.count(), threads, peakRssMiB);
        }
    }

    private EvalBench() {
    }

    /** One untimed pass, then {@code repeats} timed ones, with an equispaced 4x / 0.08 mask and an untrained model. */
    public static Result run(Path file, String model, int repeats, int threads) {
        ReconstructionModel m = ModelRegistry.create(ModelRegistry.parse(model), 0);
        m.parameters().moveTo(Torch.bestDevice());
        MaskFunction mask = MaskFunction.fromName("equispaced", List.of(4.0), List.of(0.08));
        int slices;
        try (FastMriFile f = FastMriFile.open(file)) {
            slices = f.kspace().slices();
        }
        List<Double> rates = new ArrayList<>();
        Path tmp = temporaryDirectory();
        try {
            for (int r = 0; r <= repeats; r++) {
                long t0 = System.nanoTime();
                try (Evaluator ev = new Evaluator(tmp.resolve("results.csv"), false)) {
                    ev.evaluate(new Evaluator.ModelKey("bench", "none", model, 0), m, "bench", List.of(Evaluator.TestVolume.whole(file)), mask, null);
                    ev.finish();
                }
                if (r > 0) rates.add(slices / ((System.nanoTime() - t0) / 1e9));
            }
        } finally {
            deleteFlat(tmp);
        }
        return new Result(model, Timings.of(rates), threads, Timings.peakRssMiB());
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("robustmri-bench-eval");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    private static void deleteFlat(Path dir) {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
