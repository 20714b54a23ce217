package org.robustmri.model;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.ImageSample;
import org.robustmri.data.SampleTransform;
import org.robustmri.tensor.Torch;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The paper's U-Net wrapper: per image, subtract the input's mean and divide by its unbiased standard
 * deviation (over the whole image, no eps), run fastMRI's U-Net, undo both on the output. Parameters live under
 * {@code unet.} as in the reference state dict.
 */
public final class NormalizedUNet extends ImageDomainModel {
    /** The family: 32 base channels and 4 pools are the paper's {@code unet-small}. */
    static final ModelFamily FAMILY = new ModelFamily("unet", List.of(
            ModelFamily.Param.integer("chans", 32, "base channels"),
            ModelFamily.Param.integer("pools", 4, "pooling levels"),
            ModelFamily.Param.integer("in_chans", 1, "input channels"),
            ModelFamily.Param.integer("out_chans", 1, "output channels"),
            ModelFamily.Param.real("drop_prob", 0.0, "dropout probability (the reference uses 0)"))) {
        @Override
        protected String label(Map<String, String> p) {
            return "unet-c" + p.get("chans") + "-p" + p.get("pools");
        }

        @Override
        protected void validate(ModelSpec s) {
            if (s.doubleParam("drop_prob") != 0.0) {
                throw new IllegalArgumentException("unet drop_prob other than 0 is not implemented (the reference uses 0)");
            }
        }

        @Override
        public String describe(ModelSpec s) {
            return "U-Net, " + s.intParam("chans") + " channels, " + s.intParam("pools") + " pools, " + parameters(parameterCount(s));
        }

        @Override
        public long parameterCount(ModelSpec s) {
            return UNet.parameterCount(s.intParam("in_chans"), s.intParam("out_chans"), s.intParam("chans"), s.intParam("pools"));
        }

        @Override
        public ReconstructionModel create(ModelSpec s, long seed) {
            return new NormalizedUNet(s, seed);
        }

        @Override
        public SampleTransform<ImageSample> transform(boolean requireTarget) {
            return ImageDomainModel.sampleTransform(requireTarget);
        }
    };

    private final UNet unet;

    public NormalizedUNet(ModelSpec spec, long seed) {
        super(spec);
        this.unet = new UNet(params, "unet.", spec.intParam("in_chans"), spec.intParam("out_chans"), spec.intParam("chans"),
                spec.intParam("pools"), new SplittableRandom(seed));
    }


    @Override
    public Tensor forward(Tensor input) {
        long[] dims = {1, 2, 3};
        Tensor mean = input.mean(dims, true, new ScalarTypeOptional());
        Tensor std = input.std(dims, true, true);
        Tensor out = unet.forward(input.sub(mean).div(std));
        return out.mul(std).add(mean);
    }

    static {
        Torch.init();
    }
}
