package org.robustmri.data;

import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.IsmrmrdHeader;
import org.robustmri.kspace.Sampling;
import org.robustmri.mask.Mask1D;
import org.robustmri.mask.Mask2D;
import org.robustmri.mask.MaskFunction;

/**
 * Which undersampling mask a sample gets.
 * <ul>
 *   <li>{@link #training}: a fresh mask for every sample, drawn with {@link MaskFunction#maskForTraining(int, long)}
 *       from a seed derived from (run seed, epoch, sample index): different across samples and epochs,
 *       identical when the run is repeated with the same seed, whatever the number of prefetch threads.</li>
 *   <li>{@link #test}: fastMRI's test-time mask seeded from the file name ({@link MaskFunction#maskForFile}),
 *       the same for every slice of a volume ({@link #forFile}).</li>
 *   <li>{@link #none}: fully sampled.</li>
 * </ul>
 * A 2-D mask function ({@link MaskFunction#isTwoDimensional()}) draws over the slice's rows x columns with the same
 * seeding. Files that carry their own {@code mask} dataset (already undersampled test files) always use it. Every sampling
 * carries the header's acquisition window; whether it is applied is the model's transform's choice.
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
    public Sampling sampling(FastMriFile f, VolumeInfo v, int epoch, long sampleIndex) {
        if (kind == Kind.NONE && !f.has(FastMriFile.MASK)) {
            // the volume's own window and width (those of an augmented slice when it was flipped or rotated)
            return new Sampling(null, 1, v.kspaceWidth(), v.padLeft(), v.padRight(), "fully-sampled", v.kspaceWidth());
        }
        if (kind != Kind.TRAINING || f.has(FastMriFile.MASK)) return forFile(f, function);
        int width = v.kspaceWidth();
        long seed = sampleSeed(epoch, sampleIndex);
        String description = function.spec() + " training seed=" + Long.toUnsignedString(seed);
        if (function.isTwoDimensional()) {
            Mask2D m = function.mask2DForTraining(v.kspaceHeight(), width, seed);
            return new Sampling(m.toFloats(), m.ny(), m.nz(), v.padLeft(), v.padRight(), description, -1);
        }
        Mask1D m = function.maskForTraining(width, seed);
        if (m.width() != width) throw new DataException(f.path(), "mask width " + m.width() + " != k-space width " + width);
        return Sampling.columns(m.toFloats(), v.padLeft(), v.padRight(), description, m.numLowFrequencies());
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "fully sampled";
            case TEST -> "test-time " + function.spec() + " seeded from file names";
            case TRAINING -> "training " + function.spec() + " per sample, run seed " + runSeed;
        };
    }

    /**
     * The test-time sampling of a file: its own {@code mask} dataset when it is an already-undersampled test file,
     * the file-name-seeded mask of {@code maskFunction} otherwise, or none when {@code maskFunction} is null; with
     * the header's acquisition window.
     */
    public static Sampling forFile(FastMriFile f, MaskFunction maskFunction) {
        int width = f.kspace().width();
        int left = 0, right = width;
        var header = f.header();
        if (header.isPresent() && header.get().hasEncodingLimits()) {
            IsmrmrdHeader h = header.get();
            left = Math.max(0, h.paddingLeft());
            right = Math.min(width, h.paddingRight());
        }
        var stored = f.mask();
        if (stored.isPresent()) {
            float[] m = stored.get();
            if (m.length != width) throw new DataException(f.path(), "'mask' has " + m.length + " columns, k-space has " + width);
            Object nlf = f.attributes().get("num_low_frequency");
            return Sampling.columns(m, left, right, "file-mask", nlf instanceof Number n ? n.intValue() : -1);
        }
        if (maskFunction == null) return new Sampling(null, 1, width, left, right, "fully-sampled", width);
        if (maskFunction.isTwoDimensional()) {
            Mask2D m = maskFunction.mask2DForFile(f.kspace().height(), width, f.fileName());
            return new Sampling(m.toFloats(), m.ny(), m.nz(), left, right, maskFunction.spec().toString(), -1);
        }
        Mask1D mask = maskFunction.maskForFile(width, f.fileName());
        return Sampling.columns(mask.toFloats(), left, right, maskFunction.spec().toString(), mask.numLowFrequencies());
    }
}
