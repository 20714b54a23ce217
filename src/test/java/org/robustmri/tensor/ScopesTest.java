package org.robustmri.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Scopes#iterate} frees each superseded state at once and keeps only the caller's initial state and the last one;
 * values and gradients are those of the plain loop.
 */
class ScopesTest {

    @Test
    void iterateFreesEverySupersededStateAndKeepsTheInitialAndTheLast() {
        Torch.init();
        List<Tensor> states = new ArrayList<>();
        List<Tensor> temporaries = new ArrayList<>();
        Tensor initial, last;
        try (PointerScope outer = new PointerScope()) {
            initial = Tensors.fromFloats(new float[]{1f, 2f}, 2);
            last = Scopes.iterate(initial, 4, (i, x) -> {
                Tensor doubled = x.mul(Torch.scalar(2.0));
                temporaries.add(doubled);
                Tensor next = doubled.add(Torch.scalar(i));
                states.add(next);
                return next;
            });
            // 1 -> 2 -> 5 -> 12 -> 27 and 2 -> 4 -> 9 -> 20 -> 43
            assertThat(Tensors.toFloats(last)).containsExactly(27f, 43f);
            assertThat(initial.isNull()).isFalse();
            assertThat(states.subList(0, 3)).allMatch(t -> t.isNull());
            assertThat(temporaries).allMatch(t -> t.isNull());
            assertThat(last.isNull()).isFalse();
        }
        assertThat(last.isNull()).as("the last state belongs to the caller's scope").isTrue();
        assertThat(initial.isNull()).isTrue();
    }

    @Test
    void iterateKeepsWhatAutogradSavedSoGradientsMatchThePlainLoop() {
        Torch.init();
        try (PointerScope scope = new PointerScope(); AutoGradMode grad = new AutoGradMode(true)) {
            Tensor w = Tensors.fromFloats(new float[]{0.5f, -1.5f}, 2).requires_grad_(true);
            Tensor x0 = Tensors.fromFloats(new float[]{3f, 2f}, 2);
            // x <- x * w + sin(x): backward needs every state (mul and sin save their inputs)
            Tensor out = Scopes.iterate(x0, 3, (i, x) -> x.mul(w).add(x.sin()));
            out.sum().backward();
            float[] viaIterate = Tensors.toFloats(w.grad());
            w.grad().zero_();
            Tensor x = x0;
            for (int i = 0; i < 3; i++) x = x.mul(w).add(x.sin());
            x.sum().backward();
            assertThat(viaIterate).containsExactly(Tensors.toFloats(w.grad()));
            // and independently: the derivative of the three-step recursion by forward differences in float64
            double[] expected = new double[2];
            double[] wd = {0.5, -1.5}, xd = {3, 2};
            for (int j = 0; j < 2; j++) {
                double h = 1e-6;
                expected[j] = (recursion(xd[j], wd[j] + h) - recursion(xd[j], wd[j] - h)) / (2 * h);
            }
            assertThat(viaIterate[0]).isCloseTo((float) expected[0], org.assertj.core.data.Offset.offset(1e-3f));
            assertThat(viaIterate[1]).isCloseTo((float) expected[1], org.assertj.core.data.Offset.offset(1e-3f));
            assertThat(torch.isnan(out).any().item_bool()).isFalse();
        }
    }

    private static double recursion(double x, double w) {
        for (int i = 0; i < 3; i++) x = x * w + Math.sin(x);
        return x;
    }
}
