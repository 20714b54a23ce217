package org.robustmri.kspace;

import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.robustmri.TestFiles;
import org.robustmri.tensor.Tensors;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FftTest {
    @Test
    void matchesNumpyGoldenVectors() {
        for (JsonNode c : TestFiles.golden("fft.json").get("cases")) {
            long[] shape = new long[c.get("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = c.get("shape").get(i).asLong();
            Tensor x = Tensors.complexFromInterleaved(TestFiles.floats(c.get("x")), shape);
            assertClose(Tensors.toFloats(Fft.fft2c(x)), TestFiles.floats(c.get("fft2c")), 2e-6);
            assertClose(Tensors.toFloats(Fft.ifft2c(x)), TestFiles.floats(c.get("ifft2c")), 2e-6);
        }
    }

    @Test
    void agreesWithADirectCentredDft() {
        int h = 5, w = 6;
        float[] x = randomPairs(h * w, 11);
        float[] ours = Tensors.toFloats(Fft.fft2c(Tensors.complexFromInterleaved(x, h, w)));
        // Direct DFT with the centred index convention: ifftshift, DFT, fftshift, scaled by 1/sqrt(HW).
        double scale = 1 / Math.sqrt(h * w);
        for (int u = 0; u < h; u++) {
            for (int v = 0; v < w; v++) {
                int uu = Math.floorMod(u - h / 2, h), vv = Math.floorMod(v - w / 2, w); // fftshift of output
                double re = 0, im = 0;
                for (int y = 0; y < h; y++) {
                    for (int z = 0; z < w; z++) {
                        int sy = (y + h / 2) % h, sz = (z + w / 2) % w; // ifftshift of input
                        double a = x[2 * (sy * w + sz)], b = x[2 * (sy * w + sz) + 1];
                        double ang = -2 * Math.PI * ((double) uu * y / h + (double) vv * z / w);
                        re += a * Math.cos(ang) - b * Math.sin(ang);
                        im += a * Math.sin(ang) + b * Math.cos(ang);
                    }
                }
                assertThat(ours[2 * (u * w + v)]).isCloseTo((float) (re * scale), within(1e-5f));
                assertThat(ours[2 * (u * w + v) + 1]).isCloseTo((float) (im * scale), within(1e-5f));
            }
        }
    }

    @Test
    void roundTripAndParseval() {
        float[] x = randomPairs(3 * 16 * 12, 5);
        Tensor t = Tensors.complexFromInterleaved(x, 3, 16, 12);
        Tensor k = Fft.fft2c(t);
        assertClose(Tensors.toFloats(Fft.ifft2c(k)), x, 1e-5);
        double e1 = energy(x), e2 = energy(Tensors.toFloats(k));
        assertThat(e2).isCloseTo(e1, within(1e-5 * e1));
    }

    private static double energy(float[] pairs) {
        double s = 0;
        for (float v : pairs) s += (double) v * v;
        return s;
    }

    static float[] randomPairs(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[2 * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    static void assertClose(float[] actual, float[] expected, double tol) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(tol * (1 + Math.abs(expected[i]))));
        }
    }
}
