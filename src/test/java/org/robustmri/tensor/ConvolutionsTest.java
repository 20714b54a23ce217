package org.robustmri.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Channel padding changes no sum: in the mode start-up chose and with padding forced on, outputs and gradients of {@link Convolutions} agree with libtorch's
 * float64 convolutions (ATen's own kernels; oneDNN has no float64), for channel counts on and off the 16-channel
 * blocks, transposed kernels equal to their stride (pixel-shuffle route) and overlapping (zero-interleave route).
 */
class ConvolutionsTest {
    private static final long[] ONE = {1, 1}, TWO = {2, 2}, ZERO = {0, 0};
    private static final torch.ScalarType F64 = torch.ScalarType.Double;

    @Test
    void paddedAndPlainConvolutionsAgreeWithFloat64() {
        Torch.init();
        boolean before = Convolutions.padsChannels(), channelsLast = Convolutions.runsChannelsLast(), oneDnn = torch.globalContext().userEnabledMkldnn();
        try (PointerScope scope = new PointerScope(); AutoGradMode grad = new AutoGradMode(true)) {
            // the process's mode now, then padded whatever the CPU; where start-up chose padded oneDNN (a TorchScript
            // model may have switched this process to ATen since), padded oneDNN once more
            // padded oneDNN once more, and its channels-last route at every size
            boolean startUpOneDnn = Torch.paddingChosenAtStartUp() || oneDnn;
            boolean[][] modes = {{before, oneDnn, channelsLast}, {true, oneDnn, false}, {true, startUpOneDnn, false}, {true, startUpOneDnn, true}};
            for (boolean[] mode : modes) {
                boolean pad = mode[0];
                Convolutions.padChannels(pad);
                torch.globalContext().setUserEnabledMkldnn(mode[1]);
                Convolutions.channelsLast(mode[2]);
                Convolutions.channelsLastAtAnySize(mode[2]);
                // {batch, in, out, h, w}: padded (in and out off the blocks, at most twice the work; or a large input),
                // ATen's route (more than twice the work on a small input), and whole blocks
                int[][] shapes = {{1, 24, 40, 20, 20}, {2, 28, 24, 16, 12}, {1, 2, 4, 400, 400}, {2, 18, 12, 40, 24}, {1, 2, 24, 16, 16},
                        {1, 1, 24, 64, 64}, {3, 24, 3, 20, 17}, {1, 32, 16, 33, 30}};
                torch.manual_seed(7);
                for (int[] s : shapes) {
                    Tensor x = torch.randn(new long[]{s[0], s[1], s[3], s[4]}), w = torch.randn(new long[]{s[2], s[1], 3, 3}), b = torch.randn(new long[]{s[2]});
                    compare("conv2d " + java.util.Arrays.toString(s) + " mode " + java.util.Arrays.toString(mode), x, w, b, false, ONE, ONE);
                    compare("strided conv2d " + java.util.Arrays.toString(s) + " mode " + java.util.Arrays.toString(mode), x, w, b, false, TWO, ZERO);
                }
                int[][] transposed = {{2, 24, 12, 10, 9, 2}, {1, 48, 80, 7, 6, 2}, {2, 4, 1, 21, 18, 4}, {1, 3, 5, 9, 8, 3}};
                for (int[] s : transposed) {
                    Tensor x = torch.randn(new long[]{s[0], s[1], s[3], s[4]}), w = torch.randn(new long[]{s[1], s[2], s[5], s[5]});
                    compare("conv_transpose2d " + java.util.Arrays.toString(s) + " mode " + java.util.Arrays.toString(mode), x, w, null, true, TWO, ZERO);
                    if (s[5] > 2) compare("padded conv_transpose2d " + java.util.Arrays.toString(s) + " mode " + java.util.Arrays.toString(mode), x, w, null, true, TWO, ONE);
                }
            }
        } finally {
            Convolutions.padChannels(before);
            Convolutions.channelsLast(channelsLast);
            Convolutions.channelsLastAtAnySize(false);
            torch.globalContext().setUserEnabledMkldnn(oneDnn);
        }
    }

    @Test
    void bfloat16ChannelsLastRouteAgreesWithFloat64OnTheRoundedValues() {
        Torch.init();
        boolean before = Convolutions.padsChannels(), channelsLast = Convolutions.runsChannelsLast(), oneDnn = torch.globalContext().userEnabledMkldnn();
        boolean bfloat16Route = Convolutions.runsChannelsLastBfloat16();
        try (PointerScope scope = new PointerScope(); AutoGradMode grad = new AutoGradMode(true)) {
            Convolutions.padChannels(true);
            torch.globalContext().setUserEnabledMkldnn(true);
            Convolutions.channelsLast(true);
            Convolutions.channelsLastBfloat16(true);
            Convolutions.channelsLastAtAnySize(true);
            torch.manual_seed(11);
            // {batch, in, out, h, w}: off the 16-channel blocks on both sides, on them, and the U-Net's 1-channel output layer
            int[][] shapes = {{1, 24, 40, 20, 20}, {2, 32, 32, 24, 16}, {1, 18, 36, 17, 30}, {2, 32, 1, 16, 16}};
            for (int[] s : shapes) {
                Tensor x = torch.randn(new long[]{s[0], s[1], s[3], s[4]}).to(torch.ScalarType.BFloat16);
                Tensor w = torch.randn(new long[]{s[2], s[1], 3, 3}).to(torch.ScalarType.BFloat16);
                Tensor[] ours = runBfloat16(x, w, false), reference = runBfloat16(x, w, true);
                String[] names = {"output", "input gradient", "weight gradient"};
                for (int i = 0; i < ours.length; i++) {
                    double scale = reference[i].abs().max().item_double();
                    double err = ours[i].to(F64).sub(reference[i]).abs().max().item_double() / scale;
                    assertThat(err).as("bfloat16 conv2d " + java.util.Arrays.toString(s) + " " + names[i]).isLessThan(ConvolutionCheck.BF16_TOLERANCE);
                }
            }
        } finally {
            Convolutions.padChannels(before);
            Convolutions.channelsLast(channelsLast);
            Convolutions.channelsLastBfloat16(bfloat16Route);
            Convolutions.channelsLastAtAnySize(false);
            torch.globalContext().setUserEnabledMkldnn(oneDnn);
        }
    }

    /** A bfloat16 convolution through {@link Convolutions}, or libtorch's float64 one on the same (rounded) values. */
    private static Tensor[] runBfloat16(Tensor x0, Tensor w0, boolean reference) {
        torch.ScalarType type = reference ? F64 : torch.ScalarType.BFloat16;
        Tensor x = x0.to(type).clone().requires_grad_(true), w = w0.to(type).clone().requires_grad_(true);
        Tensor y = reference ? torch.conv2d(x, w, new TensorOptional(), ONE, ONE, ONE, 1) : Convolutions.conv2d(x, w, null, ONE, ONE);
        Tensor probe = torch.cos(torch.arange(new org.bytedeco.pytorch.Scalar(y.numel())).to(F64)).to(type).reshape(y.sizes());
        y.mul(probe).sum().backward();
        return new Tensor[]{y.detach(), x.grad(), w.grad()};
    }

    private static void compare(String what, Tensor x, Tensor w, Tensor b, boolean transposed, long[] stride, long[] padding) {
        Tensor[] ours = run(x, w, b, transposed, stride, padding, false), reference = run(x, w, b, transposed, stride, padding, true);
        String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
        for (int i = 0; i < ours.length; i++) {
            if (ours[i] == null) continue;
            assertThat(ours[i].sizes().vec().get()).as(what + " " + names[i] + " shape").containsExactly(reference[i].sizes().vec().get());
            double scale = reference[i].abs().max().item_double();
            double err = ours[i].to(F64).sub(reference[i]).abs().max().item_double() / scale;
            assertThat(err).as(what + " " + names[i]).isLessThan(ConvolutionCheck.TOLERANCE);
        }
    }

    private static Tensor[] run(Tensor x0, Tensor w0, Tensor b0, boolean transposed, long[] stride, long[] padding, boolean reference) {
        torch.ScalarType type = reference ? F64 : torch.ScalarType.Float;
        Tensor x = x0.to(type).clone().requires_grad_(true), w = w0.to(type).clone().requires_grad_(true);
        Tensor b = b0 == null ? null : b0.to(type).clone().requires_grad_(true);
        Tensor y;
        if (reference) {
            y = transposed ? torch.conv_transpose2d(x, w, new TensorOptional(), stride, padding, ZERO, 1, ONE)
                    : torch.conv2d(x, w, b == null ? new TensorOptional() : new TensorOptional(b), stride, padding, ONE, 1);
        } else {
            y = transposed ? Convolutions.convTranspose2d(x, w, stride, padding) : Convolutions.conv2d(x, w, b, stride, padding);
        }
        Tensor probe = torch.cos(torch.arange(new org.bytedeco.pytorch.Scalar(y.numel())).to(F64)).to(type).reshape(y.sizes());
        y.mul(probe).sum().backward();
        return new Tensor[]{y.detach(), x.grad(), w.grad(), b == null ? null : b.grad()};
    }
}
