package org.robustmri.model;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.kspace.Espirit;
import org.robustmri.kspace.Fft;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

/**
 * Coil maps of the compressed-sensing baselines, estimated per slice from the fully sampled calibration region of its
 * mask: the run of sampled lines through the centre row and the centre column (for a column mask: all rows of the
 * centre band).
 * <ul>
 *   <li>{@code calib}: the region's k-space, tapered by a Hann window over it, gives low-resolution coil images, each
 *       divided by their root-sum-of-squares.</li>
 *   <li>{@code espirit}: {@link Espirit} with BART's {@code ecalib -m1} defaults and the given crop.</li>
 * </ul>
 */
final class CoilMaps {
    private CoilMaps() {
    }

    /**
     * Maps (B, C, H, W) of masked k-space {@code y} (B, C, H, W) by {@code method} ("calib" or "espirit"); ESPIRiT maps
     * are kept in {@link MapsCache} for the next lambda of a grid.
     */
    static Tensor estimate(String method, Tensor y, MultiCoilMri physics, int[][][] regions, double crop) {
        if (!"espirit".equals(method)) return calibration(y, regions);
        return MapsCache.get(method + ":" + crop, physics.weights(), y, () -> espirit(y, regions, crop));
    }

    static Tensor espirit(Tensor y, int[][][] regions, double crop) {
        TensorVector maps = new TensorVector();
        for (int i = 0; i < y.size(0); i++) {
            maps.push_back(Espirit.maps(y.select(0, i), regions[i][0], regions[i][1], Espirit.Settings.BART.withCrop(crop)));
        }
        return torch.stack(maps, 0);
    }

    /** The Hann-tapered calibration maps (the class comment's {@code calib}) of the calibration regions of {@link #regions}. */
    static Tensor calibration(Tensor y, int[][][] regions) {
        long[] s = Torch.shape(y);
        int b = (int) s[0], h = (int) s[2], w = (int) s[3];
        float[] window = new float[b * h * w];
        for (int i = 0; i < b; i++) {
            int[] rows = regions[i][0], cols = regions[i][1];
            double[] wr = hann(rows[1]), wc = hann(cols[1]);
            for (int r = 0; r < rows[1]; r++) {
                for (int c = 0; c < cols[1]; c++) {
                    window[(i * h + rows[0] + r) * w + cols[0] + c] = (float) (wr[r] * wc[c]);
                }
            }
        }
        Tensor taper = Tensors.fromFloats(window, b, 1, h, w);
        if (!y.device().is_cpu()) taper = taper.to(y.device(), torch.ScalarType.Float);
        Tensor coils = Fft.ifft2c(torch.view_as_complex(torch.view_as_real(y).mul(taper.unsqueeze(-1)).contiguous()));
        Tensor power = torch.view_as_real(coils).square().sum(new long[]{-1}, false, new ScalarTypeOptional())
                .sum(new long[]{1}, true, new ScalarTypeOptional());
        double floor = power.max().item_double() * 1e-12 + Double.MIN_NORMAL;
        return coils.div(power.add(Torch.scalar(floor)).sqrt());
    }

    /** {@link #region} of every batch element of {@code y} (B, C, H, W). */
    static int[][][] regions(MultiCoilMri physics, Tensor y) {
        int[][][] out = new int[(int) y.size(0)][][];
        float[] weights = physics.weights();
        for (int i = 0; i < out.length; i++) out[i] = region(weights, physics.batched(), i, (int) y.size(2), (int) y.size(3), y.size(0));
        return out;
    }

    /**
     * The fully sampled calibration rectangle of batch element {@code i}: {rows {start, length}, columns {start, length}}
     * in k-space indices; all of it when the physics is fully sampled.
     */
    private static int[][] region(float[] weights, boolean batched, int i, int h, int w, long batch) {
        if (weights == null) return new int[][]{{0, h}, {0, w}};
        int maskHeight = weights.length / (int) (batched ? batch * w : w);
        int offset = batched ? i * maskHeight * w : 0;
        int[] rows, cols;
        if (maskHeight == 1) {
            rows = new int[]{0, h};
            cols = centreRun(weights, offset, 1, w);
        } else {
            cols = centreRun(weights, offset + (maskHeight / 2) * w, 1, w);
            rows = centreRun(weights, offset + w / 2, w, maskHeight);
        }
        if (rows[1] == 0 || cols[1] == 0) {
            throw new IllegalArgumentException("the mask samples no centre line: no calibration region for coil maps");
        }
        return new int[][]{rows, cols};
    }

    /**
     * The fully sampled run through the centre of a line ({@code n} values {@code stride} apart from {@code offset}),
     * {start, length}: from index {@code n/2} outwards while the mask is non-zero; length 0 when {@code n/2} is not sampled.
     */
    static int[] centreRun(float[] weights, int offset, int stride, int n) {
        int c = n / 2;
        if (weights[offset + c * stride] == 0f) return new int[]{c, 0};
        int lo = c, hi = c + 1;
        while (lo > 0 && weights[offset + (lo - 1) * stride] != 0f) lo--;
        while (hi < n && weights[offset + hi * stride] != 0f) hi++;
        return new int[]{lo, hi - lo};
    }

    /** A Hann window of {@code n} points that is non-zero at both ends: {@code 0.5 (1 - cos(2 pi (i + 1) / (n + 1)))}. */
    static double[] hann(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = 0.5 * (1 - Math.cos(2 * Math.PI * (i + 1) / (n + 1)));
        return out;
    }
}
