package org.robustmri.train;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.model.Parameters;
import org.robustmri.tensor.Torch;

/** {@code torch.nn.utils.clip_grad_norm_}: scale all gradients by min(1, max / (total L2 norm + 1e-6)). */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** Returns the total gradient norm before clipping. */
    public static double clip(Parameters params, double maxNorm) {
        double sq = 0;
        for (Tensor p : params.asMap().values()) {
            Tensor g = p.grad();
            if (!g.defined()) continue;
            double n = g.norm().item_double();
            sq += n * n;
        }
        double total = Math.sqrt(sq);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1.0) {
            try (NoGradGuard guard = new NoGradGuard()) {
                for (Tensor p : params.asMap().values()) {
                    Tensor g = p.grad();
                    if (g.defined()) g.mul_(Torch.scalar(coef));
                }
            }
        }
        return total;
    }
}
