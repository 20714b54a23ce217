package org.robustmri.sim;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.kspace.Sampling;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One volume being simulated: the subject, scanner and output arrays, filled slice by slice. Slices may be
 * computed concurrently from different threads (each writes only its own part of the arrays); each call of
 * {@link #computeSlice} must run inside the caller's {@code PointerScope}.
 */
final class VolumeJob {
    /** Rendering grid refinement over the output grid (per axis). */
    static final int REFINE = 2;
    /** Sensitivities are evaluated every this many rendering pixels and interpolated (they are smooth). */
    private static final int SENS_STEP = 8;

    final DistributionRecipe d;
    final long seed;
    final int index, slices, matrix, coils;
    private final long volumeSeed;
    private final Phantom phantom;
    private final CoilArray array;
    private final double[] signal;
    private final boolean[] fat;
    private final double[] slicePositions;
    private final double fatResidualBase, fatResidualEdge;
    private final double amplitude, noiseSigma;
    private final float[] kspace, target;
    private final byte[] labels;
    private final AtomicInteger done = new AtomicInteger();

    VolumeJob(DistributionRecipe d, long seed, int index, int slices, int matrix) {
        Simulator.checkSizes(slices, matrix);
        if (index < 0) throw new IllegalArgumentException("volume index must not be negative, got " + index);
        this.d = d;
        this.seed = seed;
        this.index = index;
        this.slices = slices;
        this.matrix = matrix;
        this.coils = d.coils();
        this.volumeSeed = Simulator.volumeSeed(seed, d.name(), index);
        SplittableRandom rng = Simulator.rng(volumeSeed);
        phantom = d.anatomy().newSubject(rng.split(), d);
        array = new CoilArray(d, rng.split());
        SplittableRandom scanner = rng.split();
        fatResidualBase = Shapes.uniform(scanner, 0.02, 0.07);
        fatResidualEdge = Shapes.uniform(scanner, 0.15, 0.4);
        signal = SignalModel.table(d);
        Tissue[] all = Tissue.values();
        fat = new boolean[all.length];
        for (Tissue t : all) fat[t.ordinal()] = t.isFat();
        slicePositions = phantom.slicePositions(slices);
        // an orthonormal FFT on a grid REFINE^2 times larger, cropped and inverted on the output grid, scales
        // the image by REFINE: divide it out so the image equals the object times the sensitivities
        amplitude = d.scaling() / REFINE;
        noiseSigma = d.scaling() / d.effectiveSnr();
        checkFits(coils, slices, matrix);
        kspace = new float[slices * coils * 2 * matrix * matrix * 2];
        target = new float[slices * matrix * matrix];
        labels = new byte[slices * matrix * matrix];
    }

    /** Fails when a volume's k-space does not fit in one Java array. */
    static void checkFits(int coils, int slices, int matrix) {
        long n = (long) slices * coils * 2 * matrix * matrix * 2;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("volume too large: " + slices + " slices x " + coils + " coils x "
                    + 2 * matrix + " x " + matrix + " does not fit in one array; use fewer slices or a smaller matrix");
        }
    }

    /** Computes slice {@code s} and returns how many slices of this volume are done. */
    int computeSlice(int s) {
        int m = matrix;
        int nh = 2 * m * REFINE, nw = m * REFINE; // rendering grid: the (2M, M) k-space grid refined
        double fov = d.fovMm();
        double delta = fov / nw;
        double[] v = new double[nh], u = new double[nw];
        for (int r = 0; r < nh; r++) v[r] = (r - nh / 2) * delta;
        for (int c = 0; c < nw; c++) u[c] = (c - nw / 2) * delta;
        double w = slicePositions[s];

        byte[] fine = new byte[nh * nw];
        float[] texture = new float[nh * nw];
        phantom.render(w, v, u, fine, texture);

        // object signal and the band of rows that contain anything
        float[] object = new float[nh * nw];
        int r0 = nh, r1 = 0;
        boolean fs = d.contrast().fatSuppressed();
        double edge2 = (0.5 * fov) * (0.5 * fov);
        for (int r = 0; r < nh; r++) {
            boolean any = false;
            int row = r * nw;
            for (int c = 0; c < nw; c++) {
                int t = fine[row + c];
                if (t == 0) continue;
                any = true;
                double val = signal[t] * texture[row + c];
                if (fs && fat[t]) {
                    double rr = (u[c] * u[c] + v[r] * v[r]) / edge2;
                    val *= fatResidualBase + fatResidualEdge * Shapes.smoothstep(0.6, 1.6, rr);
                }
                object[row + c] = (float) (val * amplitude);
            }
            if (any) {
                r0 = Math.min(r0, r);
                r1 = r + 1;
            }
        }
        if (r1 > r0) {
            r0 = Math.max(0, r0 - 1);
            r1 = Math.min(nh, r1 + 1);
            soften(object, nw, r0, r1);
        }
        if (d.blurMm() > 0 && r1 > r0) {
            double sigma = d.blurMm() / delta; // in rendering pixels
            int radius = (int) Math.ceil(3 * sigma);
            r0 = Math.max(0, r0 - radius);
            r1 = Math.min(nh, r1 + radius);
            Shapes.gaussianBlur(object, nw, r0, r1, sigma);
        }
        if (r1 - r0 < SENS_STEP) { // empty or tiny: keep a small band in the middle
            int mid = r1 > r0 ? (r0 + r1) / 2 : nh / 2;
            r0 = Math.max(0, mid - SENS_STEP);
            r1 = Math.min(nh, r0 + 2 * SENS_STEP);
        }
        int nb = r1 - r0;

        Tensor obj = Tensors.fromFloats(Arrays.copyOfRange(object, r0 * nw, r1 * nw), nb, nw);
        Tensor sens = sensitivities(w, v, u, r0, nb);
        Tensor image = sens.mul(obj).permute(0, 2, 3, 1).contiguous(); // (C, nb, nw, 2)
        Tensor coilImages = torch.view_as_complex(image);

        Tensor k = centralKspace(coilImages, r0, nh, 2 * m, m);
        Tensor kspaceSlice = k.add(noise(s)).contiguous();
        int sliceValues = coils * 2 * m * m * 2;
        torch.view_as_real(kspaceSlice).contiguous().data_ptr_float().get(kspace, s * sliceValues, sliceValues);

        Tensor rss = MultiCoilMri.of(Sampling.full(m)).zeroFilledRss(kspaceSlice, m, m).contiguous();
        rss.data_ptr_float().get(target, s * m * m, m * m);

        targetLabels(fine, nw, s);
        return done.incrementAndGet();
    }

    /**
     * A [1 2 1]/4 filter along both axes of the rendered object (rows r0..r1-1; rows outside are empty). Real
     * tissue boundaries are not perfectly sharp, and echo trains blur along the phase-encode direction; without
     * it, thin bright layers sampled on the rendering grid ring and alias more than real data do.
     */
    private static void soften(float[] object, int nw, int r0, int r1) {
        float[] line = new float[Math.max(nw, r1 - r0)];
        for (int r = r0; r < r1; r++) {
            int row = r * nw;
            System.arraycopy(object, row, line, 0, nw);
            for (int c = 0; c < nw; c++) {
                float left = c > 0 ? line[c - 1] : 0f, right = c < nw - 1 ? line[c + 1] : 0f;
                object[row + c] = 0.25f * left + 0.5f * line[c] + 0.25f * right;
            }
        }
        float[] prev = new float[nw], cur = new float[nw]; // prev: the empty row above r0
        for (int r = r0; r < r1; r++) {
            int row = r * nw;
            System.arraycopy(object, row, cur, 0, nw);
            for (int c = 0; c < nw; c++) {
                float next = r < r1 - 1 ? object[row + nw + c] : 0f;
                object[row + c] = 0.25f * prev[c] + 0.5f * cur[c] + 0.25f * next;
            }
            float[] t = prev;
            prev = cur;
            cur = t;
        }
    }

    /** Sensitivities (C, nb, nw, 2) as a real tensor shaped (C, 2, nb, nw): evaluated coarsely, interpolated bilinearly. */
    private Tensor sensitivities(double w, double[] v, double[] u, int r0, int nb) {
        int nw = u.length;
        int hl = Math.max(2, (nb - 1 + SENS_STEP - 1) / SENS_STEP + 1);
        int wl = Math.max(2, (nw - 1 + SENS_STEP - 1) / SENS_STEP + 1);
        double vStart = v[r0], vEnd = v[r0 + nb - 1];
        double uStart = u[0], uEnd = u[nw - 1];
        float[] low = new float[2 * coils * hl * wl];
        double[] re = new double[coils], im = new double[coils];
        int plane = hl * wl;
        for (int i = 0; i < hl; i++) {
            double vv = vStart + (vEnd - vStart) * i / (hl - 1);
            for (int j = 0; j < wl; j++) {
                double uu = uStart + (uEnd - uStart) * j / (wl - 1);
                array.evaluate(uu, vv, w, re, im);
                int p = i * wl + j;
                for (int c = 0; c < coils; c++) {
                    low[(2 * c) * plane + p] = (float) re[c];
                    low[(2 * c + 1) * plane + p] = (float) im[c];
                }
            }
        }
        Tensor coarse = Tensors.fromFloats(low, 1, 2L * coils, hl, wl);
        return torch.upsample_bilinear2d(coarse, new long[]{nb, nw}, true).view(coils, 2, nb, nw);
    }

    /**
     * The central (outH, outW) block of {@code fft2c} of a (C, nh, nw) complex image that is zero outside rows
     * [r0, r0 + nb), given only that band (C, nb, nw): transforms along columns then rows, computing only the
     * kept frequencies, with the centring and the band offset folded into phase factors.
     */
    static Tensor centralKspace(Tensor band, int r0, int nh, int outH, int outW) {
        long[] shape = Torch.shape(band);
        int nw = (int) shape[shape.length - 1];
        Tensor kw = torch.fft_fft(band, new LongOptional(nw), -1, Torch.ortho())
                .index_select(-1, Tensors.fromLongs(frequencyIndex(outW, nw), outW));
        Tensor kh = torch.fft_fft(kw, new LongOptional(nh), -2, Torch.ortho())
                .index_select(-2, Tensors.fromLongs(frequencyIndex(outH, nh), outH));
        return kh.mul(rowPhase(outH, nh, r0)).mul(rowPhase(outW, nw, 0).view(1, outW));
    }

    /** Indices into an unshifted length-{@code n} DFT for centred frequencies -count/2 .. count/2-1. */
    static long[] frequencyIndex(int count, int n) {
        long[] idx = new long[count];
        for (int i = 0; i < count; i++) idx[i] = Math.floorMod(i - count / 2, n);
        return idx;
    }

    /**
     * Phase that turns the DFT of a band starting at row {@code r0} into the centred DFT of the whole column:
     * {@code exp(-2 pi i kappa (r0 - n/2) / n)} for kappa = -count/2 .. count/2-1, shaped (count, 1).
     */
    private static Tensor rowPhase(int count, int n, int r0) {
        float[] pairs = new float[2 * count];
        for (int i = 0; i < count; i++) {
            long kappa = i - count / 2;
            long turns = Math.floorMod(kappa * (r0 - n / 2), (long) n); // exact phase reduction
            double angle = -2 * Math.PI * turns / n;
            pairs[2 * i] = (float) Math.cos(angle);
            pairs[2 * i + 1] = (float) Math.sin(angle);
        }
        return Tensors.complexFromInterleaved(pairs, count, 1);
    }

    /** Complex Gaussian noise (C, 2M, M) with the array's covariance, from the slice's own generator. */
    private Tensor noise(int s) {
        int m = matrix;
        int perCoil = 2 * m * m * 2;
        float[] white = new float[coils * perCoil];
        SplittableRandom rng = Simulator.rng(Simulator.sliceSeed(volumeSeed, s));
        double[][] l = array.noiseCholesky();
        boolean correlated = array.correlated();
        for (int c = 0; c < coils; c++) {
            double scale = noiseSigma * (correlated ? 1.0 : l[c][c]);
            int off = c * perCoil;
            for (int i = 0; i < perCoil; i++) white[off + i] = (float) (rng.nextGaussian() * scale);
        }
        Tensor n = Tensors.fromFloats(white, coils, perCoil);
        if (correlated) {
            float[] lf = new float[coils * coils];
            for (int i = 0; i < coils; i++) for (int j = 0; j < coils; j++) lf[i * coils + j] = (float) l[i][j];
            n = torch.matmul(Tensors.fromFloats(lf, coils, coils), n);
        }
        return torch.view_as_complex(n.view(coils, 2L * m, m, 2));
    }

    /** Tissue labels on the target grid: target pixel (i, j) sits on rendering pixel (2i + M, 2j). */
    private void targetLabels(byte[] fine, int nw, int s) {
        int m = matrix;
        int nh = fine.length / nw;
        int base = s * m * m;
        for (int i = 0; i < m; i++) {
            int fr = REFINE * i + m;
            for (int j = 0; j < m; j++) {
                int fc = REFINE * j;
                byte t = fine[fr * nw + fc];
                boolean pure = true;
                for (int dr = -1; dr <= 1 && pure; dr++) {
                    int rr = fr + dr;
                    if (rr < 0 || rr >= nh) continue;
                    for (int dc = -1; dc <= 1; dc++) {
                        int cc = fc + dc;
                        if (cc < 0 || cc >= nw) continue;
                        if (fine[rr * nw + cc] != t) {
                            pure = false;
                            break;
                        }
                    }
                }
                labels[base + i * m + j] = pure ? t : Tissue.MIXED;
            }
        }
    }

    boolean complete() {
        return done.get() == slices;
    }

    SimulatedVolume result() {
        if (!complete()) throw new IllegalStateException("volume " + index + " has " + done.get() + " of " + slices + " slices");
        return new SimulatedVolume(d, seed, index, slices, matrix, kspace, target, labels, slicePositions.clone());
    }
}
