package org.robustmri.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.tensor.Tensors;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Times full training steps (forward, 1 - SSIM, backward, clipping at 1.0, Adam) of a model on random images:
 * the benchmark and the experiment's time estimate measure the same thing.
 */
public final class StepTimer {
    private StepTimer() {
    }

    /** Milliseconds of each of {@code steps} timed steps after {@code warmup} untimed ones, ascending. */
    public static List<Double> millis(ReconstructionModel model, int h, int w, int batch, int warmup, int steps) {
        Random r = new Random(0);
        float[] x = new float[batch * h * w], y = new float[batch * h * w], range = new float[batch];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
            y[i] = r.nextFloat();
            range[i / (h * w)] = Math.max(range[i / (h * w)], y[i]);
        }
        Adam adam = Adam.standard(model.parameters());
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            try (PointerScope scope = new PointerScope()) {
                Tensor xt = Tensors.fromFloats(x, batch, 1, h, w);
                Tensor yt = Tensors.fromFloats(y, batch, 1, h, w);
                Adam.zeroGrad(model.parameters());
                Tensor loss = Loss.SSIM.compute(model.forward(xt), yt, Tensors.fromFloats(range, batch));
                loss.backward();
                GradientClipping.clip(model.parameters(), 1.0);
                adam.step(model.parameters(), 1e-3);
            }
            if (i >= warmup) times.add((System.nanoTime() - t0) / 1e6);
        }
        times.sort(null);
        return times;
    }
}
