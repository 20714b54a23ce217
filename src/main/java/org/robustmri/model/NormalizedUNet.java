package org.robustmri.model;

import org.bytedeco.pytorch.Tensor;
import org.robustmri.tensor.Torch;

import java.util.SplittableRandom;

/**
 * The paper's U-Net wrapper: per image, subtract the input's mean and divide by its unbiased standard
 * deviation (over the whole image, no eps), run the U-Net, undo both on the output. Parameters live under
 * {@code unet.} as in the reference state dict.
 */
public final class NormalizedUNet implements ReconstructionModel {
    private final ModelSpec spec;
    private final Parameters params = new Parameters();
    private final UNet unet;

    public NormalizedUNet(ModelSpec spec, long seed) {
        this.spec = spec;
        this.unet = new UNet(params, "unet.", spec.inChans(), spec.outChans(), spec.chans(), spec.pools(),
                new SplittableRandom(seed));
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public Tensor forward(Tensor input) {
        long[] dims = {1, 2, 3};
        Tensor mean = input.mean(dims, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        Tensor std = input.std(dims, true, true);
        Tensor out = unet.forward(input.sub(mean).div(std));
        return out.mul(std).add(mean);
    }

    static {
        Torch.init();
    }
}
