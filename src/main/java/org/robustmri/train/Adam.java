package org.robustmri.train;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.model.Parameters;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam as PyTorch computes it (single-tensor path, no weight decay), with its state kept in named tensors
 * so a checkpoint holds everything needed to resume bit for bit.
 */
public final class Adam {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final Map<String, Tensor> expAvg = new LinkedHashMap<>();
    private final Map<String, Tensor> expAvgSq = new LinkedHashMap<>();
    private long step;

    public Adam(Parameters params, double beta1, double beta2, double eps) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        for (Map.Entry<String, Tensor> e : params.asMap().entrySet()) {
            // allocate outside any PointerScope of the caller's step: the state lives as long as the optimizer
            expAvg.put(e.getKey(), zerosLike(e.getValue()));
            expAvgSq.put(e.getKey(), zerosLike(e.getValue()));
        }
    }

    public static Adam standard(Parameters params) {
        return new Adam(params, 0.9, 0.999, 1e-8);
    }

    private static Tensor zerosLike(Tensor t) {
        Tensor z = torch.zeros_like(t.detach());
        z.retainReference();
        return z;
    }

    public long steps() {
        return step;
    }

    /** One update with learning rate {@code lr}; parameters without a gradient are skipped. */
    public void step(Parameters params, double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.asMap().entrySet()) {
                Tensor g = e.getValue().grad();
                if (!g.defined()) continue;
                Tensor m = expAvg.get(e.getKey());
                Tensor v = expAvgSq.get(e.getKey());
                m.lerp_(g, Torch.scalar(1 - beta1));
                v.mul_(Torch.scalar(beta2)).addcmul_(g, g, Torch.scalar(1 - beta2));
                Tensor denom = v.sqrt().div(Torch.scalar(bc2Sqrt)).add_(Torch.scalar(eps));
                e.getValue().addcdiv_(m, denom, Torch.scalar(-lr / bc1));
            }
        }
    }

    public static void zeroGrad(Parameters params) {
        for (Tensor p : params.asMap().values()) {
            Tensor g = p.grad();
            if (g.defined()) g.zero_();
        }
    }

    /** The state as named tensors ({@code exp_avg.NAME}, {@code exp_avg_sq.NAME}, {@code step}). */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        expAvg.forEach((k, v) -> s.put("exp_avg." + k, v));
        expAvgSq.forEach((k, v) -> s.put("exp_avg_sq." + k, v));
        s.put("step", Tensors.fromLongs(new long[]{step}, 1));
        return s;
    }

    public void load(Map<String, Tensor> state) {
        try (NoGradGuard guard = new NoGradGuard()) {
            expAvg.forEach((k, v) -> v.copy_(require(state, "exp_avg." + k)));
            expAvgSq.forEach((k, v) -> v.copy_(require(state, "exp_avg_sq." + k)));
        }
        step = require(state, "step").item_long();
    }

    private static Tensor require(Map<String, Tensor> state, String key) {
        Tensor t = state.get(key);
        if (t == null) throw new IllegalArgumentException("optimizer state lacks " + key);
        return t;
    }
}
