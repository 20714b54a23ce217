package org.robustmri.kspace;

import org.bytedeco.pytorch.LongArrayRefOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Torch;

/** Centred orthonormal 2-D FFTs over the last two axes of a complex tensor, as fastMRI's {@code fft2c}/{@code ifft2c}. */
public final class Fft {
    private static final long[] LAST_TWO = {-2, -1};

    static {
        Torch.init();
    }

    private Fft() {
    }

    /** {@code fftshift(fft2(ifftshift(x), norm="ortho"))} over the last two axes. */
    public static Tensor fft2c(Tensor x) {
        requireComplex(x);
        Tensor shifted = torch.fft_ifftshift(x, LAST_TWO);
        Tensor f = torch.fft_fft2(shifted, new LongArrayRefOptional(), LAST_TWO, Torch.ortho());
        return torch.fft_fftshift(f, LAST_TWO);
    }

    /** {@code fftshift(ifft2(ifftshift(x), norm="ortho"))} over the last two axes. */
    public static Tensor ifft2c(Tensor x) {
        requireComplex(x);
        Tensor shifted = torch.fft_ifftshift(x, LAST_TWO);
        Tensor f = torch.fft_ifft2(shifted, new LongArrayRefOptional(), LAST_TWO, Torch.ortho());
        return torch.fft_fftshift(f, LAST_TWO);
    }

    /** {@code fftshift(ifft(ifftshift(x), norm="ortho"))} along one axis: a 3-D partition encode into slices. */
    public static Tensor ifft1c(Tensor x, long dim) {
        if (!x.is_complex()) throw new IllegalArgumentException("ifft1c needs a complex tensor, got " + x.scalar_type());
        Tensor shifted = torch.fft_ifftshift(x, dim);
        Tensor f = torch.fft_ifft(shifted, new org.bytedeco.pytorch.LongOptional(), dim, Torch.ortho());
        return torch.fft_fftshift(f, dim);
    }

    /** {@code fftshift(fft(ifftshift(x), norm="ortho"))} along one axis. */
    public static Tensor fft1c(Tensor x, long dim) {
        if (!x.is_complex()) throw new IllegalArgumentException("fft1c needs a complex tensor, got " + x.scalar_type());
        Tensor shifted = torch.fft_ifftshift(x, dim);
        Tensor f = torch.fft_fft(shifted, new org.bytedeco.pytorch.LongOptional(), dim, Torch.ortho());
        return torch.fft_fftshift(f, dim);
    }

    private static void requireComplex(Tensor x) {
        if (!x.is_complex()) {
            throw new IllegalArgumentException("fft2c/ifft2c need a complex tensor, got " + x.scalar_type());
        }
        if (x.dim() < 2) {
            throw new IllegalArgumentException("fft2c/ifft2c need at least 2 dimensions, got " + x.dim());
        }
    }
}
