package org.robustmri.train;

import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.robustmri.TestFiles;
import org.robustmri.metric.Ssim;
import org.robustmri.model.Parameters;
import org.robustmri.tensor.Tensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The training recipe against PyTorch's own OneCycleLR, Adam and clip_grad_norm_ (tools/golden/gen_train_vectors.py). */
class RecipeTest {
    static final JsonNode GOLDEN = TestFiles.golden("train.json");

    @Test
    void oneCycleScheduleMatchesPytorch() {
        for (int total : new int[]{300, 1000, 57}) {
            double[] expected = TestFiles.doubles(GOLDEN.get("onecycle_" + total));
            OneCycleSchedule s = OneCycleSchedule.paper(1e-3, total);
            for (int i = 0; i < total; i++) {
                assertThat(s.lr(i)).as("total %d step %d", total, i).isCloseTo(expected[i], within(1e-15));
            }
        }
    }

    @Test
    void adamMatchesPytorch() {
        JsonNode a = GOLDEN.get("adam");
        Parameters p = new Parameters();
        Tensor q = p.add("q", Tensors.fromFloats(TestFiles.floats(a.get("q0")), 5));
        Tensor w = Tensors.fromFloats(TestFiles.floats(a.get("w")), 5);
        Tensor t = Tensors.fromFloats(TestFiles.floats(a.get("t")), 5);
        Adam adam = Adam.standard(p);
        for (JsonNode row : a.get("trajectory")) {
            try (PointerScope scope = new PointerScope()) {
                Adam.zeroGrad(p);
                Tensor loss = q.sub(t).square().mul(w).sum().add(q.mul(q).mul(q).sum().mul(org.robustmri.tensor.Torch.scalar(0.1)));
                loss.backward();
                adam.step(p, 0.01);
            }
            float[] expected = TestFiles.floats(row);
            float[] got = Tensors.toFloats(q);
            for (int i = 0; i < 5; i++) assertThat(got[i]).isCloseTo(expected[i], within(1e-6f));
        }
        assertThat(adam.steps()).isEqualTo(6);
    }

    @Test
    void clippingMatchesPytorch() {
        Parameters p = new Parameters();
        Tensor g = p.add("g", Tensors.fromFloats(new float[]{1, 1}, 2));
        Tensor h = p.add("h", Tensors.fromFloats(new float[]{1}, 1));
        g.mul(Tensors.fromFloats(new float[]{3, 4}, 2)).sum().add(h.mul(Tensors.fromFloats(new float[]{12}, 1)).sum()).backward();
        double total = GradientClipping.clip(p, 1.0);
        JsonNode c = GOLDEN.get("clip");
        assertThat(total).isCloseTo(c.get("total").asDouble(), within(1e-9));
        assertThat(Tensors.toFloats(g.grad())).containsExactly(TestFiles.floats(c.get("g")));
        assertThat(Tensors.toFloats(h.grad())).containsExactly(TestFiles.floats(c.get("h")));
    }

    @Test
    void ssimLossGradientMatchesFiniteDifferences() {
        int n = 12;
        java.util.Random r = new java.util.Random(4);
        float[] xv = new float[n * n], yv = new float[n * n];
        for (int i = 0; i < xv.length; i++) {
            yv[i] = (float) (1 + Math.sin(i * 0.3));
            xv[i] = yv[i] + (float) (0.2 * r.nextGaussian());
        }
        double[] xd = new double[xv.length];
        for (int i = 0; i < xd.length; i++) xd[i] = xv[i];
        Tensor x = Tensors.fromDoubles(xd, 1, 1, n, n).set_requires_grad(true);
        Tensor y = Tensors.fromFloats(yv, 1, 1, n, n).to(org.bytedeco.pytorch.global.torch.ScalarType.Double);
        Tensor range = Tensors.fromDoubles(new double[]{2.0}, 1, 1, 1, 1);
        Tensor loss = Ssim.loss(x, y, range);
        loss.backward();
        double[] grad = Tensors.toDoubles(x.grad());
        double h = 1e-6;
        for (int idx : new int[]{0, 13, 40, 77, 143}) {
            double[] plus = xd.clone(), minus = xd.clone();
            plus[idx] += h;
            minus[idx] -= h;
            double lp = Ssim.loss(Tensors.fromDoubles(plus, 1, 1, n, n), y, range).item_double();
            double lm = Ssim.loss(Tensors.fromDoubles(minus, 1, 1, n, n), y, range).item_double();
            double fd = (lp - lm) / (2 * h);
            assertThat(grad[idx]).as("pixel %d", idx).isCloseTo(fd, within(1e-7 + 1e-5 * Math.abs(fd)));
        }
    }
}
