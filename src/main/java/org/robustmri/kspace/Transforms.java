package org.robustmri.kspace;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
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
     * {@code ifft2c} per coil, complex centre crop to (h, w), magnitude, RSS over the coil axis (-3): the zero-filled
     * image of already-masked k-space (..., C, H, W), result (..., h, w). Masking lives in {@link MultiCoilMri}.
     */
    public static Tensor zeroFilledRss(Tensor maskedKspace, long h, long w) {
        Tensor image = Fft.ifft2c(maskedKspace);
        Tensor cropped = centerCrop(image, h, w);
        return rss(complexAbs(cropped), maskedKspace.dim() - 3);
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
