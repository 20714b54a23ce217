package org.robustmri.bench;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.similarity.Embeddings;
import org.robustmri.similarity.NearestNeighbours;
import org.robustmri.tensor.Tensors;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Exact cosine nearest-neighbour search of random embeddings, as the train-test similarity analysis runs it, and the embedding rate. */
public final class SimilarityBench {
    public record Result(int train, int test, int dim, double searchSeconds, double meanSimilarity, int threads, double peakRssMiB,
                         String embedding, double imagesPerSecond) {
        public List<String> lines() {
            double gflop = 2.0 * train * test * dim / 1e9;
            return List.of(String.format(Locale.ROOT,
                            "nearest neighbours: %d test x %d train x %d dims in %.1f s (%.1f GFLOP/s, %d threads); mean similarity %.4f; peak RSS %.0f MiB",
                            test, train, dim, searchSeconds, gflop / searchSeconds, threads, meanSimilarity, peakRssMiB),
                    String.format(Locale.ROOT, "embedding %s: %.1f images/s at 320x320", embedding, imagesPerSecond));
        }
    }

    private SimilarityBench() {
    }

    /** The search, and the embedding rate of {@code embedding} (an {@link Embeddings} name). */
    public static Result run(int train, int test, int dim, int threads, String embedding) {
        SplittableRandom rng = new SplittableRandom(1);
        float[] tr = new float[train * dim], te = new float[test * dim];
        for (int i = 0; i < tr.length; i++) tr[i] = (float) rng.nextDouble();
        for (int i = 0; i < te.length; i++) te[i] = (float) rng.nextDouble();
        long t0 = System.nanoTime();
        var r = NearestNeighbours.search(tr, train, te, test, dim, n -> { });
        double secs = (System.nanoTime() - t0) / 1e9;
        double mean = Arrays.stream(r.similarity()).average().orElse(0);
        double peak = Timings.peakRssMiB();
        String name = embedding;
        var e = Embeddings.of(name);
        double rate;
        try (PointerScope scope = new PointerScope()) {
            Tensor img = Tensors.fromFloats(new float[32 * 320 * 320], 32, 1, 320, 320).uniform_();
            e.embed(img); // warm-up
            long t1 = System.nanoTime();
            for (int i = 0; i < 3; i++) e.embed(img);
            rate = 96 / ((System.nanoTime() - t1) / 1e9);
        }
        return new Result(train, test, dim, secs, mean, threads, peak, name, rate);
    }
}
