package org.robustmri.kspace;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Convolutions;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

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
public final class Wavelet implements AutoCloseable {
    private static final double[] DEC_LO = {-0.12940952255126037, 0.2241438680420134, 0.8365163037378079, 0.48296291314453416};
    private static final double[] DEC_HI = {-0.48296291314453416, 0.8365163037378079, -0.2241438680420134, -0.12940952255126037};
    private static final double[] REC_LO = {0.48296291314453416, 0.8365163037378079, 0.2241438680420134, -0.12940952255126037};
    private static final double[] REC_HI = {-0.12940952255126037, -0.2241438680420134, 0.8365163037378079, -0.48296291314453416};
    private static final int MIN_SIZE = 16;

    private final long height;
    private final long width;
    private final List<boolean[]> splits = new ArrayList<>();   // per level: {split along H, split along W}
    /** Filters and padding indices by what and size, made once per transform and kept past the callers' scopes. */
    private final java.util.Map<String, Tensor> constants = new java.util.HashMap<>();

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
        long[] lead = java.util.Arrays.copyOf(x.sizes().vec().get(), (int) x.dim() - 2);
        List<Tensor> out = new ArrayList<>();
        Tensor low = x.reshape(-1, 1, height, width);
        for (boolean[] s : splits) {
            Tensor[] level = split(low, s);
            low = level[0];
            for (int i = (int) level[1].size(1) - 1; i >= 0; i--) out.add(0, unflatten(level[1].select(1, i), lead));
        }
        out.add(0, unflatten(low.select(1, 0), lead));
        return out;
    }

    /** The inverse of {@link #forward}: the real tensor (..., H, W) from its coefficients. */
    public Tensor inverse(List<Tensor> coefficients) {
        Tensor first = coefficients.get(0);
        long[] lead = java.util.Arrays.copyOf(first.sizes().vec().get(), (int) first.dim() - 2);
        Tensor low = flatten(first);
        int next = 1;
        long[][] sizes = sizes();
        for (int level = splits.size() - 1; level >= 0; level--) {
            boolean[] s = splits.get(level);
            int count = (s[0] && s[1]) ? 3 : 1;
            TensorVector details = new TensorVector();
            for (int i = 0; i < count; i++) details.push_back(flatten(coefficients.get(next + i)));
            next += count;
            low = merge(low, torch.cat(details, 1), s, sizes[level]);
        }
        return unflatten(low.select(1, 0), lead);
    }

    /**
     * {@code W^-1 soft(W x, t)} of a complex image (B, 1, H, W): every coefficient (the coarse band too) shrunk by
     * its complex magnitude, {@code z max(|z| - t, 0) / |z|}; {@code t} (B, 1, 1, 1) per batch element.
     */
    public Tensor shrink(Tensor x, Tensor threshold) {
        long b = x.size(0);
        Tensor pairs = torch.view_as_real(x).movedim(-1, 0).reshape(2 * b, 1, height, width);   // real parts, then imaginary
        Tensor[] lows = new Tensor[splits.size() + 1];
        Tensor[] details = new Tensor[splits.size()];
        lows[0] = pairs;
        for (int i = 0; i < splits.size(); i++) {
            Tensor[] level = split(lows[i], splits.get(i));
            lows[i + 1] = level[0];
            details[i] = soft(level[1], threshold, b);
        }
        long[][] sizes = sizes();
        Tensor low = soft(lows[splits.size()], threshold, b);
        for (int i = splits.size() - 1; i >= 0; i--) low = merge(low, details[i], splits.get(i), sizes[i]);
        return torch.view_as_complex(low.view(2, b, 1, height, width).movedim(0, -1).contiguous());
    }

    /** Complex soft thresholding of bands (2B, k, h, w) holding real parts then imaginary parts. */
    private static Tensor soft(Tensor bands, Tensor threshold, long b) {
        Tensor pairs = bands.view(2, b, bands.size(1), bands.size(2), bands.size(3));
        Tensor magnitude = pairs.square().sum(new long[]{0}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).sqrt();
        Tensor factor = torch.clamp_min(magnitude.sub(threshold), Torch.scalar(0.0))
                .div(torch.clamp_min(magnitude, Torch.scalar(Float.MIN_NORMAL)));
        return pairs.mul(factor).view(2 * b, bands.size(1), bands.size(2), bands.size(3));
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

    /**
     * One level of (N, 1, h, w): {low (N, 1, h', w'), details (N, k, h', w')}, details ordered high-H/low-W,
     * low-H/high-W, high-both (PyWavelets' cH, cV, cD), or the one split axis's high band. Both axes split in one
     * strided 2-D convolution with the four outer products of the filters.
     */
    private Tensor[] split(Tensor x, boolean[] s) {
        if (s[0] && s[1]) {
            long h = x.size(-2), w = x.size(-1);
            Tensor padded = x.index_select(2, symmetricIndex(h, x)).index_select(3, symmetricIndex(w, x));
            Tensor bands = Convolutions.conv2d(padded, filters2d(x, true), null, new long[]{2, 2}, new long[]{0, 0});
            return new Tensor[]{bands.narrow(1, 0, 1), bands.narrow(1, 1, 3)};
        }
        if (s[1]) {
            List<Tensor> lh = analyse(x);
            return new Tensor[]{lh.get(0), lh.get(1)};
        }
        List<Tensor> lh = analyse(x.transpose(-1, -2));
        return new Tensor[]{lh.get(0).transpose(-1, -2), lh.get(1).transpose(-1, -2)};
    }

    /** The inverse of {@link #split}: (N, 1, h, w) of the level's input size {@code size}. */
    private Tensor merge(Tensor low, Tensor details, boolean[] s, long[] size) {
        if (s[0] && s[1]) {
            Tensor bands = torch.cat(new TensorVector(low, details), 1);
            Tensor full = Convolutions.convTranspose2d(bands, filters2d(low, false), new long[]{2, 2}, new long[]{0, 0});
            return full.narrow(2, 2, size[0]).narrow(3, 2, size[1]);
        }
        if (s[1]) return synthesise(low, details, size[1]);
        return synthesise(low.transpose(-1, -2), details.transpose(-1, -2), size[0]).transpose(-1, -2);
    }

    /** Indices of the half-sample symmetric extension of {@code n} samples, 2 before and enough after for the bands. */
    private Tensor symmetricIndex(long n, Tensor like) {
        return constant("index" + n, like, () -> {
            long bands = (n + 3) / 2;
            long[] index = new long[(int) (2 * bands + 2)];
            for (int t = 0; t < index.length; t++) index[t] = symmetric(t - 2, n);
            return Tensors.fromLongs(index, index.length).to(like.device(), torch.ScalarType.Long);
        });
    }

    /** A constant for {@code like}'s device (and type, for filters), made on first use. */
    private Tensor constant(String key, Tensor like, java.util.function.Supplier<Tensor> make) {
        String k = key + "|" + like.device().str().getString() + "|" + like.scalar_type();
        Tensor t = constants.get(k);
        if (t == null) {
            t = make.get();
            t.retainReference();
            constants.put(k, t);
        }
        return t;
    }

    /** Frees the filters and indices this transform made. */
    @Override
    public void close() {
        constants.values().forEach(Tensor::releaseReference);
        constants.clear();
    }

    /**
     * 2-D weights (4, 1, 4, 4), the outer products of the H and W filters in the order low-low, high-low, low-high,
     * high-high: reversed analysis filters for conv2d (it correlates), synthesis filters for conv_transpose2d.
     */
    private Tensor filters2d(Tensor like, boolean analysis) {
        return constant("filters2d" + analysis, like, () -> {
            double[][] f = analysis ? new double[][]{reverse(DEC_LO), reverse(DEC_HI)} : new double[][]{REC_LO, REC_HI};
            int[][] order = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};   // {H filter, W filter}
            double[] w = new double[4 * 16];
            for (int c = 0; c < 4; c++) {
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) w[c * 16 + i * 4 + j] = f[order[c][0]][i] * f[order[c][1]][j];
                }
            }
            return Tensors.fromDoubles(w, 4, 1, 4, 4).to(like.device(), like.scalar_type());
        });
    }

    private static double[] reverse(double[] f) {
        return new double[]{f[3], f[2], f[1], f[0]};
    }

    private Tensor flatten(Tensor band) {
        return band.reshape(-1, 1, band.size(-2), band.size(-1));
    }

    private static Tensor unflatten(Tensor band, long[] lead) {
        long[] shape = java.util.Arrays.copyOf(lead, lead.length + 2);
        shape[lead.length] = band.size(-2);
        shape[lead.length + 1] = band.size(-1);
        return band.reshape(shape);
    }

    /**
     * Low and high band along the last axis: {@code out[j] = sum_m f[m] x[2j + 1 - m]} for
     * {@code j < floor((n + 3) / 2)}, x extended half-sample symmetrically.
     */
    private List<Tensor> analyse(Tensor x) {
        long n = x.size(-1), bands = (n + 3) / 2;
        long[] lead = java.util.Arrays.copyOf(x.sizes().vec().get(), (int) x.dim() - 1);
        Tensor padded = x.reshape(-1, 1, n).index_select(2, symmetricIndex(n, x));
        Tensor out = torch.conv1d(padded, filters(x, true), new TensorOptional(), new long[]{2}, new long[]{0}, new long[]{1}, 1);
        return List.of(out.select(1, 0).reshape(concat(lead, bands)), out.select(1, 1).reshape(concat(lead, bands)));
    }

    /** The inverse of {@link #analyse}: upsampled bands convolved with the synthesis filters, samples [2, 2 + n). */
    private Tensor synthesise(Tensor low, Tensor high, long n) {
        long bands = low.size(-1);
        long[] lead = java.util.Arrays.copyOf(low.sizes().vec().get(), (int) low.dim() - 1);
        Tensor in = torch.stack(new org.bytedeco.pytorch.TensorVector(low.reshape(-1, bands), high.reshape(-1, bands)), 1);
        Tensor full = torch.conv_transpose1d(in, filters(low, false), new TensorOptional(), new long[]{2}, new long[]{0}, new long[]{0}, 1, new long[]{1});
        return full.narrow(2, 2, n).reshape(concat(lead, n));
    }

    /** conv1d weights (2, 1, 4) for analysis (filters reversed: conv1d correlates), conv_transpose1d weights (2, 1, 4) for synthesis. */
    private Tensor filters(Tensor like, boolean analysis) {
        return constant("filters" + analysis, like, () -> {
            double[] w = new double[8];
            for (int m = 0; m < 4; m++) {
                w[m] = analysis ? DEC_LO[3 - m] : REC_LO[m];
                w[4 + m] = analysis ? DEC_HI[3 - m] : REC_HI[m];
            }
            return Tensors.fromDoubles(w, 2, 1, 4).to(like.device(), like.scalar_type());
        });
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
