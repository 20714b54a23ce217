package org.robustmri.similarity;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.util.function.LongConsumer;

/**
 * Exact nearest neighbours by cosine similarity: blocks of test rows against blocks of training rows, one matrix
 * product each (libtorch), keeping the running best. The winning pair's similarity is then recomputed in float64,
 * so a test vector equal to a training vector scores exactly 1.
 */
public final class NearestNeighbours {
    public record Result(int[] index, double[] similarity) {
    }

    static final int TEST_BLOCK = 2048;
    static final int TRAIN_BLOCK = 16384;

    private NearestNeighbours() {
    }

    /** {@code train}: (N, D), {@code test}: (M, D) row-major float32; {@code progress} gets test rows done. */
    public static Result search(float[] train, int n, float[] test, int m, int d, LongConsumer progress) {
        if (n < 1) throw new IllegalArgumentException("no training vectors");
        if (train.length != (long) n * d || test.length != (long) m * d) throw new IllegalArgumentException("vectors do not match n, m, d");
        int[] best = new int[m];
        double[] sim = new double[m];
        try (PointerScope outer = new PointerScope()) {
            Tensor tr = normalise(Tensors.fromFloats(train, n, d));
            Tensor te = normalise(Tensors.fromFloats(test, m, d));
            for (int i0 = 0; i0 < m; i0 += TEST_BLOCK) {
                int rows = Math.min(TEST_BLOCK, m - i0);
                try (PointerScope scope = new PointerScope()) {
                    Tensor q = te.narrow(0, i0, rows);
                    Tensor bestVal = null, bestIdx = null;
                    for (int j0 = 0; j0 < n; j0 += TRAIN_BLOCK) {
                        int cols = Math.min(TRAIN_BLOCK, n - j0);
                        T_TensorTensor_T mx = torch.max(torch.mm(q, tr.narrow(0, j0, cols).t()), 1, false);
                        Tensor v = mx.get0(), ix = mx.get1().add(Torch.scalar(j0));
                        if (bestVal == null) {
                            bestVal = v;
                            bestIdx = ix;
                        } else {
                            Tensor better = v.gt(bestVal); // ties keep the earlier training row
                            bestVal = torch.where(better, v, bestVal);
                            bestIdx = torch.where(better, ix, bestIdx);
                        }
                    }
                    long[] idx = Tensors.toLongs(bestIdx);
                    for (int r = 0; r < rows; r++) best[i0 + r] = (int) idx[r];
                }
                progress.accept(rows);
            }
        }
        for (int i = 0; i < m; i++) sim[i] = cosine(test, i, train, best[i], d);
        return new Result(best, sim);
    }

    /** Cosine similarity in float64 of row i of a and row j of b. */
    static double cosine(float[] a, int i, float[] b, int j, int d) {
        double dot = 0, na = 0, nb = 0;
        for (int k = 0; k < d; k++) {
            double x = a[i * d + k], y = b[j * d + k];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        if (na == 0 || nb == 0) return 0;
        return dot / Math.sqrt(na * nb);
    }

    private static Tensor normalise(Tensor x) {
        return x.div(torch.linalg_vector_norm(x, Torch.scalar(2), new long[]{1}, true, new org.bytedeco.pytorch.ScalarTypeOptional())
                .clamp_min(Torch.scalar(1e-12)));
    }
}
