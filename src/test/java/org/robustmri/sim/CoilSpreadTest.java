package org.robustmri.sim;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.robustmri.kspace.Fft;
import org.robustmri.tensor.Tensors;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Coils per pixel against what coil images made by hand must give, whatever the window does to the object. */
class CoilSpreadTest {
    private static final int H = 48, W = 32;

    /** Coil images c_k * object: the ratio is (sum |c|^2)^2 / sum |c|^4 at every pixel, since a common factor cancels. */
    @Test
    void coilsThatSeeTheObjectInFixedProportionsGiveTheirParticipationRatio() {
        double[] re = {1.0, 0.5, -0.3, 0.2, 0.05}, im = {0.0, 0.5, 0.4, -0.1, 0.0};
        double s2 = 0, s4 = 0;
        for (int c = 0; c < re.length; c++) {
            double p = re[c] * re[c] + im[c] * im[c];
            s2 += p;
            s4 += p * p;
        }
        float[] object = object(new SplittableRandom(3));
        float[] kspace = kspaceOf(object, re, im);
        double spread = CoilSpread.effectiveCoils(kspace, re.length, H, W, H, W);
        assertThat(spread).isCloseTo(s2 * s2 / s4, within(1e-6));
    }

    @Test
    void equalCoilsCountInFullAndOneCoilCountsOnce() {
        float[] object = object(new SplittableRandom(5));
        double[] ones = {1, 1, 1, 1, 1, 1, 1, 1}, zeros = new double[8];
        assertThat(CoilSpread.effectiveCoils(kspaceOf(object, ones, zeros), 8, H, W, H, W)).isCloseTo(8.0, within(1e-6));
        double[] one = {0, 0, 2, 0, 0, 0, 0, 0};
        assertThat(CoilSpread.effectiveCoils(kspaceOf(object, one, zeros), 8, H, W, H, W)).isCloseTo(1.0, within(1e-6));
    }

    /** A smooth blob with texture, positive, zero near the edges. */
    private static float[] object(SplittableRandom rng) {
        float[] o = new float[H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double dy = (y - H / 2.0) / (H * 0.3), dx = (x - W / 2.0) / (W * 0.3);
                o[y * W + x] = (float) (Math.exp(-(dx * dx + dy * dy)) * (1 + 0.3 * rng.nextDouble()));
            }
        }
        return o;
    }

    /** fft2c of (coil weight x object) per coil, as interleaved pairs (coils, H, W). */
    private static float[] kspaceOf(float[] object, double[] re, double[] im) {
        int coils = re.length;
        float[] pairs = new float[2 * coils * H * W];
        for (int c = 0; c < coils; c++) {
            for (int i = 0; i < H * W; i++) {
                pairs[2 * (c * H * W + i)] = (float) (re[c] * object[i]);
                pairs[2 * (c * H * W + i) + 1] = (float) (im[c] * object[i]);
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor k = Fft.fft2c(Tensors.complexFromInterleaved(pairs, coils, H, W));
            return Tensors.toFloats(k);
        }
    }
}
