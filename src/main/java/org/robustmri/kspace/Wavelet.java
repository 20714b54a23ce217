package org.robustmri.kspace;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Tensors;

import java.util.ArrayList;
import java.util.List;

/**
 * The 2-D Daubechies wavelet transform of BART's l1-wavelet regulariser ({@code pics -R W:3:0:lambda}, BART's
 * default {@code dau2}): the 4-tap Daubechies filters (PyWavelets' {@code db2}), half-sample symmetric extension
 * ({@code mode='symmetric'}: a band of {@code n} samples has {@code floor((n + 3) / 2)} coefficients), separable over
 * the last two axes. An axis is split while its low band still has at least {@code min(size, 16)} samples, each axis
 * on its own, so a non-square image may be split more often along one axis. The transform is not orthogonal; the
 * inverse is PyWavelets' perfect-reconstruction synthesis.
 */
public final class Wavelet {
    private static final double[] DEC_LO = {-0.12940952255126037, 0.2241438680420134, 0.8365163037378079, 0.48296291314453416};
    private static final double[] DEC_HI = {-0.48296291314453416, 0.8365163037378079, -0.2241438680420134, -0.12940952255126037};
    private static final double[] REC_LO = {0.48296291314453416, 0.8365163037378079, 0.2241438680420134, -0.12940952255126037};
    private static final double[] REC_HI = {-0.12940952255126037, -0.2241438680420134, 0.8365163037378079, -0.48296291314453416};
    private static final int MIN_SIZE = 16;

    private final long height;
    private final long width;
    private final List<boolean[]> splits = new ArrayList<>();   // per level: {split along H, split along W}

    public Wavelet(long height, long width) {
        this.height = height;
        this.width = width;
        long h = height, w = width, minH = Math.min(height, MIN_SIZE), minW = Math.min(width, MIN_SIZE);
        while (true) {
            boolean sh = h > 1 && h >= minH, sw = w > 1 && w >= minW;
            if (!sh && !sw) break;
            splits.add(new boolean[]{sh, sw});
            if (sh) h = (h + 3) / 2;
            if (sw) w = (w + 3) / 2;
            if (splits.size() > 64) throw new IllegalStateException("wavelet levels do not converge for " + height + "x" + width);
        }
    }

    /** The number of levels (a level splits at least one axis). */
    public int levels() {
        return splits.size();
    }

    /**
     * BART's {@code wavelet_num_levels} along one axis: the levels along it plus one; random shifts along that
     * axis are drawn from {@code 0 .. 2^shiftLevels}.
     */
    public int shiftLevels(int axis) {
        int n = 1;
        for (boolean[] s : splits) if (s[axis]) n++;
        return n;
    }

    /**
     * The coefficients of a real tensor (..., H, W) in PyWavelets' {@code wavedec2} order: the coarse band, then per
     * level from the coarsest the detail bands (high along H, high along W, high along both; a level that splits one
     * axis has one detail band).
     */
    public List<Tensor> forward(Tensor x) {
        List<Tensor> details = new ArrayList<>();
        Tensor low = x;
        for (boolean[] s : splits) {
            List<Tensor> bands = split(low, s);
            low = bands.get(0);
            details.addAll(0, bands.subList(1, bands.size()));
        }
        details.add(0, low);
        return details;
    }

    /** The inverse of {@link #forward}: the real tensor (..., H, W) from its coefficients. */
    public Tensor inverse(List<Tensor> coefficients) {
        Tensor low = coefficients.get(0);
        int next = 1;
        long[][] sizes = sizes();
        for (int level = splits.size() - 1; level >= 0; level--) {
            boolean[] s = splits.get(level);
            int detailCount = (s[0] && s[1]) ? 3 : 1;
            List<Tensor> bands = new ArrayList<>();
            bands.add(low);
            bands.addAll(coefficients.subList(next, next + detailCount));
            next += detailCount;
            low = merge(bands, s, sizes[level]);
        }
        return low;
    }

    /**
     * {@code W^-1 soft(W x, t)} of a complex image (..., H, W): every coefficient (the coarse band too) shrunk by
     * its complex magnitude, {@code z max(|z| - t, 0) / |z|}; {@code t} broadcasts over the coefficients' leading axes.
     */
    public Tensor shrink(Tensor x, Tensor threshold) {
        Tensor pairs = torch.view_as_real(x).movedim(-1, 0);     // (2, ..., H, W): real and imaginary parts
        List<Tensor> bands = forward(pairs);
        List<Tensor> shrunk = new ArrayList<>(bands.size());
        for (Tensor b : bands) {
            Tensor magnitude = b.square().sum(new long[]{0}, true, new org.bytedeco.pytorch.ScalarTypeOptional()).sqrt();
            Tensor factor = torch.clamp_min(magnitude.sub(threshold), org.robustmri.tensor.Torch.scalar(0.0))
                    .div(torch.clamp_min(magnitude, org.robustmri.tensor.Torch.scalar(Float.MIN_NORMAL)));
            shrunk.add(b.mul(factor));
        }
        return torch.view_as_complex(inverse(shrunk).movedim(0, -1).contiguous());
    }

    /** The (H, W) of the input of each level. */
    private long[][] sizes() {
        long[][] out = new long[splits.size()][];
        long h = height, w = width;
        for (int i = 0; i < splits.size(); i++) {
            out[i] = new long[]{h, w};
            if (splits.get(i)[0]) h = (h + 3) / 2;
            if (splits.get(i)[1]) w = (w + 3) / 2;
        }
        return out;
    }

    /** One level: [low, details...] where details are [hi-H/lo-W, lo-H/hi-W, hi-H/hi-W] (or the one split axis's high band). */
    private static List<Tensor> split(Tensor x, boolean[] s) {
        List<Tensor> alongH = s[0] ? analyse(x.transpose(-1, -2)).stream().map(t -> t.transpose(-1, -2)).toList() : List.of(x);
        List<Tensor> out = new ArrayList<>();
        if (!s[1]) return alongH;
        List<Tensor> lowH = analyse(alongH.get(0));
        if (!s[0]) return lowH;
        List<Tensor> highH = analyse(alongH.get(1));
        out.add(lowH.get(0));
        out.add(highH.get(0));   // high along H, low along W (PyWavelets' cH)
        out.add(lowH.get(1));    // low along H, high along W (cV)
        out.add(highH.get(1));   // high along both (cD)
        return out;
    }

    private static Tensor merge(List<Tensor> bands, boolean[] s, long[] size) {
        if (s[0] && s[1]) {
            Tensor lowH = synthesise(bands.get(0), bands.get(2), size[1]);
            Tensor highH = synthesise(bands.get(1), bands.get(3), size[1]);
            return synthesise(lowH.transpose(-1, -2), highH.transpose(-1, -2), size[0]).transpose(-1, -2);
        }
        if (s[0]) return synthesise(bands.get(0).transpose(-1, -2), bands.get(1).transpose(-1, -2), size[0]).transpose(-1, -2);
        return synthesise(bands.get(0), bands.get(1), size[1]);
    }

    /**
     * Low and high band along the last axis: {@code out[j] = sum_m f[m] x[2j + 1 - m]} for
     * {@code j < floor((n + 3) / 2)}, x extended half-sample symmetrically.
     */
    private static List<Tensor> analyse(Tensor x) {
        long n = x.size(-1), bands = (n + 3) / 2;
        long[] lead = java.util.Arrays.copyOf(x.sizes().vec().get(), (int) x.dim() - 1);
        long[] index = new long[(int) (2 * bands + 2)];
        for (int t = 0; t < index.length; t++) index[t] = symmetric(t - 2, n);
        Tensor padded = x.reshape(-1, 1, n).index_select(2, Tensors.fromLongs(index, index.length).to(x.device(), torch.ScalarType.Long));
        Tensor out = torch.conv1d(padded, filters(x, true), new TensorOptional(), new long[]{2}, new long[]{0}, new long[]{1}, 1);
        return List.of(out.select(1, 0).reshape(concat(lead, bands)), out.select(1, 1).reshape(concat(lead, bands)));
    }

    /** The inverse of {@link #analyse}: upsampled bands convolved with the synthesis filters, samples [2, 2 + n). */
    private static Tensor synthesise(Tensor low, Tensor high, long n) {
        long bands = low.size(-1);
        long[] lead = java.util.Arrays.copyOf(low.sizes().vec().get(), (int) low.dim() - 1);
        Tensor in = torch.stack(new org.bytedeco.pytorch.TensorVector(low.reshape(-1, bands), high.reshape(-1, bands)), 1);
        Tensor full = torch.conv_transpose1d(in, filters(low, false), new TensorOptional(), new long[]{2}, new long[]{0}, new long[]{0}, 1, new long[]{1});
        return full.narrow(2, 2, n).reshape(concat(lead, n));
    }

    /** conv1d weights (2, 1, 4) for analysis (filters reversed: conv1d correlates), conv_transpose1d weights (2, 1, 4) for synthesis. */
    private static Tensor filters(Tensor like, boolean analysis) {
        double[] w = new double[8];
        for (int m = 0; m < 4; m++) {
            w[m] = analysis ? DEC_LO[3 - m] : REC_LO[m];
            w[4 + m] = analysis ? DEC_HI[3 - m] : REC_HI[m];
        }
        return Tensors.fromDoubles(w, 2, 1, 4).to(like.device(), like.scalar_type());
    }

    private static long symmetric(long i, long n) {
        if (i < 0) i = -i - 1;
        if (i >= n) i = 2 * n - 1 - i;
        return i;
    }

    private static long[] concat(long[] lead, long last) {
        long[] out = java.util.Arrays.copyOf(lead, lead.length + 1);
        out[lead.length] = last;
        return out;
    }
}
