package org.robustmri.sim;

import java.util.SplittableRandom;

/**
 * One simulated subject: a 3-D anatomy made of implicit shapes, sampled slice by slice.
 *
 * <p>Scanner coordinates are (u, v, w) in mm: u along image columns (phase encode), v along image rows
 * (readout, top of the image negative), w along the slice axis; the origin is the centre of the field of
 * view. The subject's pose (in-plane rotation, tilt about u, shift) maps them to anatomy coordinates
 * (x, y, z), in which the anatomy is built.
 */
abstract class Phantom {
    private final double cosT, sinT, cosA, sinA, tu, tv, tw;

    /**
     * Draws the pose: in-plane rotation and tilt in degrees (standard deviations) and shifts in mm (half-ranges); with
     * probability {@code rotation90} the subject is also turned by 90 degrees in plane (drawn only when it is above 0,
     * so subjects of distributions without it are unchanged).
     */
    Phantom(SplittableRandom rng, double rotSdDeg, double tiltSdDeg, double shiftInPlane, double shiftSlice, double rotation90) {
        double theta = Math.toRadians(Shapes.normal(rng, 0, rotSdDeg));
        if (rotation90 > 0 && rng.nextDouble() < rotation90) theta += Math.PI / 2;
        double alpha = Math.toRadians(Shapes.normal(rng, 0, tiltSdDeg));
        cosT = Math.cos(theta);
        sinT = Math.sin(theta);
        cosA = Math.cos(alpha);
        sinA = Math.sin(alpha);
        tu = Shapes.uniform(rng, -shiftInPlane, shiftInPlane);
        tv = Shapes.uniform(rng, -shiftInPlane, shiftInPlane);
        tw = Shapes.uniform(rng, -shiftSlice, shiftSlice);
    }

    /** Positions of {@code slices} evenly spaced slices along the slice axis (scanner mm). */
    double[] slicePositions(int slices) {
        double lo = sliceRangeLow(), hi = sliceRangeHigh();
        double[] out = new double[slices];
        for (int s = 0; s < slices; s++) out[s] = lo + (s + 0.5) * (hi - lo) / slices;
        return out;
    }

    abstract double sliceRangeLow();

    abstract double sliceRangeHigh();

    /**
     * Samples the slice at {@code w} on the grid of row positions {@code v[]} and column positions {@code u[]}:
     * {@code labels[r * u.length + c]} gets the tissue label and {@code texture[...]} a multiplicative
     * within-tissue variation (1 = none). Pixels outside the body must be {@link Tissue#BACKGROUND}.
     */
    final void render(double w, double[] v, double[] u, byte[] labels, float[] texture) {
        int width = u.length;
        double[] p = new double[3];
        for (int r = 0; r < v.length; r++) {
            int row = r * width;
            for (int c = 0; c < width; c++) {
                toAnatomy(u[c], v[r], w, p);
                long packed = sample(p[0], p[1], p[2]);
                labels[row + c] = (byte) (packed & 0xff);
                texture[row + c] = Float.intBitsToFloat((int) (packed >>> 32));
            }
        }
    }

    /** Scanner to anatomy coordinates. */
    final void toAnatomy(double u, double v, double w, double[] out) {
        double du = u - tu, dv = v - tv, dw = w - tw;
        double x = cosT * du + sinT * dv;
        double y1 = -sinT * du + cosT * dv;
        out[0] = x;
        out[1] = cosA * y1 + sinA * dw;
        out[2] = -sinA * y1 + cosA * dw;
    }

    /** The tissue at an anatomy point and its texture, packed by {@link #pack}. */
    abstract long sample(double x, double y, double z);

    static long pack(Tissue t, double texture) {
        return ((long) Float.floatToRawIntBits((float) texture) << 32) | (t.ordinal() & 0xffL);
    }

    static final long EMPTY = pack(Tissue.BACKGROUND, 1.0);
}
