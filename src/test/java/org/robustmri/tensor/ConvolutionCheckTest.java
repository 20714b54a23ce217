package org.robustmri.tensor;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever this CPU's oneDNN does, the convolutions libtorch runs after start-up agree with float64. */
class ConvolutionCheckTest {
    @Test
    void convolutionGradientsAgreeWithDoublePrecisionAfterStartUp() {
        Torch.init();
        assertThat(ConvolutionCheck.failure()).isNull();
        // the bfloat16 check, once a mixed-precision pass ran in this process, adds which route its layers take
        assertThat(Torch.convolutions()).matches("(oneDNN|oneDNN, channels padded to multiples of 16(, or channels-last on large inputs|, not channels-last \\(.*\\))? \\(unpadded, .*\\)|ATen \\(.*\\))"
                + "(; bfloat16 layers (channels-last on large inputs too|padded \\(channels-last bfloat16 .*\\)))?");
        System.out.println("convolutions: " + Torch.convolutions());
        // an input gradient of a 3x3 convolution, by hand in float64: the transposed convolution of the output gradient
        torch.manual_seed(3);
        Tensor x = torch.randn(new long[]{1, 1, 6, 5}).requires_grad_(true);
        Tensor w = torch.randn(new long[]{1, 1, 3, 3});
        long[] one = {1, 1};
        torch.conv2d(x, w, new TensorOptional(), one, one, one, 1).sum().backward();
        double[] g = Tensors.toDoubles(x.grad().to(torch.ScalarType.Double));
        double[] k = Tensors.toDoubles(w.to(torch.ScalarType.Double));
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 5; j++) {
                double expect = 0;
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        int oi = i + 1 - a, oj = j + 1 - b; // output pixels that saw input (i, j) through tap (a, b)
                        if (oi >= 0 && oi < 6 && oj >= 0 && oj < 5) expect += k[a * 3 + b];
                    }
                }
                assertThat(g[i * 5 + j]).as("input gradient at %d,%d", i, j).isCloseTo(expect, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void theCheckRunsInsideACallersNoGradScope() {
        Torch.init();
        try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
            assertThat(ConvolutionCheck.failure()).isNull();
            assertThat(org.bytedeco.pytorch.GradMode.is_enabled()).isFalse(); // and the caller's mode is restored
        }
    }
}
