package org.robustmri.train;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.metric.Ssim;

/** Training losses over (N, 1, H, W) outputs and targets; {@code dataRange} is (N) per-sample. */
public enum Loss {
    /** 1 - SSIM with data range from the target volume (the paper's loss, fastMRI's SSIMLoss). */
    SSIM("loss[1-ssim,win=7,uniform,k1=0.01,k2=0.03,range=volume-max]") {
        @Override
        public Tensor compute(Tensor output, Tensor target, Tensor dataRange) {
            return Ssim.loss(output, target, dataRange.reshape(-1, 1, 1, 1));
        }
    },
    /** Mean absolute error. */
    L1("loss[l1,mean]") {
        @Override
        public Tensor compute(Tensor output, Tensor target, Tensor dataRange) {
            return torch.l1_loss(output, target);
        }
    };

    private final String spec;

    Loss(String spec) {
        this.spec = spec;
    }

    public String spec() {
        return spec;
    }

    public abstract Tensor compute(Tensor output, Tensor target, Tensor dataRange);

    public static Loss parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "ssim" -> SSIM;
            case "l1" -> L1;
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; known: ssim, l1");
        };
    }
}
