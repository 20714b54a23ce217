package org.robustmri.tensor;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The one way models call 2-D convolutions. Normally libtorch's own. On CPUs where oneDNN's direct convolution kernels
 * are wrong whenever a pass's channel count is not a whole number of their 16-channel blocks (seen on virtual machines
 * whose CPUID reports no cache or core topology: output and input gradients off by up to 100 %, sometimes NaN, while
 * the same kernels are right on whole blocks), {@link Torch} switches on channel padding: a convolution gets its
 * input and output channels zero-padded to multiples of 16 (the extra channels hold zeros, so the sums are the same),
 * or, where that would more than double its work, runs ATen's own convolution; transposed convolutions run as
 * convolutions. On large inputs, where the start-up check finds them right too, float32 layers with at least 2 input
 * channels instead run oneDNN's channels-last kernels unpadded (other kernels, which take any channel count); so do
 * mixed-precision (bfloat16) layers there, once their own check before the first bfloat16 pass finds them right (without
 * the layout conversions of the blocked kernels, the unet-small bfloat16 step at 320x320 took 383-440 ms instead of
 * 425-442, bench/README.md).
 * The start-up check decides, through these methods.
 */
public final class Convolutions {
    /** oneDNN's AVX-512 channel block; a multiple of its AVX2 one (8). */
    static final long BLOCK = 16;
    private static final long[] ONE = {1, 1}, ZERO = {0, 0};
    /**
     * Above this factor of padded over true work a layer runs ATen's convolution instead (float32 only: ATen's
     * bfloat16 convolutions are slow). Measured on a 2-core machine: padding 12 channels to 16 (1.8x) still beat ATen
     * several-fold at 640x368; padding 8 to 16 (4x) at 64x64 was no faster than ATen, 2 and 6 to 16 twice as slow.
     */
    static final double MAX_INFLATION = 2.0;
    /**
     * ... on inputs of at most this many pixels (batch x height x width). On larger ones padded oneDNN was faster even at
     * 4x: E2E-VarNet's 8-channel sensitivity network over 15 coils at 640x368 took longer through ATen.
     */
    static final long SMALL_PIXELS = 1 << 17;
    private static volatile boolean padChannels, channelsLast;
    /** Whether the channels-last route also serves bfloat16 and mixed precision (oneDNN's bfloat16 kernels there passed their own check). */
    private static volatile boolean channelsLastBfloat16;
    /**
     * Channels-last runs layers of more than this many pixels. Measured at 15 coils x 640 x 368 (E2E-VarNet's 8- and
     * 12-channel U-Nets), it beat padding there with glibc's per-thread malloc arenas; with the launcher's one arena the two
     * were level. On small inputs the choice above stands.
     * The start-up check lowers it to 0 while it checks the channels-last kernels.
     */
    private static volatile long channelsLastAbovePixels = SMALL_PIXELS;

    private Convolutions() {
    }

    static void padChannels(boolean on) {
        padChannels = on;
    }

    static boolean padsChannels() {
        return padChannels;
    }

    static void channelsLast(boolean on) {
        channelsLast = on;
    }

    static boolean runsChannelsLast() {
        return channelsLast;
    }

    static void channelsLastBfloat16(boolean on) {
        channelsLastBfloat16 = on;
    }

    static boolean runsChannelsLastBfloat16() {
        return channelsLastBfloat16;
    }

    /** Channels-last at any size (true), for checking it on small shapes, or from {@link #SMALL_PIXELS} pixels up. */
    static void channelsLastAtAnySize(boolean any) {
        channelsLastAbovePixels = any ? 0 : SMALL_PIXELS;
    }

    /** {@code conv2d(x, w, bias, stride, padding)} with dilation 1 and one group; {@code bias} may be null. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, long[] stride, long[] padding) {
        if (!padChannels) return torch.conv2d(x, w, optional(bias), stride, padding, ONE, 1);
        long in = w.size(1), out = w.size(0);
        long padIn = padding(in), padOut = padding(out);
        if (padIn + padOut == 0) return torch.conv2d(x, w, optional(bias), stride, padding, ONE, 1);
        long pixels = x.size(0) * x.size(2) * x.size(3);
        boolean autocast = Autocast.active(), bfloat16 = autocast || x.scalar_type() == torch.ScalarType.BFloat16;
        boolean routeChecked = bfloat16 ? channelsLastBfloat16 : x.scalar_type() == torch.ScalarType.Float;
        if (channelsLast && in >= 2 && pixels > channelsLastAbovePixels && routeChecked) {
            // one input channel stays off this route: its input gradient was wrong in channels-last too; the output goes
            // back to the default layout, where the elementwise kernels around it are faster
            return torch.conv2d(x.contiguous(torch.MemoryFormat.ChannelsLast), w.contiguous(torch.MemoryFormat.ChannelsLast),
                    optional(bias), stride, padding, ONE, 1).contiguous();
        }
        double inflation = (double) ((in + padIn) * (out + padOut)) / (in * out);
        if (inflation > MAX_INFLATION && pixels <= SMALL_PIXELS && !autocast) {
            // few channels on a small input: padding would multiply the work where oneDNN's fixed costs already weigh;
            // ATen's own im2col convolution, an explicit operator whose gradient is its own too, is right without it
            return torch.thnn_conv2d(x.contiguous(), w.contiguous(), new long[]{w.size(2), w.size(3)}, optional(bias), stride, padding);
        }
        Tensor xp = padIn == 0 ? x : torch.constant_pad_nd(x, new long[]{0, 0, 0, 0, 0, padIn}, new Scalar(0.0));
        Tensor wp = torch.constant_pad_nd(w, new long[]{0, 0, 0, 0, 0, padIn, 0, padOut}, new Scalar(0.0));
        Tensor bp = bias == null || padOut == 0 ? bias : torch.constant_pad_nd(bias, new long[]{0, padOut}, new Scalar(0.0));
        Tensor y = torch.conv2d(xp, wp, optional(bp), stride, padding, ONE, 1);
        return padOut == 0 ? y : y.narrow(1, 0, out);
    }

    /**
     * {@code conv_transpose2d(x, w, stride, padding)} with output padding 0, dilation 1 and one group ({@code w} is
     * (in, out, kh, kw)). With channel padding: a kernel equal to its stride (no overlap) is a 1x1 convolution to
     * {@code out * s * s} channels followed by a pixel shuffle; any other kernel is the convolution of the
     * zero-interleaved input with the flipped kernel.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, long[] stride, long[] padding) {
        if (!padChannels) return torch.conv_transpose2d(x, w, new TensorOptional(), stride, padding, ZERO, 1, ONE);
        long in = w.size(0), out = w.size(1), kh = w.size(2), kw = w.size(3);
        if (kh == stride[0] && kw == stride[1] && kh == kw && padding[0] == 0 && padding[1] == 0) {
            Tensor pointwise = w.permute(1, 2, 3, 0).reshape(out * kh * kw, in, 1, 1);
            return torch.pixel_shuffle(conv2d(x, pointwise, null, ONE, ZERO), kh);
        }
        if (padding[0] > kh - 1 || padding[1] > kw - 1) throw new IllegalArgumentException("transposed convolution padding larger than its kernel");
        long h = x.size(2), wd = x.size(3);
        Tensor spread = torch.zeros(new long[]{x.size(0), in, (h - 1) * stride[0] + 1, (wd - 1) * stride[1] + 1}, x.options());
        spread.slice(2, new LongOptional(0), new LongOptional(spread.size(2)), stride[0])
                .slice(3, new LongOptional(0), new LongOptional(spread.size(3)), stride[1]).copy_(x);
        Tensor flipped = w.transpose(0, 1).flip(2, 3);
        return conv2d(spread, flipped, null, ONE, new long[]{kh - 1 - padding[0], kw - 1 - padding[1]});
    }

    private static long padding(long channels) {
        long r = channels % BLOCK;
        return r == 0 ? 0 : BLOCK - r;
    }

    private static TensorOptional optional(Tensor t) {
        return t == null ? new TensorOptional() : new TensorOptional(t);
    }
}
