package org.robustmri.train;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.model.Parameters;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.util.Map;

/**
 * Dynamic loss scaling as {@code torch.cuda.amp.GradScaler} with its defaults: the loss is multiplied by the scale
 * (initially 2^16) before backward; the gradients are divided by it before clipping; a step whose gradients hold an
 * inf or NaN is skipped and halves the scale, and 2000 good steps in a row double it. Its state is saved with the
 * optimizer's, so a resumed run scales as an uninterrupted one.
 */
final class LossScaler {
    static final double INITIAL = 65536.0, GROWTH = 2.0, BACKOFF = 0.5;
    static final int GROWTH_INTERVAL = 2000;

    private double scale = INITIAL;
    private int goodSteps;

    double scale() {
        return scale;
    }

    Tensor scaled(Tensor loss) {
        return loss.mul(Torch.scalar(scale));
    }

    /**
     * Divides every gradient by the scale and updates the scale; returns true when the step may be taken (all
     * gradients finite), with one transfer to the host for the whole model.
     */
    boolean unscaleAndUpdate(Parameters params) {
        TensorVector bad = new TensorVector();
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Tensor p : params.asMap().values()) {
                Tensor g = p.grad();
                if (!g.defined()) continue;
                g.mul_(Torch.scalar(1.0 / scale));
                bad.push_back(torch.isfinite(g).logical_not().any());
            }
        }
        boolean finite = bad.empty() || !torch.stack(bad).any().item_bool();
        if (!finite) {
            scale *= BACKOFF;
            goodSteps = 0;
        } else if (++goodSteps == GROWTH_INTERVAL) {
            scale *= GROWTH;
            goodSteps = 0;
        }
        return finite;
    }

    /** The state under the names kept in the optimizer-state file. */
    Map<String, Tensor> state() {
        return Map.of("amp.scale", Tensors.fromDoubles(new double[]{scale}, 1),
                "amp.growth_tracker", Tensors.fromDoubles(new double[]{goodSteps}, 1));
    }

    void load(Map<String, Tensor> state) {
        Tensor s = state.get("amp.scale"), g = state.get("amp.growth_tracker");
        if (s == null || g == null) return; // a run saved before fp16 was chosen starts from the initial scale
        scale = s.item_double();
        goodSteps = (int) g.item_double();
    }
}
