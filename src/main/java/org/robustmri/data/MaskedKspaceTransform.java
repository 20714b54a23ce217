package org.robustmri.data;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * fastMRI's VarNet data transform per slice, in plain Java (no native memory on the prefetch thread): the k-space
 * slice times the mask, plus {@code +0.0} so masked entries are +0, with columns outside the header's encoding
 * limits zeroed; and the target slice.
 */
public final class MaskedKspaceTransform implements SampleTransform<KspaceSample> {
    private final boolean requireTarget;

    public MaskedKspaceTransform() {
        this(true);
    }

    private MaskedKspaceTransform(boolean requireTarget) {
        this.requireTarget = requireTarget;
    }

    public static MaskedKspaceTransform allowingMissingTargets() {
        return new MaskedKspaceTransform(false);
    }

    @Override
    public KspaceSample apply(SliceContext c) {
        VolumeInfo v = c.volume();
        int coils = v.coils(), h = v.kspaceHeight(), w = v.kspaceWidth();
        FloatBuffer fb = c.file().readKspaceSlice(c.slice()).asFloatBuffer();
        float[] k = new float[fb.remaining()];
        fb.get(k);
        float[] mask = new float[w];
        ZeroFill.Sampling s = c.sampling();
        for (int j = Math.max(0, s.padLeft()); j < Math.min(w, s.padRight()); j++) {
            mask[j] = s.columns() == null ? 1f : s.columns()[j];
        }
        for (int p = 0; p < coils * h; p++) {
            int row = p * w * 2;
            for (int j = 0; j < w; j++) {
                float m = mask[j];
                k[row + 2 * j] = k[row + 2 * j] * m + 0.0f;
                k[row + 2 * j + 1] = k[row + 2 * j + 1] * m + 0.0f;
            }
        }
        float[] target = ZeroFilledImageTransform.Targets.read(c.file(), v, c.slice(), requireTarget);
        return new KspaceSample(k, coils, h, w, mask, s.numLowFrequencies(), target, v.cropHeight(), v.cropWidth(),
                v.maxValue(), v.fileName(), c.slice(), s);
    }

    /** Batches must agree on coils and k-space size as well as the target size. */
    @Override
    public List<Integer> shapeKey(VolumeInfo v) {
        return List.of(v.coils(), v.kspaceHeight(), v.kspaceWidth(), v.cropHeight(), v.cropWidth());
    }
}
