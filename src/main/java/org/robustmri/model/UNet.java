package org.robustmri.model;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Convolutions;
import org.robustmri.tensor.Scopes;
import org.robustmri.tensor.Torch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * fastMRI's U-Net, written functionally over named parameters so the state dict matches the reference:
 * conv blocks (3x3 conv without bias, instance norm without affine, LeakyReLU 0.2) twice; 2x2 average
 * pooling down; 2x2 stride-2 transposed convolution without bias, instance norm, LeakyReLU up; skip
 * concatenation; a final 1x1 convolution with bias. Where a size is not divisible by 2^pools, the upsampled
 * map is reflect-padded by one pixel on the right/bottom to match its skip connection.
 */
public final class UNet {
    private static final double SLOPE = 0.2;
    private static final double EPS = 1e-5;
    private static final long[] ONE = {1, 1};
    private static final long[] ZERO = {0, 0};
    private static final long[] TWO = {2, 2};

    private final Parameters params;
    private final String prefix;
    private final int pools;

    /** Registers fresh parameters named {@code prefix + ...} (prefix e.g. "unet.") in {@code params}. */
    public UNet(Parameters params, String prefix, int inChans, int outChans, int chans, int pools, SplittableRandom rng) {
        Torch.init();
        this.params = params;
        this.prefix = prefix;
        this.pools = pools;
        long ch = chans;
        convBlock("down_sample_layers.0.", inChans, ch, rng);
        for (int i = 1; i < pools; i++) {
            convBlock("down_sample_layers." + i + ".", ch, ch * 2, rng);
            ch *= 2;
        }
        convBlock("conv.", ch, ch * 2, rng);
        for (int i = 0; i < pools - 1; i++) {
            params.add(prefix + "up_transpose_conv." + i + ".layers.0.weight", Init.convWeight(rng, ch * 2, ch, 2, 2));
            convBlock("up_conv." + i + ".", ch * 2, ch, rng);
            ch /= 2;
        }
        int last = pools - 1;
        params.add(prefix + "up_transpose_conv." + last + ".layers.0.weight", Init.convWeight(rng, ch * 2, ch, 2, 2));
        convBlock("up_conv." + last + ".0.", ch * 2, ch, rng);
        params.add(prefix + "up_conv." + last + ".1.weight", Init.convWeight(rng, outChans, ch, 1, 1));
        params.add(prefix + "up_conv." + last + ".1.bias", Init.bias(rng, ch, outChans));
    }

    /** The number of parameters, without building the network (same layout as the constructor). */
    public static long parameterCount(int inChans, int outChans, int chans, int pools) {
        long ch = chans;
        long n = 9L * inChans * ch + 9L * ch * ch;
        for (int i = 1; i < pools; i++) {
            n += 9L * ch * (2 * ch) + 9L * (2 * ch) * (2 * ch);
            ch *= 2;
        }
        n += 9L * ch * (2 * ch) + 9L * (2 * ch) * (2 * ch);
        for (int i = 0; i < pools; i++) {
            n += 4L * (2 * ch) * ch;                      // transposed conv
            n += 9L * (2 * ch) * ch + 9L * ch * ch;       // conv block after concatenation
            if (i < pools - 1) ch /= 2;
        }
        return n + (long) outChans * ch + outChans;       // final 1x1 conv with bias
    }

    private void convBlock(String name, long in, long out, SplittableRandom rng) {
        params.add(prefix + name + "layers.0.weight", Init.convWeight(rng, out, in, 3, 3));
        params.add(prefix + name + "layers.4.weight", Init.convWeight(rng, out, out, 3, 3));
    }

    /**
     * Each block runs in its own scope ({@link Scopes}): only its output and the skip connections stay referenced,
     * as in Python, where a block's temporaries die at their last use (in inference nothing else holds them).
     */
    public Tensor forward(Tensor image) {
        Deque<Tensor> stack = new ArrayDeque<>();
        Tensor out = image;
        for (int i = 0; i < pools; i++) {
            Tensor in = out;
            String name = "down_sample_layers." + i + ".";
            out = Scopes.scoped(() -> applyConvBlock(name, in));
            stack.push(out);
            out = torch.avg_pool2d(out, TWO, TWO, ZERO, false, true, new LongOptional());
        }
        Tensor bottom = out;
        out = Scopes.scoped(() -> applyConvBlock("conv.", bottom));
        for (int i = 0; i < pools; i++) {
            Tensor below = out, skip = stack.pop();
            int level = i;
            out = Scopes.scoped(() -> up(level, below, skip));
        }
        return out;
    }

    private Tensor up(int i, Tensor below, Tensor skip) {
        Tensor out = Convolutions.convTranspose2d(below, params.get(prefix + "up_transpose_conv." + i + ".layers.0.weight"), TWO, ZERO);
        out = normAct(out);
        long padRight = out.size(-1) != skip.size(-1) ? 1 : 0;
        long padBottom = out.size(-2) != skip.size(-2) ? 1 : 0;
        if (padRight + padBottom > 0) out = torch.reflection_pad2d(out, 0, padRight, 0, padBottom);
        TensorVector both = new TensorVector(out, skip);
        out = torch.cat(both, 1);
        if (i < pools - 1) return applyConvBlock("up_conv." + i + ".", out);
        out = applyConvBlock("up_conv." + i + ".0.", out);
        return Convolutions.conv2d(out, params.get(prefix + "up_conv." + i + ".1.weight"),
                params.get(prefix + "up_conv." + i + ".1.bias"), ONE, ZERO);
    }

    private Tensor applyConvBlock(String name, Tensor x) {
        Tensor y = Scopes.scoped(() -> normAct(Convolutions.conv2d(x, params.get(prefix + name + "layers.0.weight"), null, ONE, ONE)));
        return Scopes.scoped(() -> normAct(Convolutions.conv2d(y, params.get(prefix + name + "layers.4.weight"), null, ONE, ONE)));
    }

    /** Instance norm, then leaky ReLU in place on its output, as fastMRI's {@code LeakyReLU(inplace=True)}. */
    private static Tensor normAct(Tensor x) {
        Tensor n = torch.instance_norm(x, new TensorOptional(), new TensorOptional(), new TensorOptional(),
                new TensorOptional(), true, 0.1, EPS, false);
        torch.leaky_relu_(n, Torch.scalar(SLOPE)); // its return value aliases n without owning it: n is the result
        return n;
    }
}
