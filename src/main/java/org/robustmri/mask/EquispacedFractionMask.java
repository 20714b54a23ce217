package org.robustmri.mask;

import java.util.List;

/**
 * fastMRI {@code EquispacedMaskFractionFunc}: equispaced outer columns whose spacing is adjusted
 * for the centre band so that the overall acceleration matches the target,
 * {@code adj = acc (numLow - width) / (numLow acc - width)}. Columns are
 * {@code np.around(np.arange(offset, width - 1, adj))} with {@code offset = randint(0, round(adj))},
 * hence not exactly equispaced (fastMRI issue 54); kept that way to match the public data.
 */
public final class EquispacedFractionMask extends MaskFunction {

    public static final String TYPE = "equispaced-fraction";

    public EquispacedFractionMask(List<Double> accelerations, List<Double> centerFractions) {
        super(TYPE, accelerations, centerFractions);
    }

    @Override
    protected boolean[] accelerationColumns(int width, double acceleration, int numLowFrequencies,
            NumpyRandomState rng) {
        double adjusted = (acceleration * (numLowFrequencies - width)) / (numLowFrequencies * acceleration - width);
        long high = (long) Math.rint(adjusted);
        if (!(adjusted > 0) || high < 1) {
            throw new IllegalArgumentException("equispaced-fraction: adjusted acceleration " + adjusted
                    + " is not usable (width=" + width + ", acceleration=" + acceleration + ", numLow="
                    + numLowFrequencies + "); the centre band is too wide for this acceleration");
        }
        long offset = rng.randint(0, high);
        boolean[] columns = new boolean[width];
        for (double v : numpyArange(offset, width - 1, adjusted)) {
            columns[(int) Math.rint(v)] = true;
        }
        return columns;
    }

    /**
     * {@code np.arange(start, stop, step)} for an integer start and a float step: length
     * {@code ceil((stop - start) / step)}; element 1 is {@code start + step} and element i >= 2 is
     * {@code start + i * ((start + step) - start)}, which is how numpy fills the array (it is not
     * always equal to {@code start + i * step}).
     */
    static double[] numpyArange(long start, long stop, double step) {
        double count = Math.ceil((double) (stop - start) / step);
        int n = count > 0 ? (int) count : 0;
        double[] out = new double[n];
        if (n == 0) {
            return out;
        }
        double first = start;
        out[0] = first;
        if (n == 1) {
            return out;
        }
        double second = first + step;
        out[1] = second;
        double delta = second - first;
        for (int i = 2; i < n; i++) {
            out[i] = first + i * delta;
        }
        return out;
    }
}
