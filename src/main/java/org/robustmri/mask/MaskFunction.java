package org.robustmri.mask;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A fastMRI-compatible 1-D undersampling mask along the phase-encode (column) axis.
 *
 * <p>Mirrors fastMRI v0.3 {@code MaskFunc}: each call picks one (acceleration, centre fraction)
 * pair with {@code rng.randint(n)} (no draw when there is only one pair), fully samples a
 * centre band of {@code round(width * centerFraction)} columns (Python rounding, half to even)
 * starting at {@code (width - numLow + 1) / 2}, then lets the subclass draw the outer columns.
 * The result is the union of both. Same seed, width and settings give the same mask as Python.
 *
 * <p>Lists are given as (accelerations, centerFractions), the order used by {@link MaskSpec};
 * note that fastMRI's constructors take them the other way round.
 */
public abstract class MaskFunction {

    private final String type;
    private final List<Double> accelerations;
    private final List<Double> centerFractions;

    protected MaskFunction(String type, List<Double> accelerations, List<Double> centerFractions) {
        validate(accelerations, centerFractions);
        this.type = Objects.requireNonNull(type, "type");
        this.accelerations = List.copyOf(accelerations);
        this.centerFractions = List.copyOf(centerFractions);
    }

    /**
     * Builds a mask function from its type name: {@code random}, {@code equispaced} or
     * {@code equispaced-fraction}.
     */
    public static MaskFunction fromName(String type, List<Double> accelerations, List<Double> centerFractions) {
        Objects.requireNonNull(type, "type");
        return switch (type) {
            case RandomMask.TYPE -> new RandomMask(accelerations, centerFractions);
            case EquispacedMask.TYPE -> new EquispacedMask(accelerations, centerFractions);
            case EquispacedFractionMask.TYPE -> new EquispacedFractionMask(accelerations, centerFractions);
            case VariableDensityMask2D.TYPE -> new VariableDensityMask2D(accelerations, centerFractions);
            default -> throw new IllegalArgumentException("unknown mask type '" + type + "'; expected one of: "
                    + String.join(", ", TYPES));
        };
    }

    /** The type names {@link #fromName} accepts. */
    public static final List<String> TYPES = List.of(RandomMask.TYPE, EquispacedMask.TYPE, EquispacedFractionMask.TYPE,
            VariableDensityMask2D.TYPE);

    /** The type name accepted by {@link #fromName}. */
    public final String typeName() {
        return type;
    }

    /** False for fastMRI's column masks ({@link #sample}); true for masks over a whole k-space plane ({@link #sample2D}). */
    public boolean isTwoDimensional() {
        return false;
    }

    /** Draws a 2-D mask of {@code height} rows by {@code width} columns; only 2-D mask functions have one. */
    public Mask2D sample2D(int height, int width, NumpyRandomState rng) {
        throw new UnsupportedOperationException(typeName() + " is a column mask: draw it with sample(width, rng)");
    }

    /** A 2-D test-time mask seeded from the file name, like {@link #maskForFile}. */
    public final Mask2D mask2DForFile(int height, int width, String fileName) {
        return sample2D(height, width, NumpyRandomState.seedFromName(fileName));
    }

    /** A 2-D training-time mask from an explicit per-sample 64-bit seed, like {@link #maskForTraining(int, long)}. */
    public final Mask2D mask2DForTraining(int height, int width, long sampleSeed) {
        return sample2D(height, width, NumpyRandomState.fromLongSeed(sampleSeed));
    }

    public final List<Double> accelerations() {
        return accelerations;
    }

    public final List<Double> centerFractions() {
        return centerFractions;
    }

    public final MaskSpec spec() {
        return new MaskSpec(typeName(), accelerations, centerFractions);
    }

    /**
     * Draws a mask of {@code width} columns, consuming draws from {@code rng} in fastMRI's order.
     * Passing one long-lived state reproduces fastMRI's unseeded (training) behaviour.
     */
    public final Mask1D sample(int width, NumpyRandomState rng) {
        if (width < 1) {
            throw new IllegalArgumentException("mask width must be positive, got " + width);
        }
        Objects.requireNonNull(rng, "rng");
        if (isTwoDimensional()) {
            throw new UnsupportedOperationException(typeName() + " is a 2-D mask: draw it with sample2D(height, width, rng)");
        }
        int choice = (int) rng.randint(0, accelerations.size());
        double acceleration = accelerations.get(choice);
        double centerFraction = centerFractions.get(choice);
        int numLow = (int) Math.rint(width * centerFraction);

        boolean[] columns = accelerationColumns(width, acceleration, numLow, rng);
        int pad = Math.floorDiv(width - numLow + 1, 2);
        for (int c = pad; c < pad + numLow; c++) {
            columns[c] = true;
        }
        return new Mask1D(columns, numLow, acceleration, centerFraction);
    }

    /** Test-time mask: seeded from the file name, identical for every slice of the volume. */
    public final Mask1D maskForFile(int width, String fileName) {
        return sample(width, NumpyRandomState.seedFromName(fileName));
    }

    /** Training-time mask: a fresh state seeded from the caller's generator (reproducible per run). */
    public final Mask1D maskForTraining(int width, RandomGenerator source) {
        return sample(width, NumpyRandomState.seededFrom(source));
    }

    /** Training-time mask from an explicit per-sample 64-bit seed. */
    public final Mask1D maskForTraining(int width, long sampleSeed) {
        return sample(width, NumpyRandomState.fromLongSeed(sampleSeed));
    }

    /**
     * The columns outside the centre band ({@code calculate_acceleration_mask} in fastMRI).
     * Must return a new array of length {@code width}; the centre band is added afterwards.
     */
    protected abstract boolean[] accelerationColumns(int width, double acceleration, int numLowFrequencies,
            NumpyRandomState rng);

    @Override
    public String toString() {
        return spec().toString();
    }

    /** Shared list checks, also used by {@link MaskSpec} and the 2-D mask. */
    static void validate(List<Double> accelerations, List<Double> centerFractions) {
        Objects.requireNonNull(accelerations, "accelerations");
        Objects.requireNonNull(centerFractions, "centerFractions");
        if (accelerations.isEmpty()) {
            throw new IllegalArgumentException("at least one acceleration is required");
        }
        if (accelerations.size() != centerFractions.size()) {
            throw new IllegalArgumentException("number of accelerations (" + accelerations.size()
                    + ") must match number of center fractions (" + centerFractions.size() + ")");
        }
        for (Double a : accelerations) {
            if (a == null || !Double.isFinite(a) || a < 1.0) {
                throw new IllegalArgumentException("acceleration must be a finite number >= 1, got " + a
                        + " (accelerations=" + accelerations + ")");
            }
        }
        for (Double cf : centerFractions) {
            if (cf == null || !(cf >= 0.0 && cf <= 1.0)) {
                throw new IllegalArgumentException("center fraction must be in [0, 1], got " + cf
                        + " (centerFractions=" + centerFractions + ")");
            }
        }
    }
}
