package org.robustmri.train;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.model.Parameters;
import org.robustmri.tensor.Torch;

/** {@code torch.nn.utils.clip_grad_norm_}: scale all gradients by min(1, max / (total L2 norm + 1e-6)). */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * Returns the total gradient norm before clipping. The per-tensor norms are stacked and combined on the device,
     * with one transfer to the host for the whole model (not one per parameter).
     */
    public static double clip(Parameters params, double maxNorm) {
        org.bytedeco.pytorch.TensorVector norms = new org.bytedeco.pytorch.TensorVector();
        for (Tensor p : params.asMap().values()) {
            Tensor g = p.grad();
            if (g.defined()) norms.push_back(g.norm());
        }
        if (norms.empty()) return 0;
        // float32 per-tensor norms, combined in float64 as sqrt(sum n_i^2)
        double total = org.bytedeco.pytorch.global.torch.stack(norms).to(org.bytedeco.pytorch.global.torch.ScalarType.Double)
                .square().sum().sqrt().item_double();
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
