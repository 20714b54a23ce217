package org.robustmri.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap intervals that resample whole volumes (slices of one volume are correlated, so
 * resampling slices would understate the uncertainty).
 */
public final class Bootstrap {
    private Bootstrap() {
    }

    /** A mean with its 95 % interval. */
    public record Interval(double mean, double low, double high, int clusters) {
    }

    /**
     * The slice-weighted mean of {@code sums[i] / counts[i]} over clusters and its 95 % percentile interval
     * from {@code resamples} resamplings of the clusters, deterministic for {@code seed}.
     */
    public static Interval clusterMean(double[] sums, int[] counts, int resamples, long seed) {
        int k = sums.length;
        if (k == 0) return new Interval(Double.NaN, Double.NaN, Double.NaN, 0);
        double total = 0;
        long n = 0;
        for (int i = 0; i < k; i++) {
            total += sums[i];
            n += counts[i];
        }
        double mean = total / n;
        if (k == 1) return new Interval(mean, mean, mean, 1);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double s = 0;
            long c = 0;
            for (int i = 0; i < k; i++) {
                int j = rng.nextInt(k);
                s += sums[j];
                c += counts[j];
            }
            stats[r] = s / c;
        }
        Arrays.sort(stats);
        return new Interval(mean, percentile(stats, 0.025), percentile(stats, 0.975), k);
    }

    /**
     * The slice-weighted mean difference {@code (a[i] - b[i]) / counts[i]} over volumes measured under both models, with
     * a 95 % paired percentile interval: each resample draws volumes and takes both models' values on them, so
     * what varies between volumes cancels.
     */
    public static Interval pairedDifference(double[] sumsA, double[] sumsB, int[] counts, int resamples, long seed) {
        int k = sumsA.length;
        double[] d = new double[k];
        for (int i = 0; i < k; i++) d[i] = sumsA[i] - sumsB[i];
        return clusterMean(d, counts, resamples, seed);
    }

    /** Linear-interpolated percentile of sorted values (numpy's default). */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
