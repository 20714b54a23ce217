package org.robustmri.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Checks libtorch's float32 convolutions (forward and both gradients, plain and transposed) against float64 once per
 * process. oneDNN picks its kernels' blocking from the CPU's cache sizes; on a virtual machine that reports none it has
 * been seen to return input gradients off by 80 % (and sometimes NaN) while the forward pass stays right. When the
 * check fails, libtorch's oneDNN path is switched off and ATen's own convolutions are used, which pass it.
 */
final class ConvolutionCheck {
    static final double TOLERANCE = 1e-4;
    /** bfloat16 keeps 8 significant bits: its results are rounded to about 0.4 %, so 3 % only catches wrong kernels. */
    static final double BF16_TOLERANCE = 3e-2;
    private static final long[] ONE = {1, 1}, TWO = {2, 2}, ZERO = {0, 0};

    private ConvolutionCheck() {
    }

    /** Null when the float32 convolutions agree with float64, else what disagreed and by how much (relative to the largest value). */
    static String failure() {
        return failure(torch.ScalarType.Float);
    }

    /**
     * The same check in {@code type} (float32 or bfloat16, the precision mixed-precision training runs its
     * convolutions in), against float64 on the same values rounded to {@code type}.
     */
    static String failure(torch.ScalarType type) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(12345);
            String plain = compare(torch.randn(new long[]{8, 2, 40, 24}), torch.randn(new long[]{4, 2, 3, 3}), false, type);
            if (plain != null) return "conv2d " + plain;
            plain = compare(torch.randn(new long[]{1, 8, 64, 64}), torch.randn(new long[]{8, 8, 3, 3}), false, type);
            if (plain != null) return "conv2d " + plain;
            String transposed = compare(torch.randn(new long[]{4, 8, 10, 6}), torch.randn(new long[]{8, 4, 2, 2}), true, type);
            return transposed == null ? null : "conv_transpose2d " + transposed;
        }
    }

    private static String compare(Tensor x0, Tensor w0, boolean transposed, torch.ScalarType type) {
        Tensor x = x0.to(type), w = w0.to(type);
        Tensor[] f = run(x, w, transposed, type), d = run(x, w, transposed, torch.ScalarType.Double);
        String[] names = {"output", "input gradient", "weight gradient"};
        double tolerance = type == torch.ScalarType.Float ? TOLERANCE : BF16_TOLERANCE;
        for (int i = 0; i < 3; i++) {
            double err = relativeError(f[i], d[i]);
            if (!(err <= tolerance)) return (type == torch.ScalarType.Float ? "" : type + " ") + names[i] + " off by " + String.format(java.util.Locale.ROOT, "%.2g", err);
        }
        return null;
    }

    private static Tensor[] run(Tensor x0, Tensor w0, boolean transposed, torch.ScalarType type) {
        // the first Torch.init() may happen inside a caller's no-grad scope; the check needs gradients regardless
        try (org.bytedeco.pytorch.AutoGradMode grad = new org.bytedeco.pytorch.AutoGradMode(true)) {
            return gradients(x0, w0, transposed, type);
        }
    }

    private static Tensor[] gradients(Tensor x0, Tensor w0, boolean transposed, torch.ScalarType type) {
        Tensor x = x0.to(type).clone().requires_grad_(true), w = w0.to(type).clone().requires_grad_(true);
        Tensor y = transposed ? torch.conv_transpose2d(x, w, new TensorOptional(), TWO, ZERO, ZERO, 1, ONE)
                : torch.conv2d(x, w, new TensorOptional(), ONE, ONE, ONE, 1);
        // the probe in float64 first: bfloat16 cannot even count to y.numel()
        Tensor probe = torch.cos(torch.arange(new org.bytedeco.pytorch.Scalar(y.numel())).to(torch.ScalarType.Double)).to(type).reshape(y.sizes());
        y.mul(probe).sum().backward();
        return new Tensor[]{y.detach(), x.grad(), w.grad()};
    }

    private static double relativeError(Tensor a, Tensor b) {
        Tensor ad = a.to(torch.ScalarType.Double);
        double scale = b.abs().max().item_double();
        return ad.sub(b).abs().max().item_double() / scale;
    }
}
