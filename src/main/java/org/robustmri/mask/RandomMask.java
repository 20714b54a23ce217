package org.robustmri.mask;

import java.util.List;

/**
 * fastMRI {@code RandomMaskFunc}: each outer column is kept independently with probability
 * {@code (width / acc - numLow) / (width - numLow)}, so the expected number of sampled columns is
 * {@code width / acc}. Draws {@code width} uniforms (one per column, centre included).
 */
public final class RandomMask extends MaskFunction {

    public static final String TYPE = "random";

    public RandomMask(List<Double> accelerations, List<Double> centerFractions) {
        super(TYPE, accelerations, centerFractions);
    }

    @Override
    protected boolean[] accelerationColumns(int width, double acceleration, int numLowFrequencies,
            NumpyRandomState rng) {
        // When the centre covers every column Python divides by zero; here the probability is
        // NaN/infinite, no outer column exists anyway, and the same draws are consumed.
        double prob = (width / acceleration - numLowFrequencies) / (width - numLowFrequencies);
        double[] u = rng.uniform(width);
        boolean[] columns = new boolean[width];
        for (int i = 0; i < width; i++) {
            columns[i] = u[i] < prob;
        }
        return columns;
    }
}
