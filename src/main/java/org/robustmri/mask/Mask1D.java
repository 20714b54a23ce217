package org.robustmri.mask;

import java.util.Arrays;

/**
 * A sampled 1-D column mask plus the parameters that produced it.
 *
 * @param columns            {@code true} where the k-space column is acquired (defensively copied)
 * @param numLowFrequencies  width of the fully sampled centre band, {@code round(width * centerFraction)}
 * @param acceleration       the acceleration chosen for this mask
 * @param centerFraction     the centre fraction chosen for this mask
 */
public record Mask1D(boolean[] columns, int numLowFrequencies, double acceleration, double centerFraction) {

    public Mask1D {
        columns = columns.clone();
    }

    /** A copy of the column flags. */
    @Override
    public boolean[] columns() {
        return columns.clone();
    }

    public int width() {
        return columns.length;
    }

    public boolean isSampled(int column) {
        return columns[column];
    }

    public int sampledCount() {
        int n = 0;
        for (boolean c : columns) {
            if (c) {
                n++;
            }
        }
        return n;
    }

    /** Width divided by the number of sampled columns (the acceleration actually achieved). */
    public double realisedAcceleration() {
        return (double) width() / sampledCount();
    }

    /** 1.0 / 0.0 per column, the float32 layout fastMRI multiplies k-space with. */
    public float[] toFloats() {
        float[] out = new float[columns.length];
        for (int i = 0; i < columns.length; i++) {
            out[i] = columns[i] ? 1f : 0f;
        }
        return out;
    }

    /** Columns as a string of '0'/'1', handy for logs and golden files. */
    public String toBitString() {
        StringBuilder sb = new StringBuilder(columns.length);
        for (boolean c : columns) {
            sb.append(c ? '1' : '0');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask1D m
                && numLowFrequencies == m.numLowFrequencies
                && Double.compare(acceleration, m.acceleration) == 0
                && Double.compare(centerFraction, m.centerFraction) == 0
                && Arrays.equals(columns, m.columns);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(columns) + Double.hashCode(acceleration) * 17
                + Double.hashCode(centerFraction) + numLowFrequencies;
    }

    @Override
    public String toString() {
        return "Mask1D[width=" + width() + ",sampled=" + sampledCount() + ",numLow=" + numLowFrequencies
                + ",acc=" + MaskSpec.formatNumber(acceleration) + ",cf=" + MaskSpec.formatNumber(centerFraction)
                + ",bits=" + toBitString() + "]";
    }
}
