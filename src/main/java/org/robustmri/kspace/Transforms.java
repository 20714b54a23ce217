package org.robustmri.kspace;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

/** The forward-model pieces of fastMRI's transforms, on libtorch tensors (complex data stays complex). */
public final class Transforms {
    static {
        Torch.init();
    }

    private Transforms() {
    }

    /** Centre crop of the last two axes, with fastMRI's offsets {@code (size - crop) // 2}; works for complex too. */
    public static Tensor centerCrop(Tensor x, long h, long w) {
        long[] s = Torch.shape(x);
        long height = s[s.length - 2], width = s[s.length - 1];
        if (h <= 0 || w <= 0 || h > height || w > width) {
            throw new IllegalArgumentException("cannot crop " + height + "x" + width + " to " + h + "x" + w);
        }
        long top = Math.floorDiv(height - h, 2);
        long left = Math.floorDiv(width - w, 2);
        return x.narrow(-2, top, h).narrow(-1, left, w);
    }

    /** Magnitude of a complex tensor as fastMRI's {@code complex_abs}: {@code sqrt(re^2 + im^2)}. */
    public static Tensor complexAbs(Tensor x) {
        Tensor pairs = torch.view_as_real(x);
        return pairs.square().sum(new long[]{-1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).sqrt();
    }

    /** Root-sum-of-squares of a real tensor over one axis (the coil axis). */
    public static Tensor rss(Tensor x, long dim) {
        return x.square().sum(new long[]{dim}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).sqrt();
    }

    /**
     * Multiplies k-space (..., H, W) by a column mask and adds +0.0, so masked entries are +0, never -0.
     * Columns outside {@code [padLeft, padRight)} are zeroed first (fastMRI's header padding); pass
     * {@code padLeft = 0, padRight = W} for none.
     */
    public static Tensor applyMask(Tensor kspace, float[] columns, int padLeft, int padRight) {
        long[] s = Torch.shape(kspace);
        int w = (int) s[s.length - 1];
        if (columns.length != w) {
            throw new IllegalArgumentException("mask has " + columns.length + " columns, k-space has " + w);
        }
        float[] m = columns.clone();
        for (int j = 0; j < w; j++) {
            if (j < padLeft || j >= padRight) m[j] = 0f;
        }
        // (W, 1) against the (..., H, W, 2) real view: exactly fastMRI's arithmetic on real pairs.
        Tensor mask = Tensors.fromFloats(m, w, 1).to(kspace.device(), torch.ScalarType.Float);
        Tensor pairs = torch.view_as_real(kspace);
        Tensor masked = pairs.mul(mask).add(Torch.scalar(0.0));
        return torch.view_as_complex(masked);
    }

    /**
     * The U-Net/ViT input: {@code ifft2c} per coil, complex centre crop to (h, w), magnitude, RSS over coils.
     * {@code kspace} is (coils, H, W) complex; the result is (h, w) float.
     */
    public static Tensor zeroFilledRss(Tensor maskedKspace, long h, long w) {
        Tensor image = Fft.ifft2c(maskedKspace);
        Tensor cropped = centerCrop(image, h, w);
        return rss(complexAbs(cropped), 0);
    }

    /**
     * Same image as {@code zeroFilledRss(applyMask(kspace, columns, padLeft, padRight), h, w)}, computed
     * separably with far fewer operations: the readout IFFT runs only on sampled columns, the phase-encode
     * IFFT only on rows that survive the crop, and the centring shifts become index selections.
     *
     * <p>Why the input-side {@code ifftshift}s can be dropped: shifting the input of a DFT multiplies output
     * index k by a unit-modulus phase; on the readout axis that phase is constant along an image row and on
     * the phase-encode axis constant along a column, the same for every coil, so magnitudes and the RSS are
     * unchanged. The output-side {@code fftshift} and the crop are one index selection per axis.
     * {@code columns == null} means fully sampled (no mask, no padding).
     */
    public static Tensor maskedZeroFilledRss(Tensor kspace, float[] columns, int padLeft, int padRight, long h, long w) {
        long[] s = Torch.shape(kspace);
        int rank = s.length;
        long height = s[rank - 2];
        int width = (int) s[rank - 1];
        if (h <= 0 || w <= 0 || h > height || w > width) {
            throw new IllegalArgumentException("cannot crop " + height + "x" + width + " to " + h + "x" + w);
        }
        org.bytedeco.pytorch.Device device = kspace.device();
        Tensor sampled;
        Tensor columnIndex = null;
        if (columns == null) {
            sampled = kspace;
        } else {
            if (columns.length != width) {
                throw new IllegalArgumentException("mask has " + columns.length + " columns, k-space has " + width);
            }
            long[] kept = new long[width];
            float[] weights = new float[width];
            boolean binary = true;
            int n = 0;
            for (int j = Math.max(0, padLeft); j < Math.min(padRight, width); j++) {
                if (columns[j] != 0f) {
                    kept[n] = j;
                    weights[n++] = columns[j];
                    binary &= columns[j] == 1f;
                }
            }
            if (n == 0) {
                long[] shape = s.clone();
                shape[rank - 2] = h;
                shape[rank - 1] = w;
                return torch.zeros(java.util.Arrays.copyOfRange(shape, 1, rank), new org.bytedeco.pytorch.DimnameListOptional(),
                        Torch.options(torch.ScalarType.Float).device(new org.bytedeco.pytorch.DeviceOptional(device)));
            }
            columnIndex = indexTensor(java.util.Arrays.copyOf(kept, n), device);
            sampled = kspace.index_select(-1, columnIndex);
            if (!binary) {
                // mask * k + 0.0 on real pairs; a 0/1 mask leaves sampled values unchanged, so skip it then.
                Tensor weight = Tensors.fromFloats(java.util.Arrays.copyOf(weights, n), n, 1).to(device, torch.ScalarType.Float);
                sampled = torch.view_as_complex(torch.view_as_real(sampled).mul(weight).add(Torch.scalar(0.0)));
            }
        }
        Tensor rows = torch.fft_ifft(sampled, new org.bytedeco.pytorch.LongOptional(), -2, Torch.ortho())
                .index_select(-2, indexTensor(shiftedCrop(height, h), device));
        Tensor spread;
        if (columnIndex == null) {
            spread = rows;
        } else {
            long[] shape = s.clone();
            shape[rank - 2] = h;
            spread = torch.zeros(shape, new org.bytedeco.pytorch.DimnameListOptional(),
                    Torch.options(torch.ScalarType.ComplexFloat).device(new org.bytedeco.pytorch.DeviceOptional(device)));
            spread.index_copy_(-1, columnIndex, rows);
        }
        Tensor image = torch.fft_ifft(spread, new org.bytedeco.pytorch.LongOptional(), -1, Torch.ortho())
                .index_select(-1, indexTensor(shiftedCrop(width, w), device));
        Tensor pairs = torch.view_as_real(image);
        Tensor power = pairs.select(-1, 0).square().add(pairs.select(-1, 1).square());
        return power.sum(new long[]{0}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).sqrt();
    }

    /** Indices i of an unshifted DFT output that land at crop positions 0..crop-1 after fftshift and centre crop. */
    static long[] shiftedCrop(long size, long crop) {
        long start = Math.floorDiv(size - crop, 2);
        long[] idx = new long[(int) crop];
        for (int i = 0; i < crop; i++) idx[i] = Math.floorMod(start + i - size / 2, size);
        return idx;
    }

    private static Tensor indexTensor(long[] idx, org.bytedeco.pytorch.Device device) {
        Tensor t = Tensors.fromLongs(idx, idx.length);
        return device.is_cpu() ? t : t.to(device, torch.ScalarType.Long);
    }

    /** Per-image normalisation of the paper's wrapper: {@code (x - mean) / std}, unbiased std, no eps. */
    public static Normalized normalize(Tensor x) {
        Tensor mean = x.mean();
        Tensor std = x.std();
        return new Normalized(x.sub(mean).div(std), mean, std);
    }

    /** A normalised tensor and the statistics that undo it. */
    public record Normalized(Tensor value, Tensor mean, Tensor std) {
        public Tensor undo(Tensor y) {
            return y.mul(std).add(mean);
        }
    }
}
