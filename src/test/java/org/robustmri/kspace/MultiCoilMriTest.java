package org.robustmri.kspace;

import org.robustmri.io.KspaceGeometry;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.robustmri.TestFiles;
import org.robustmri.io.FastMriFile;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MultiCoilMriTest {
    @Test
    void rssOfFullySampledRealKspaceEqualsStoredTarget() {
        for (Path p : TestFiles.realKspaceFiles()) {
            try (FastMriFile f = FastMriFile.open(p)) {
                KspaceGeometry g = f.kspace();
                Tensor k = Tensors.complexFilledBy(buf -> f.readKspaceSlice(0, buf), g.sliceShape());
                int[] ts = f.shapeOf(FastMriFile.TARGET_RSS);
                float[] ours = Tensors.toFloats(Transforms.zeroFilledRss(k, ts[1], ts[2]));
                float[] stored = f.readFloatSlice(FastMriFile.TARGET_RSS, 0);
                double max = 0;
                for (float v : stored) max = Math.max(max, v);
                assertThat(ours).hasSameSizeAs(stored);
                for (int i = 0; i < ours.length; i++) {
                    assertThat((double) ours[i]).as("%s pixel %d", p.getFileName(), i)
                            .isCloseTo(stored[i], within(1e-5 * max));
                }
            }
        }
    }

    @Test
    void maskingLeavesNoNegativeZeroAndHonoursPadding() {
        // Entries with negative zero and negative values: a masked column must become +0 in both parts.
        float[] pairs = {-0f, -0f, -1f, 2f, 3f, -0f, -4f, -5f, 0f, -0f, 6f, 7f};
        Tensor k = Tensors.complexFromInterleaved(pairs, 1, 2, 3);
        float[] out = Tensors.toFloats(MultiCoilMri.of(Sampling.columns(new float[]{0, 1, 1}, 0, 2, "test", 1)).applyMask(k));
        // column 0 masked, column 2 outside padding [0, 2): both +0; column 1 kept as is (plus +0.0).
        float[] expected = {0f, 0f, -1f, 2f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f};
        for (int i = 0; i < out.length; i++) {
            assertThat(Float.floatToRawIntBits(out[i])).as("element %d", i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
    }

    @Test
    void centerCropUsesFastMriOffsets() {
        float[] v = new float[5 * 6];
        for (int i = 0; i < v.length; i++) v[i] = i;
        Tensor t = Tensors.fromFloats(v, 5, 6);
        // rows (5-2)//2 = 1 .. 2, columns (6-3)//2 = 1 .. 3
        assertThat(Tensors.toFloats(Transforms.centerCrop(t, 2, 3))).containsExactly(7, 8, 9, 13, 14, 15);
        assertThat(Torch.shape(Transforms.centerCrop(t, 5, 6))).containsExactly(5, 6);
    }

    @Test
    void normalisationUsesUnbiasedStdAndUndoes() {
        float[] v = {1, 2, 3, 4, 10, -2};
        Tensor t = Tensors.fromFloats(v, 2, 3);
        Transforms.Normalized n = Transforms.normalize(t);
        double mean = 3.0, var = 0;
        for (float x : v) var += (x - mean) * (x - mean);
        double std = Math.sqrt(var / (v.length - 1));
        assertThat(n.mean().item_double()).isCloseTo(mean, within(1e-6));
        assertThat(n.std().item_double()).isCloseTo(std, within(1e-6));
        float[] norm = Tensors.toFloats(n.value());
        assertThat((double) norm[4]).isCloseTo((10 - mean) / std, within(1e-6));
        FftTest.assertClose(Tensors.toFloats(n.undo(n.value())), v, 1e-6);
    }

    @Test
    void separableMaskedZeroFillEqualsTheDirectForm() {
        for (Path p : TestFiles.realKspaceFiles()) {
            try (FastMriFile f = FastMriFile.open(p)) {
                KspaceGeometry g = f.kspace();
                Tensor k = Tensors.complexFilledBy(buf -> f.readKspaceSlice(0, buf), g.sliceShape());
                int width = g.width();
                float[] mask = new float[width];
                for (int j = 0; j < width; j++) mask[j] = (j % 4 == 1 || Math.abs(j - width / 2) < 4) ? 1f : 0f;
                int padL = 2, padR = width - 3;
                long h = g.height() / 2 + 1, w = width - 5;
                MultiCoilMri physics = MultiCoilMri.of(Sampling.columns(mask, padL, padR, "test", 8));
                float[] direct = Tensors.toFloats(Transforms.zeroFilledRss(physics.applyMask(k), h, w));
                float[] fast = Tensors.toFloats(physics.zeroFilledRss(k, h, w));
                float[] fullDirect = Tensors.toFloats(Transforms.zeroFilledRss(k, h, w));
                float[] fullFast = Tensors.toFloats(MultiCoilMri.of(Sampling.full(width)).zeroFilledRss(k, h, w));
                double max = 0;
                for (float v : fullDirect) max = Math.max(max, v);
                for (int i = 0; i < direct.length; i++) {
                    assertThat((double) fast[i]).isCloseTo(direct[i], within(2e-6 * max));
                    assertThat((double) fullFast[i]).isCloseTo(fullDirect[i], within(2e-6 * max));
                }
            }
        }
    }

    @Test
    void separableFormHoldsForOddSizesAndFractionalMasks() {
        Tensor k = Tensors.complexFromInterleaved(FftTest.randomPairs(3 * 37 * 29, 21), 3, 37, 29);
        float[] mask = new float[29];
        for (int j = 0; j < 29; j++) mask[j] = j % 3 == 0 ? 1f : (j % 5 == 0 ? 0.5f : 0f);
        for (long[] crop : new long[][]{{37, 29}, {20, 15}, {19, 28}}) {
            MultiCoilMri physics = MultiCoilMri.of(Sampling.columns(mask, 1, 27, "test", -1));
            float[] direct = Tensors.toFloats(Transforms.zeroFilledRss(physics.applyMask(k), crop[0], crop[1]));
            float[] fast = Tensors.toFloats(physics.zeroFilledRss(k, crop[0], crop[1]));
            FftTest.assertClose(fast, direct, 1e-5);
            FftTest.assertClose(Tensors.toFloats(MultiCoilMri.of(Sampling.full(29)).zeroFilledRss(k, crop[0], crop[1])),
                    Tensors.toFloats(Transforms.zeroFilledRss(k, crop[0], crop[1])), 1e-5);
        }
    }

    private static Tensor randomComplex(long seed, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return Tensors.complexFromInterleaved(FftTest.randomPairs((int) n, seed), shape).to(torch.ScalarType.ComplexDouble);
    }

    /** {@code sum(a * conj(b))} in float64. */
    private static double[] inner(Tensor a, Tensor b) {
        Tensor p = torch.view_as_real(a.mul(b.conj()).sum().reshape(1)).reshape(2);
        double[] v = Tensors.toDoubles(p);
        return v;
    }

    @Test
    void forwardAndAdjointAreAdjointWithMapsAnd1DAnd2DMasks() {
        long b = 2, c = 3, h = 10, w = 12;
        Tensor x = randomComplex(1, b, 1, h, w), y = randomComplex(2, b, c, h, w), maps = randomComplex(3, b, c, h, w);
        float[] cols = new float[(int) w];
        for (int j = 0; j < w; j++) cols[j] = j % 3 == 0 || j == 6 ? 1f : 0f;
        float[] grid = new float[(int) (h * w)];
        for (int i = 0; i < grid.length; i++) grid[i] = (i * 7) % 5 < 2 ? 1f : 0f;
        List<MultiCoilMri> cases = List.of(
                MultiCoilMri.of(Sampling.columns(cols, 1, 11, "cols", 1)),
                MultiCoilMri.of(Sampling.grid(grid, (int) h, (int) w, "2-D")),
                MultiCoilMri.ofBatch(List.of(Sampling.columns(cols, 0, 12, "a", 1), Sampling.columns(cols, 2, 9, "b", 1))),
                MultiCoilMri.of(Sampling.full((int) w)));
        for (MultiCoilMri base : cases) {
            for (MultiCoilMri a : List.of(base, base.withSensitivities(maps))) {
                double[] lhs = inner(a.forward(x.expand(new long[]{b, a == base ? c : 1, h, w}).contiguous()), y);
                double[] rhs = inner(x.expand(new long[]{b, a == base ? c : 1, h, w}).contiguous(), a.adjoint(y));
                assertThat(lhs[0]).isCloseTo(rhs[0], within(1e-9 * Math.abs(lhs[0]) + 1e-9));
                assertThat(lhs[1]).isCloseTo(rhs[1], within(1e-9 * Math.abs(lhs[0]) + 1e-9));
                // masking is idempotent, and A = M A: the adjoint of the mask is the mask
                Tensor k = a.forward(x.expand(new long[]{b, a == base ? c : 1, h, w}).contiguous());
                assertThat(Tensors.toDoubles(a.applyMask(k))).containsExactly(Tensors.toDoubles(k));
            }
        }
    }

    @Test
    void softDataConsistencyActsOnlyOnSampledEntries() {
        float[] cols = {1, 0, 1, 1, 0, 0};
        MultiCoilMri a = MultiCoilMri.of(Sampling.columns(cols, 0, 5, "t", 2)); // column 5 outside the window
        Tensor k = randomComplex(4, 2, 4, 6), k0 = randomComplex(5, 2, 4, 6);
        Tensor weight = Tensors.fromDoubles(new double[]{0.5}, 1);
        double[] dc = Tensors.toDoubles(a.softDataConsistency(k, k0, weight));
        double[] kk = Tensors.toDoubles(k), kk0 = Tensors.toDoubles(k0);
        for (int i = 0; i < dc.length; i++) {
            int column = (i / 2) % 6;
            double expected = column == 0 || column == 2 || column == 3 ? 0.5 * (kk[i] - kk0[i]) : 0.0;
            assertThat(dc[i]).isCloseTo(expected, within(1e-12));
        }
    }
}
