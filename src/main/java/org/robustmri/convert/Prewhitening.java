package org.robustmri.convert;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.io.IsmrmrdRawFile.Acquisition;
import org.robustmri.tensor.Tensors;

import java.util.List;

/**
 * Coil prewhitening from noise scans: the noise covariance {@code Psi = N N^H / (M - 1)} over the M noise samples per
 * coil, its Cholesky factor {@code Psi = L L^H}, and the whitening matrix {@code L^-1}, after which the coils' noise is
 * uncorrelated with unit variance.
 */
final class Prewhitening {
    private Prewhitening() {
    }

    /** {@code L^-1} as a row-major C x C complex matrix of (re, im) pairs. */
    static float[] matrix(List<Acquisition> noise, int coils) {
        int m = 0;
        for (Acquisition a : noise) m += a.samples();
        float[] n = new float[2 * coils * m];
        int col = 0;
        for (Acquisition a : noise) {
            if (a.channels() != coils) throw new IllegalArgumentException("noise scans have " + a.channels() + " channels, the data " + coils);
            for (int s = 0; s < a.samples(); s++, col++) {
                for (int c = 0; c < coils; c++) {
                    n[2 * (c * m + col)] = a.re(c, s);
                    n[2 * (c * m + col) + 1] = a.im(c, s);
                }
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Tensors.complexFromInterleaved(n, coils, m).to(torch.ScalarType.ComplexDouble);
            Tensor psi = x.matmul(x.conj().transpose(0, 1).resolve_conj()).div(org.robustmri.tensor.Torch.scalar(m - 1.0));
            Tensor l = torch.linalg_cholesky(psi);
            return Tensors.toFloats(torch.linalg_inv(l).to(torch.ScalarType.ComplexFloat).contiguous());
        }
    }

    /** Replaces the coil vector {@code v} ((re, im) per coil) by {@code W v}. */
    static void apply(float[] w, float[] v, int coils) {
        float[] out = new float[2 * coils];
        for (int i = 0; i < coils; i++) {
            double re = 0, im = 0;
            for (int j = 0; j < coils; j++) {
                float a = w[2 * (i * coils + j)], b = w[2 * (i * coils + j) + 1];
                re += a * v[2 * j] - b * v[2 * j + 1];
                im += a * v[2 * j + 1] + b * v[2 * j];
            }
            out[2 * i] = (float) re;
            out[2 * i + 1] = (float) im;
        }
        System.arraycopy(out, 0, v, 0, out.length);
    }
}
