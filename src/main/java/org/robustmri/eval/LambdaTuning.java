package org.robustmri.eval;

import org.robustmri.io.DataException;
import org.robustmri.mask.MaskFunction;
import org.robustmri.metric.MetricSpec;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The regularisation weight of a model without weights chosen on validation data, as the paper tunes its l1 baseline
 * per distribution: each lambda of a grid reconstructs every validation volume under the test-time masks, and the
 * lambda with the highest mean volume SSIM (fastMRI's) wins; the first of equal scores in grid order.
 */
public final class LambdaTuning {
    /** One grid point: mean volume SSIM and PSNR over the validation volumes. */
    public record Score(double lambda, double ssim, double psnr) {
    }

    /** The winner and the whole grid's scores. */
    public record Result(ModelSpec chosen, double lambda, List<Score> grid, int volumes) {
        /** What provenance records about the choice. */
        public Map<String, Object> provenance() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("lambda_chosen", lambda);
            out.put("lambda_metric", MetricSpec.SSIM_VOLUME.spec());
            out.put("lambda_validation_volumes", volumes);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Score s : grid) rows.add(Map.of("lambda", s.lambda(), "ssim", s.ssim(), "psnr", s.psnr()));
            out.put("lambda_grid", rows);
            return out;
        }
    }

    private LambdaTuning() {
    }

    /** {@code base} with its {@code lambda} replaced; refused for a model that has no lambda. */
    public static ModelSpec withLambda(ModelSpec base, double lambda) {
        if (base.params().get("lambda") == null) throw new IllegalArgumentException(base.name() + " has no lambda to tune");
        Map<String, Object> p = new LinkedHashMap<>(base.params());
        p.put("lambda", lambda);
        return ModelRegistry.family(base.family()).spec(null, p);
    }

    /** Scores every lambda of {@code lambdas} on {@code validation} and returns the best. */
    public static Result tune(ModelSpec base, List<Double> lambdas, List<Evaluator.TestVolume> validation, MaskFunction mask,
                              IntConsumer onSlice) {
        if (lambdas.isEmpty()) throw new IllegalArgumentException("the lambda grid is empty");
        if (validation.isEmpty()) throw new DataException("the validation set has no volumes");
        Path scratch;
        try {
            scratch = Files.createTempDirectory("robustmri-lambda");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Score> grid = new ArrayList<>();
        // the evaluator is never finished: its scores are read from memory and nothing is written
        try (Evaluator ev = new Evaluator(scratch.resolve("grid.csv"), false)) {
            // volume by volume, every lambda in turn: a slice's coil maps are estimated once for the whole grid
            for (Evaluator.TestVolume volume : validation) {
                for (double lambda : lambdas) {
                    ModelSpec spec = withLambda(base, lambda);
                    Evaluator.ModelKey key = new Evaluator.ModelKey(spec.name(), "validation", "none", 0);
                    ev.evaluate(key, ModelRegistry.create(spec, 0), "validation", List.of(volume), mask, onSlice);
                }
            }
            Map<String, double[]> byRun = new LinkedHashMap<>();
            for (Evaluator.SummaryRow r : ev.summary()) {
                double[] v = byRun.computeIfAbsent(r.key().run(), k -> new double[2]);
                if (r.spec().equals(MetricSpec.SSIM_VOLUME.spec())) v[0] = r.value().mean();
                if (r.metric().equals("psnr")) v[1] = r.value().mean();
            }
            for (double lambda : lambdas) {
                double[] v = byRun.get(withLambda(base, lambda).name());
                grid.add(new Score(lambda, v[0], v[1]));
            }
        } finally {
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException ignored) {
                // an empty temporary folder left behind is harmless
            }
        }
        Score best = grid.get(0);
        for (Score s : grid) if (s.ssim() > best.ssim()) best = s;
        return new Result(withLambda(base, best.lambda()), best.lambda(), List.copyOf(grid), validation.size());
    }

    /** Every {@code .h5} file of a folder (or the one file) as whole validation volumes. */
    public static List<Evaluator.TestVolume> volumes(Path fileOrFolder) {
        if (!Files.exists(fileOrFolder)) throw new DataException(fileOrFolder, "no such validation file or folder");
        List<Path> files = Files.isDirectory(fileOrFolder) ? FolderReconstruction.listH5(fileOrFolder) : List.of(fileOrFolder);
        return files.stream().map(Evaluator.TestVolume::whole).toList();
    }
}
