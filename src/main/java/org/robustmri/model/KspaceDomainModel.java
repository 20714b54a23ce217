package org.robustmri.model;

import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.KspaceSample;
import org.robustmri.data.MaskedKspaceTransform;
import org.robustmri.data.Sample;
import org.robustmri.data.SampleTransform;

import java.util.List;

/**
 * A model that reconstructs from masked multi-coil k-space (E2E-VarNet, compressed sensing): it consumes
 * {@link MaskedKspaceTransform} samples, collated with their sampling into a {@link KspaceInput}.
 */
public abstract class KspaceDomainModel extends AbstractModel {
    protected KspaceDomainModel(ModelSpec spec) {
        super(spec);
    }

    @Override
    public SampleTransform<KspaceSample> transform(boolean requireTarget) {
        return new MaskedKspaceTransform(requireTarget);
    }

    @Override
    public KspaceInput collate(List<? extends Sample> batch) {
        return KspaceInput.collate(batch, spec.name());
    }

    @Override
    public final Tensor forward(ModelInput input) {
        if (!(input instanceof KspaceInput in)) {
            throw new IllegalArgumentException(spec.name() + " takes masked k-space, got " + input.getClass().getSimpleName());
        }
        return forward(in);
    }

    /** Reconstructions (B, 1, h, w) of masked k-space on the model's device. */
    protected abstract Tensor forward(KspaceInput input);
}
