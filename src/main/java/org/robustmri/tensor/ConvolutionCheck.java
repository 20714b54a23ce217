package org.robustmri.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Checks the float32 convolutions models run ({@link Convolutions}: forward and both gradients, plain and transposed)
 * against float64 once per process. On a virtual machine whose CPUID reports no caches or core topology, libtorch
 * 2.10's oneDNN has been seen to return outputs and input gradients off by up to 100 % (sometimes NaN) whenever a pass's
 * channel count is not a whole number of 16-channel blocks. {@link Torch} then checks again with channel padding, and
 * only if that fails too switches oneDNN off for ATen's own convolutions, which pass.
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
            // channel counts that are not whole 16-channel blocks on both sides (the failing case seen), and whole ones
            plain = compare(torch.randn(new long[]{2, 24, 20, 20}), torch.randn(new long[]{40, 24, 3, 3}), false, type);
            if (plain != null) return "conv2d " + plain;
            // a patch embedding's strided kernel and a 1x1 output layer, both off the blocks
            plain = compare(torch.randn(new long[]{2, 2, 32, 32}), torch.randn(new long[]{24, 2, 4, 4}), false, new long[]{4, 4}, ZERO, type);
            if (plain != null) return "strided conv2d " + plain;
            plain = compare(torch.randn(new long[]{2, 12, 20, 20}), torch.randn(new long[]{2, 12, 1, 1}), false, ONE, ZERO, type);
            if (plain != null) return "1x1 conv2d " + plain;
            String transposed = compare(torch.randn(new long[]{4, 8, 10, 6}), torch.randn(new long[]{8, 4, 2, 2}), true, type);
            if (transposed != null) return "conv_transpose2d " + transposed;
            transposed = compare(torch.randn(new long[]{2, 48, 12, 10}), torch.randn(new long[]{48, 80, 2, 2}), true, type);
            if (transposed != null) return "conv_transpose2d " + transposed;
            // an overlapping kernel, as the wavelet synthesis has
            transposed = compare(torch.randn(new long[]{2, 4, 40, 36}), torch.randn(new long[]{4, 1, 4, 4}), true, type);
            return transposed == null ? null : "conv_transpose2d " + transposed;
        }
    }

    private static String compare(Tensor x0, Tensor w0, boolean transposed, torch.ScalarType type) {
        return transposed ? compare(x0, w0, true, TWO, ZERO, type) : compare(x0, w0, false, ONE, ONE, type);
    }

    private static String compare(Tensor x0, Tensor w0, boolean transposed, long[] stride, long[] padding, torch.ScalarType type) {
        double[] errors = errors(x0, w0, transposed, stride, padding, type, true);
        String[] names = {"output", "input gradient", "weight gradient"};
        for (int i = 0; i < 3; i++) {
            if (!(errors[i] <= tolerance(type))) {
                return (type == torch.ScalarType.Float ? "" : type + " ") + names[i] + " off by " + String.format(java.util.Locale.ROOT, "%.2g", errors[i]);
            }
        }
        return null;
    }

    static double tolerance(torch.ScalarType type) {
        return type == torch.ScalarType.Float ? TOLERANCE : BF16_TOLERANCE;
    }

    /**
     * Relative errors of output, input gradient and weight gradient in {@code type} against float64, through
     * {@link Convolutions} ({@code routed}) or libtorch's own calls. Transposed: kernel 2, stride 2.
     */
    static double[] errors(Tensor x0, Tensor w0, boolean transposed, torch.ScalarType type, boolean routed) {
        return transposed ? errors(x0, w0, true, TWO, ZERO, type, routed) : errors(x0, w0, false, ONE, ONE, type, routed);
    }

    private static double[] errors(Tensor x0, Tensor w0, boolean transposed, long[] stride, long[] padding, torch.ScalarType type, boolean routed) {
        Tensor x = x0.to(type), w = w0.to(type);
        Tensor[] f = run(x, w, transposed, stride, padding, type, routed), d = run(x, w, transposed, stride, padding, torch.ScalarType.Double, routed);
        double[] errors = new double[3];
        for (int i = 0; i < 3; i++) errors[i] = relativeError(f[i], d[i]);
        return errors;
    }

    private static Tensor[] run(Tensor x0, Tensor w0, boolean transposed, long[] stride, long[] padding, torch.ScalarType type, boolean routed) {
        // the first Torch.init() may happen inside a caller's no-grad scope; the check needs gradients regardless
        try (org.bytedeco.pytorch.AutoGradMode grad = new org.bytedeco.pytorch.AutoGradMode(true)) {
            return gradients(x0, w0, transposed, stride, padding, type, routed);
        }
    }

    private static Tensor[] gradients(Tensor x0, Tensor w0, boolean transposed, long[] stride, long[] padding, torch.ScalarType type, boolean routed) {
        Tensor x = x0.to(type).clone().requires_grad_(true), w = w0.to(type).clone().requires_grad_(true);
        Tensor y;
        if (routed) {
            y = transposed ? Convolutions.convTranspose2d(x, w, stride, padding) : Convolutions.conv2d(x, w, null, stride, padding);
        } else {
            y = transposed ? torch.conv_transpose2d(x, w, new org.bytedeco.pytorch.TensorOptional(), stride, padding, ZERO, 1, ONE)
                    : torch.conv2d(x, w, new org.bytedeco.pytorch.TensorOptional(), stride, padding, ONE, 1);
        }
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
