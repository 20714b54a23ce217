package org.robustmri.mask;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Variable-density random mask over a 2-D k-space plane: the two phase-encode axes (ky, kz) of a 3-D acquisition,
 * or, for the 2-D slices of fastMRI files, rows (readout) x columns (phase encode) as retrospective
 * compressed-sensing studies use it (a 2-D Cartesian scan cannot skip readout samples; only reconstructions
 * that take any mask, such as U-Net/ViT zero-filled inputs and the compressed-sensing baseline, accept it).
 * It has no fastMRI counterpart; this is its definition.
 *
 * <ol>
 *   <li>Pick (acceleration, centre fraction) with {@code rng.randint(n)}, as the 1-D masks do.</li>
 *   <li>Centre: {@code numLowY = round(ny cf)}, {@code numLowZ = round(nz cf)} (half to even); the
 *       rectangle of rows {@code [(ny - numLowY + 1) / 2, + numLowY)} by columns
 *       {@code [(nz - numLowZ + 1) / 2, + numLowZ)} is always sampled (the fastMRI band rule per axis).</li>
 *   <li>Density: with the k-space origin at {@code (ny / 2, nz / 2)} (integer division, the fftshift
 *       convention), {@code u = (y - ny/2) / max(1, ny/2)}, {@code v = (z - nz/2) / max(1, nz/2)},
 *       {@code r = sqrt((u^2 + v^2) / 2)} in [0, 1] and {@code f = (1 - r)^power}. It is symmetric in
 *       {@code y -> ny - y} about the origin, likewise in z.</li>
 *   <li>Outside the centre each position is kept with probability {@code p = min(1, s f)}, where the
 *       scale {@code s} is found by bisection so that the centre count plus the sum of {@code p}
 *       equals {@code ny nz / acceleration} (the expected acceleration is exact unless the centre
 *       alone already exceeds the budget, in which case only the centre is sampled).</li>
 *   <li>Draw {@code rng.uniform(ny * nz)} in row-major order; a position is kept when it is in the
 *       centre or its uniform is below {@code p}.</li>
 * </ol>
 * The realised acceleration fluctuates around the target by the binomial spread (about 1% for
 * 256 x 256 at 8x). Deterministic for a given {@link NumpyRandomState} seed.
 */
public final class VariableDensityMask2D extends MaskFunction {
    /** The type name in mask specs and on the command line. */
    public static final String TYPE = "variable-density-2d";

    /** Polynomial order of the density; 2 is a common choice for 3-D Cartesian sampling. */
    public static final double DEFAULT_POWER = 2.0;

    private final double power;

    public VariableDensityMask2D(List<Double> accelerations, List<Double> centerFractions) {
        this(accelerations, centerFractions, DEFAULT_POWER);
    }

    public VariableDensityMask2D(List<Double> accelerations, List<Double> centerFractions, double power) {
        super(TYPE, accelerations, centerFractions);
        if (!(power > 0) || !Double.isFinite(power)) {
            throw new IllegalArgumentException("density power must be a finite number > 0, got " + power);
        }
        this.power = power;
    }

    @Override
    public boolean isTwoDimensional() {
        return true;
    }

    @Override
    public Mask2D sample2D(int height, int width, NumpyRandomState rng) {
        return sample(height, width, rng);
    }

    @Override
    protected boolean[] accelerationColumns(int width, double acceleration, int numLowFrequencies, NumpyRandomState rng) {
        throw new UnsupportedOperationException(TYPE + " is a 2-D mask: it has no column draw");
    }

    public double power() {
        return power;
    }

    /** Draws one mask, consuming draws from {@code rng}. */
    public Mask2D sample(int ny, int nz, NumpyRandomState rng) {
        Objects.requireNonNull(rng, "rng");
        checkShape(ny, nz);
        int choice = (int) rng.randint(0, accelerations().size());
        double acceleration = accelerations().get(choice);
        double centerFraction = centerFractions().get(choice);
        double[] p = samplingProbabilities(ny, nz, acceleration, centerFraction);
        double[] u = rng.uniform(ny * nz);
        boolean[] samples = new boolean[ny * nz];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = u[i] < p[i]; // uniforms are < 1, so p == 1 is always kept
        }
        return new Mask2D(ny, nz, samples, numLow(ny, centerFraction), numLow(nz, centerFraction),
                acceleration, centerFraction);
    }

    /** Test-time mask seeded from the file name, like {@link MaskFunction#maskForFile}. */
    public Mask2D maskForFile(int ny, int nz, String fileName) {
        return sample(ny, nz, NumpyRandomState.seedFromName(fileName));
    }

    /** Training-time mask from a fresh state seeded by the caller's generator. */
    public Mask2D maskForTraining(int ny, int nz, RandomGenerator source) {
        return sample(ny, nz, NumpyRandomState.seededFrom(source));
    }

    /**
     * Per-position sampling probability (row-major), 1 in the centre rectangle. Its sum is
     * {@code ny nz / acceleration} whenever that budget is reachable.
     */
    public double[] samplingProbabilities(int ny, int nz, double acceleration, double centerFraction) {
        checkShape(ny, nz);
        MaskFunction.validate(List.of(acceleration), List.of(centerFraction));
        int lowY = numLow(ny, centerFraction);
        int lowZ = numLow(nz, centerFraction);
        int padY = (ny - lowY + 1) / 2;
        int padZ = (nz - lowZ + 1) / 2;
        int cy = ny / 2;
        int cz = nz / 2;
        double normY = Math.max(1, cy);
        double normZ = Math.max(1, cz);

        double[] p = new double[ny * nz];
        boolean[] centre = new boolean[ny * nz];
        double[] density = new double[ny * nz];
        int centreCount = 0;
        for (int y = 0; y < ny; y++) {
            double u = (y - cy) / normY;
            boolean inY = y >= padY && y < padY + lowY;
            for (int z = 0; z < nz; z++) {
                int i = y * nz + z;
                double v = (z - cz) / normZ;
                double r = Math.min(1.0, Math.sqrt((u * u + v * v) / 2.0));
                density[i] = Math.pow(1.0 - r, power);
                centre[i] = inY && z >= padZ && z < padZ + lowZ;
                if (centre[i]) {
                    centreCount++;
                }
            }
        }
        double budget = (double) ny * nz / acceleration - centreCount;
        double scale = solveScale(density, centre, budget);
        for (int i = 0; i < p.length; i++) {
            p[i] = centre[i] ? 1.0 : density[i] == 0 ? 0.0 : Math.min(1.0, scale * density[i]);
        }
        return p;
    }

    /** Scale s with sum over non-centre positions of min(1, s f) == budget (bisection). */
    private static double solveScale(double[] density, boolean[] centre, double budget) {
        if (budget <= 0) {
            return 0.0;
        }
        double reachable = 0;
        for (int i = 0; i < density.length; i++) {
            if (!centre[i] && density[i] > 0) {
                reachable++;
            }
        }
        if (budget >= reachable) {
            return Double.POSITIVE_INFINITY;
        }
        double lo = 0.0;
        double hi = 1.0;
        while (expectedCount(density, centre, hi) < budget) {
            hi *= 2.0;
        }
        for (int iter = 0; iter < 200 && hi - lo > 1e-15 * hi; iter++) {
            double mid = 0.5 * (lo + hi);
            if (expectedCount(density, centre, mid) < budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    private static double expectedCount(double[] density, boolean[] centre, double scale) {
        double sum = 0;
        for (int i = 0; i < density.length; i++) {
            if (!centre[i]) {
                sum += Math.min(1.0, scale * density[i]);
            }
        }
        return sum;
    }

    private static int numLow(int n, double centerFraction) {
        return (int) Math.rint(n * centerFraction);
    }

    private static void checkShape(int ny, int nz) {
        if (ny < 1 || nz < 1) {
            throw new IllegalArgumentException("mask shape must be positive, got " + ny + "x" + nz);
        }
    }

    @Override
    public String toString() {
        return "VariableDensityMask2D[acc=" + accelerations() + ",cf=" + centerFractions() + ",power="
                + MaskSpec.formatNumber(power) + "]";
    }
}
