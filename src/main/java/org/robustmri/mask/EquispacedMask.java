package org.robustmri.mask;

import java.util.List;

/**
 * fastMRI {@code EquiSpacedMaskFunc}: columns {@code offset, offset + acc, offset + 2 acc, ...}
 * with {@code offset = randint(0, acc)}. The centre band makes the true acceleration lower than
 * {@code acc}. fastMRI slices with the acceleration as the step, so it only works for integer
 * accelerations; non-integer values are rejected here instead of silently differing.
 */
public final class EquispacedMask extends MaskFunction {

    public static final String TYPE = "equispaced";

    public EquispacedMask(List<Double> accelerations, List<Double> centerFractions) {
        super(TYPE, accelerations, centerFractions);
        for (double a : accelerations) {
            if (a != Math.rint(a)) {
                throw new IllegalArgumentException("equispaced masks need integer accelerations, got " + a);
            }
        }
    }

    @Override
    protected boolean[] accelerationColumns(int width, double acceleration, int numLowFrequencies,
            NumpyRandomState rng) {
        long step = (long) acceleration;
        long offset = rng.randint(0, step);
        boolean[] columns = new boolean[width];
        for (long c = offset; c < width; c += step) {
            columns[(int) c] = true;
        }
        return columns;
    }
}
