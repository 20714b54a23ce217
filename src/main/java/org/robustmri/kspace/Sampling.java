package org.robustmri.kspace;

import java.util.Arrays;

/**
 * Which k-space samples of a slice are kept: a mask of phase-encode columns (height 1, length W) or a 2-D mask
 * (height H, row-major H x W), and the acquisition window {@code [padLeft, padRight)} of the header's encoding
 * limits, outside which fastMRI's VarNet transform zeroes the mask. {@code mask == null} means fully sampled.
 *
 * @param numLowFrequencies the centre band the mask function drew ({@code round(W * centre fraction)}), -1 unknown
 */
public record Sampling(float[] mask, int height, int width, int padLeft, int padRight, String description,
                       int numLowFrequencies) {
    public Sampling {
        if (width < 1) throw new IllegalArgumentException("mask width must be positive, got " + width);
        if (height < 1) throw new IllegalArgumentException("mask height must be positive, got " + height);
        if (mask != null && mask.length != (long) height * width) {
            throw new IllegalArgumentException("mask has " + mask.length + " values, expected " + height + "x" + width);
        }
    }

    /** Every sample kept, no window. */
    public static Sampling full(int width) {
        return new Sampling(null, 1, width, 0, width, "fully-sampled", width);
    }

    /** A column mask with the header's acquisition window. */
    public static Sampling columns(float[] columns, int padLeft, int padRight, String description, int numLowFrequencies) {
        return new Sampling(columns, 1, columns.length, padLeft, padRight, description, numLowFrequencies);
    }

    /** A 2-D (H x W, row-major) mask without a window. */
    public static Sampling grid(float[] mask, int height, int width, String description) {
        return new Sampling(mask, height, width, 0, width, description, -1);
    }

    public boolean isColumns() {
        return height == 1;
    }

    public boolean isFull() {
        return mask == null && padLeft <= 0 && padRight >= width;
    }

    /** The same mask with the acquisition window ignored (fastMRI's U-Net transform applies no padding). */
    public Sampling withoutPadding() {
        return padLeft <= 0 && padRight >= width ? this
                : new Sampling(mask, height, width, 0, width, description, numLowFrequencies);
    }

    /**
     * The weights actually applied, row-major (length W for columns, H x W otherwise): the mask, or ones when fully
     * sampled, with columns outside the window set to 0.
     */
    public float[] weights() {
        float[] w;
        if (mask == null) {
            w = new float[height * width];
            Arrays.fill(w, 1f);
        } else {
            w = mask.clone();
        }
        for (int r = 0; r < height; r++) {
            for (int j = 0; j < width; j++) {
                if (j < padLeft || j >= padRight) w[r * width + j] = 0f;
            }
        }
        return w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sampling s && height == s.height && width == s.width && padLeft == s.padLeft
                && padRight == s.padRight && numLowFrequencies == s.numLowFrequencies
                && description.equals(s.description) && Arrays.equals(mask, s.mask);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mask) * 31 + width * 7 + height + padLeft * 13 + padRight * 17 + description.hashCode();
    }

    @Override
    public String toString() {
        return "Sampling[" + (isColumns() ? "columns " + width : height + "x" + width) + ", window [" + padLeft + ", "
                + padRight + "), " + description + "]";
    }
}
