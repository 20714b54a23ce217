package org.robustmri.mask;

import java.util.Arrays;

/**
 * A sampled 2-D phase-encode mask (ky, kz) for 3-D acquisitions, stored row-major
 * ({@code index = y * nz + z}).
 *
 * @param ny              size along ky
 * @param nz              size along kz
 * @param samples         {@code true} where (ky, kz) is acquired, row-major (defensively copied)
 * @param numLowY         centre band height, {@code round(ny * centerFraction)}
 * @param numLowZ         centre band width, {@code round(nz * centerFraction)}
 * @param acceleration    the acceleration chosen for this mask
 * @param centerFraction  the centre fraction chosen for this mask
 */
public record Mask2D(int ny, int nz, boolean[] samples, int numLowY, int numLowZ, double acceleration,
        double centerFraction) {

    public Mask2D {
        if (samples.length != ny * nz) {
            throw new IllegalArgumentException("expected " + ny * nz + " samples, got " + samples.length);
        }
        samples = samples.clone();
    }

    /** A copy of the row-major flags. */
    @Override
    public boolean[] samples() {
        return samples.clone();
    }

    public boolean isSampled(int y, int z) {
        return samples[y * nz + z];
    }

    public int sampledCount() {
        int n = 0;
        for (boolean s : samples) {
            if (s) {
                n++;
            }
        }
        return n;
    }

    /** Number of (ky, kz) positions divided by the number acquired. */
    public double realisedAcceleration() {
        return (double) samples.length / sampledCount();
    }

    /** 1.0 / 0.0 per position, row-major. */
    public float[] toFloats() {
        float[] out = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i] ? 1f : 0f;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask2D m && ny == m.ny && nz == m.nz && numLowY == m.numLowY && numLowZ == m.numLowZ
                && Double.compare(acceleration, m.acceleration) == 0
                && Double.compare(centerFraction, m.centerFraction) == 0
                && Arrays.equals(samples, m.samples);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(samples) * 31 + ny * 7 + nz + Double.hashCode(acceleration)
                + Double.hashCode(centerFraction);
    }

    @Override
    public String toString() {
        return "Mask2D[" + ny + "x" + nz + ",sampled=" + sampledCount() + ",centre=" + numLowY + "x" + numLowZ
                + ",acc=" + MaskSpec.formatNumber(acceleration) + ",cf=" + MaskSpec.formatNumber(centerFraction) + "]";
    }
}
