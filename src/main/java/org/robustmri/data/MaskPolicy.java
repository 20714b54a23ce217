package org.robustmri.data;

import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.mask.Mask1D;
import org.robustmri.mask.MaskFunction;

/**
 * Which undersampling mask a sample gets.
 * <ul>
 *   <li>{@link #training}: a fresh mask for every sample, drawn with {@link MaskFunction#maskForTraining(int, long)}
 *       from a seed derived from (run seed, epoch, sample index): different across samples and epochs,
 *       identical when the run is repeated with the same seed, whatever the number of prefetch threads.</li>
 *   <li>{@link #test}: fastMRI's test-time mask seeded from the file name ({@link MaskFunction#maskForFile}),
 *       the same for every slice of a volume, exactly as {@link ZeroFill#samplingFor}.</li>
 *   <li>{@link #none}: fully sampled.</li>
 * </ul>
 * Files that carry their own {@code mask} dataset (already undersampled test files) always use it. Columns outside
 * the header's encoding limits are zeroed (fastMRI's padding).
 */
public final class MaskPolicy {
    private enum Kind { NONE, TRAINING, TEST }

    private final Kind kind;
    private final MaskFunction function;
    private final long runSeed;

    private MaskPolicy(Kind kind, MaskFunction function, long runSeed) {
        this.kind = kind;
        this.function = function;
        this.runSeed = runSeed;
    }

    public static MaskPolicy none() {
        return new MaskPolicy(Kind.NONE, null, 0);
    }

    public static MaskPolicy training(MaskFunction function, long runSeed) {
        return new MaskPolicy(Kind.TRAINING, java.util.Objects.requireNonNull(function, "mask function"), runSeed);
    }

    public static MaskPolicy test(MaskFunction function) {
        return new MaskPolicy(Kind.TEST, java.util.Objects.requireNonNull(function, "mask function"), 0);
    }

    public boolean isTraining() {
        return kind == Kind.TRAINING;
    }

    /** The mask function, or null for {@link #none()}. */
    public MaskFunction function() {
        return function;
    }

    /** The 64-bit seed of the training mask of sample {@code sampleIndex} in {@code epoch}. */
    public long sampleSeed(int epoch, long sampleIndex) {
        return Rng.mix(runSeed, Rng.hash("mask"), epoch, sampleIndex);
    }

    /** The sampling for one sample of a volume. */
    public ZeroFill.Sampling sampling(FastMriFile f, VolumeInfo v, int epoch, long sampleIndex) {
        if (kind != Kind.TRAINING) return ZeroFill.samplingFor(f, function);
        if (f.has(FastMriFile.MASK)) return ZeroFill.samplingFor(f, function); // the file's own mask
        int width = v.kspaceWidth();
        long seed = sampleSeed(epoch, sampleIndex);
        Mask1D m = function.maskForTraining(width, seed);
        if (m.width() != width) throw new DataException(f.path(), "mask width " + m.width() + " != k-space width " + width);
        return new ZeroFill.Sampling(m.toFloats(), v.padLeft(), v.padRight(),
                function.spec() + " training seed=" + Long.toUnsignedString(seed), m.numLowFrequencies());
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "fully sampled";
            case TEST -> "test-time " + function.spec() + " seeded from file names";
            case TRAINING -> "training " + function.spec() + " per sample, run seed " + runSeed;
        };
    }
}
