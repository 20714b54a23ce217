package org.robustmri.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How often each convolution backend is wrong on random shapes: 3x3 convolutions and 2x2 stride-2 transposed ones (the
 * U-Net's), batch 1-8, 1-128 channels, 8-127 pixels a side, forward and both gradients against float64. The same
 * shapes go through libtorch's oneDNN as libtorch calls it, through {@link Convolutions} with channel padding, through
 * it with its channels-last route at every size, and through ATen's own convolutions; the process's own choice is
 * restored afterwards.
 */
public final class ConvolutionSweep {
    private static final int[] CHANNELS = {1, 2, 3, 4, 8, 12, 16, 18, 24, 32, 48, 64, 128};

    /** Wrong counts of one backend: per part (output, input gradient, weight gradient), of convolutions and transposed ones. */
    public record Result(String backend, int convolutions, int[] convolutionWrong, int transposed, int[] transposedWrong) {
        public String line() {
            return String.format(java.util.Locale.ROOT, "%s: conv2d %d shapes, wrong output/input gradient/weight gradient %d/%d/%d;"
                            + " conv_transpose2d %d shapes, wrong %d/%d/%d", backend, convolutions, convolutionWrong[0], convolutionWrong[1],
                    convolutionWrong[2], transposed, transposedWrong[0], transposedWrong[1], transposedWrong[2]);
        }
    }

    private ConvolutionSweep() {
    }

    public static List<Result> run(int shapes, long seed, torch.ScalarType type) {
        Torch.init();
        boolean padded = Convolutions.padsChannels(), channelsLast = Convolutions.runsChannelsLast(), oneDnn = torch.globalContext().userEnabledMkldnn();
        List<Result> results = new ArrayList<>();
        try {
            results.add(sweep("oneDNN, as libtorch calls it", true, false, false, shapes, seed, type));
            results.add(sweep("oneDNN through Convolutions, channel-padded", true, true, true, shapes, seed, type));
            // every shape with 2+ input channels and a channel count off the blocks, whatever its size
            Convolutions.channelsLast(true);
            Convolutions.channelsLastAtAnySize(true);
            results.add(sweep("oneDNN through Convolutions, channels-last (float32; else padded)", true, true, true, shapes, seed, type));
            Convolutions.channelsLast(false);
            results.add(sweep("ATen", false, false, false, shapes, seed, type));
        } finally {
            torch.globalContext().setUserEnabledMkldnn(oneDnn);
            Convolutions.padChannels(padded);
            Convolutions.channelsLast(channelsLast);
            Convolutions.channelsLastAtAnySize(false);
        }
        return results;
    }

    private static Result sweep(String name, boolean oneDnn, boolean pad, boolean routed, int shapes, long seed, torch.ScalarType type) {
        torch.globalContext().setUserEnabledMkldnn(oneDnn);
        Convolutions.padChannels(pad);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] convWrong = new int[3], transposedWrong = new int[3];
        int convs = 0, transposed = 0;
        for (int i = 0; i < shapes; i++) {
            boolean t = rng.nextInt(3) == 0;
            int b = 1 + rng.nextInt(rng.nextBoolean() ? 1 : 8);
            int in = CHANNELS[rng.nextInt(CHANNELS.length)], out = CHANNELS[rng.nextInt(CHANNELS.length)];
            int h = 8 + rng.nextInt(120), w = 8 + rng.nextInt(120);
            if (t) {
                h = Math.max(h / 2, 4);
                w = Math.max(w / 2, 4);
            }
            try (PointerScope scope = new PointerScope()) {
                torch.manual_seed(seed + i);
                Tensor x = torch.randn(new long[]{b, in, h, w});
                Tensor k = t ? torch.randn(new long[]{in, out, 2, 2}) : torch.randn(new long[]{out, in, 3, 3});
                double[] errors = ConvolutionCheck.errors(x, k, t, type, routed);
                int[] wrong = t ? transposedWrong : convWrong;
                for (int p = 0; p < 3; p++) if (!(errors[p] <= ConvolutionCheck.tolerance(type))) wrong[p]++;
            }
            if (t) transposed++;
            else convs++;
        }
        return new Result(name, convs, convWrong, transposed, transposedWrong);
    }
}
