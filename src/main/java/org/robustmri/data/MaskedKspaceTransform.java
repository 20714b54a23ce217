package org.robustmri.data;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.kspace.Sampling;
import org.robustmri.tensor.Tensors;

import java.util.List;

/**
 * fastMRI's {@code VarNetDataTransform} per slice: the k-space slice masked with the sampling whose columns outside
 * the header's acquisition window are zeroed ({@code k * mask + 0.0}), that mask, and the target slice. Masking the
 * k-space of files with their own {@code mask} (already undersampled) by that mask changes nothing but signed zeros.
 */
public final class MaskedKspaceTransform implements SampleTransform<KspaceSample> {
    private final boolean requireTarget;

    public MaskedKspaceTransform(boolean requireTarget) {
        this.requireTarget = requireTarget;
    }

    @Override
    public KspaceSample apply(SliceContext c) {
        VolumeInfo v = c.volume();
        Sampling s = c.sampling();
        float[] k;
        try (PointerScope scope = new PointerScope()) {
            k = Tensors.toFloats(MultiCoilMri.of(s).applyMask(c.kspace()));
        }
        return new KspaceSample(k, v.coils(), v.kspaceHeight(), v.kspaceWidth(), c.target(requireTarget),
                v.cropHeight(), v.cropWidth(), v.maxValue(), v.fileName(), c.slice(), s);
    }

    /** Batches must agree on coils and k-space size as well as the target size. */
    @Override
    public List<Integer> shapeKey(VolumeInfo v) {
        return List.of(v.coils(), v.kspaceHeight(), v.kspaceWidth(), v.cropHeight(), v.cropWidth());
    }
}
