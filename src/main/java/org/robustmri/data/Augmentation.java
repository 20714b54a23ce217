package org.robustmri.data;

/**
 * The paper's data augmentation (its {@code SliceDataset} with {@code augment_data}), applied to fully sampled
 * k-space and its target before masking: with probability 1/2 each, in this order, a vertical flip, a horizontal flip
 * and a 90-degree counter-clockwise rotation ({@code np.rot90}) of both. K-space flipped or rotated about its centre
 * index is the transformed image shifted by one pixel; the paper removes that shift with
 * {@code scipy.ndimage.fourier_shift(kspace, -1)} along the axis that was flipped (the first axis after a rotation),
 * which multiplies k-space row {@code i} of {@code n} by {@code exp(2 pi i i / n)}.
 *
 * @param verticalFlip   flip along H (axis -2)
 * @param horizontalFlip flip along W (axis -1)
 * @param rotate         {@code np.rot90(x, axes=(-2, -1))}: H and W swap
 */
public record Augmentation(boolean verticalFlip, boolean horizontalFlip, boolean rotate) {
    public static final Augmentation NONE = new Augmentation(false, false, false);

    /** The three coins, in the paper's order, from uniform draws in [0, 1): a transform is applied when its draw is above 0.5. */
    public static Augmentation of(double vertical, double horizontal, double rotation) {
        return new Augmentation(vertical > 0.5, horizontal > 0.5, rotation > 0.5);
    }

    /** K-space of {@code coils} x h x w interleaved (re, im) and a target of th x tw, transformed (shapes swap when rotated). */
    public record Slice(float[] kspace, int coils, int height, int width, float[] target, int targetHeight, int targetWidth) {
    }

    public Slice apply(Slice s) {
        Slice out = s;
        if (verticalFlip) {
            out = new Slice(phaseRamp(flip(out.kspace(), out.coils(), out.height(), out.width(), true, 2), out.coils(), out.height(), out.width(), true),
                    out.coils(), out.height(), out.width(),
                    flip(out.target(), 1, out.targetHeight(), out.targetWidth(), true, 1), out.targetHeight(), out.targetWidth());
        }
        if (horizontalFlip) {
            out = new Slice(phaseRamp(flip(out.kspace(), out.coils(), out.height(), out.width(), false, 2), out.coils(), out.height(), out.width(), false),
                    out.coils(), out.height(), out.width(),
                    flip(out.target(), 1, out.targetHeight(), out.targetWidth(), false, 1), out.targetHeight(), out.targetWidth());
        }
        if (rotate) {
            float[] k = rot90(out.kspace(), out.coils(), out.height(), out.width(), 2);
            out = new Slice(phaseRamp(k, out.coils(), out.width(), out.height(), true), out.coils(), out.width(), out.height(),
                    rot90(out.target(), 1, out.targetHeight(), out.targetWidth(), 1), out.targetWidth(), out.targetHeight());
        }
        return out;
    }

    /**
     * The acquisition window {padLeft, padRight} of the k-space columns after the transform (width {@code w} before):
     * mirrored by a horizontal flip; the whole new width after a rotation (the acquired rows become columns). The
     * paper's own code mirrors with the target's width instead of the k-space's (negative padding on padded files) and
     * sets the target's width after a rotation; here the window stays inside the k-space.
     */
    public int[] window(int padLeft, int padRight, int height, int width) {
        int left = padLeft, right = padRight;
        if (horizontalFlip) {
            left = width - padRight;
            right = width - padLeft;
        }
        return rotate ? new int[]{0, height} : new int[]{left, right};
    }

    /** Flips each of {@code planes} h x w planes of {@code pair}-float elements along H ({@code alongH}) or W. */
    private static float[] flip(float[] a, int planes, int h, int w, boolean alongH, int pair) {
        float[] out = new float[a.length];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int si = alongH ? h - 1 - i : i, sj = alongH ? j : w - 1 - j;
                    int dst = ((p * h + i) * w + j) * pair, src = ((p * h + si) * w + sj) * pair;
                    System.arraycopy(a, src, out, dst, pair);
                }
            }
        }
        return out;
    }

    /** {@code np.rot90(x, axes=(-2, -1))} of each h x w plane: out[i][j] = in[j][w - 1 - i], shape w x h. */
    private static float[] rot90(float[] a, int planes, int h, int w, int pair) {
        float[] out = new float[a.length];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < w; i++) {
                for (int j = 0; j < h; j++) {
                    int dst = ((p * w + i) * h + j) * pair, src = ((p * h + j) * w + (w - 1 - i)) * pair;
                    System.arraycopy(a, src, out, dst, pair);
                }
            }
        }
        return out;
    }

    /** {@code fourier_shift(k, -1)} along H ({@code alongH}) or W: element at index i of n times exp(2 pi i i / n). */
    private static float[] phaseRamp(float[] k, int coils, int h, int w, boolean alongH) {
        int n = alongH ? h : w;
        double[] cos = new double[n], sin = new double[n];
        for (int i = 0; i < n; i++) {
            double f = i < (n + 1) / 2 ? (double) i / n : (double) (i - n) / n;   // numpy's fftfreq, as scipy uses it
            cos[i] = Math.cos(2 * Math.PI * f);
            sin[i] = Math.sin(2 * Math.PI * f);
        }
        for (int c = 0; c < coils; c++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int idx = ((c * h + i) * w + j) * 2, r = alongH ? i : j;
                    double re = k[idx], im = k[idx + 1];
                    k[idx] = (float) (re * cos[r] - im * sin[r]);
                    k[idx + 1] = (float) (re * sin[r] + im * cos[r]);
                }
            }
        }
        return k;
    }
}
